// External Term Format throughput on a representative message
// (bench/data/message.term): encode and decode, in bytes of ETF per second.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "ember/term/etf.hpp"
#include "ember/term/parse.hpp"

namespace {

const ember::term& message() {
    static const ember::term t = [] {
        std::ifstream in(EMBER_BENCH_MESSAGE);
        std::stringstream text;
        text << in.rdbuf();
        auto parsed = ember::parse(text.str());
        if (!parsed) throw std::runtime_error("bench message: " + parsed.error().message);
        return *parsed;
    }();
    return t;
}

void etf_encode(benchmark::State& state) {
    const ember::term& t = message();
    std::vector<std::byte> out;
    for (auto _ : state) {
        out.clear();
        ember::etf::encode_append(t, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
    state.counters["bytes"] = static_cast<double>(out.size());
}
BENCHMARK(etf_encode);

void etf_decode(benchmark::State& state) {
    const auto bytes = ember::etf::encode(message());
    for (auto _ : state) {
        auto t = ember::etf::decode(bytes);
        benchmark::DoNotOptimize(t);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(etf_decode);


void term_parse(benchmark::State& state) {
    std::ifstream in(EMBER_BENCH_MESSAGE);
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    for (auto _ : state) benchmark::DoNotOptimize(ember::parse(s));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * s.size()));
}
BENCHMARK(term_parse);

} // namespace

BENCHMARK_MAIN();
