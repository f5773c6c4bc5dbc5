#pragma once
// What every whole-workload benchmark here shares: one line of figures
// (plain, or one JSON object that scripts/bench reads), the clock, the
// process's resident memory and CPU time, and a percentile. Main thread only.

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ember::bench {

using clock_type = std::chrono::steady_clock;

struct figures {
    std::string workload;
    unsigned schedulers = 0;
    std::vector<std::pair<std::string, double>> values;

    void print(bool json) const {
        if (json) {
            std::printf("{\"workload\":\"%s\",\"schedulers\":%u", workload.c_str(), schedulers);
            for (auto& [k, v] : values) std::printf(",\"%s\":%.6g", k.c_str(), v);
            std::printf("}\n");
        } else {
            std::printf("%-9s schedulers=%u", workload.c_str(), schedulers);
            for (auto& [k, v] : values) std::printf("  %s=%.6g", k.c_str(), v);
            std::printf("\n");
        }
        std::fflush(stdout);
    }
};

inline double seconds_since(clock_type::time_point t) { return std::chrono::duration<double>(clock_type::now() - t).count(); }

inline std::size_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::size_t pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

inline double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/// The q-th quantile (0..1) of `v`, as the element at q*(n-1) after sorting
/// (the Erlang twins use the same rule). `v` must not be empty.
/// `PROGRAM WORKLOAD [--schedulers N] [--json]`, as both bench programs
/// take it; nullopt (after a line on stderr) for anything else.
struct bench_args {
    std::string workload;
    unsigned schedulers = 2;
    bool json = false;
};
inline std::optional<bench_args> parse_bench_args(int argc, char** argv, const char* program) {
    bench_args out;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--json") out.json = true;
        else if (a == "--schedulers" && i + 1 < argc) out.schedulers = static_cast<unsigned>(std::stoul(argv[++i]));
        else if (out.workload.empty() && a[0] != '-') out.workload = a;
        else {
            std::fprintf(stderr, "%s: unknown argument %s\n", program, a.c_str());
            return std::nullopt;
        }
    }
    return out;
}

inline double quantile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

} // namespace ember::bench
