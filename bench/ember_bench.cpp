// ember-bench WORKLOAD [--schedulers N] [--json]: whole-workload figures of
// the runtime. Each workload prints one line of figures (one JSON object
// with --json). Same workloads as bench/erlang/ember_bench.erl, so that
// scripts/bench can print both side by side.
//
//   spawn     1,000,000 processes that wait for a message: spawn rate and
//             resident bytes per process; then all stop and it runs again
//             in the same OS process (the warm figure)
//   pingpong  1,000,000 round trips between two processes
//   ring      10,000 processes pass a token 1,000,000 hops
//   fanin     1,000 senders x 1,000 messages to one receiver
//   idle      CPU seconds used over 5 s by a node with 100,000 idle processes
//   runaway   a ticker that sleeps 1 ms 2,000 times: its lateness (p50, p99,
//             max), first alone, then beside 2 runaway loops that never
//             reach a checkpoint (two lines, "runaways": 0 and 2)

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "bench_util.hpp"
#include "ember/runtime/gen_server.hpp"
#include "ember/runtime/node.hpp"

using namespace ember;
using namespace ember::bench;
using namespace std::chrono_literals;

namespace {

void wait_for_processes(node& n, std::size_t count) {
    while (n.process_count() > count) std::this_thread::sleep_for(1ms);
}

// ---- spawn --------------------------------------------------------------------

process_task waiter(std::atomic<long>* started) {
    started->fetch_add(1, std::memory_order_relaxed);
    co_await receive();
}

process_task spawner(pid report, int count, std::atomic<long>* started, std::vector<pid>* out) {
    for (int i = 0; i < count; ++i) out->push_back(spawn(waiter, started));
    send(report, atoms::ok);
    co_return;
}

struct spawn_run {
    double per_s;
    double bytes_per_process;
};

spawn_run spawn_once(node& n, probe& me, int count) {
    std::atomic<long> started{0};
    std::vector<pid> pids;
    pids.reserve(static_cast<std::size_t>(count));
    const std::size_t base = n.process_count();
    const std::size_t rss0 = resident_bytes();
    const auto t0 = clock_type::now();
    n.spawn(spawner, me.self(), count, &started, &pids);
    me.receive(600s);
    while (started.load(std::memory_order_relaxed) < count) std::this_thread::yield();
    const double elapsed = seconds_since(t0);
    const std::size_t rss1 = resident_bytes();
    for (pid p : pids) n.send(p, atoms::ok);
    wait_for_processes(n, base);
    return {count / elapsed, static_cast<double>(rss1 - rss0 - pids.capacity() * sizeof(pid)) / count};
}

figures bench_spawn(unsigned schedulers) {
    node n({.schedulers = schedulers});
    probe me(n);
    const int count = 1'000'000;
    const spawn_run cold = spawn_once(n, me, count);
    const spawn_run warm = spawn_once(n, me, count);
    return {"spawn", schedulers, {{"spawn_per_s", cold.per_s}, {"spawn_warm_per_s", warm.per_s}, {"bytes_per_process", cold.bytes_per_process}}};
}

// ---- call: gen_server:call round trips -------------------------------------------

class bench_server : public gen_server::server {
public:
    task<gen_server::step> handle_call(term request, gen_server::from) override { co_return gen_server::reply(std::move(request)); }
};

process_task caller(pid report, pid server, int rounds) {
    for (int i = 0; i < rounds; ++i) (void)co_await gen_server::call(server, atoms::ok);
    send(report, atoms::ok);
}

figures bench_call(unsigned schedulers) {
    node n({.schedulers = schedulers});
    probe me(n);
    const int rounds = 1'000'000;
    const pid server = gen_server::start<bench_server>(n).value();
    const auto t0 = clock_type::now();
    n.spawn(caller, me.self(), server, rounds);
    me.receive(600s);
    const double elapsed = seconds_since(t0);
    return {"call", schedulers, {{"ns_per_call", elapsed * 1e9 / rounds}}};
}

// ---- busy_call: calls from a process whose mailbox holds 500,000 unrelated
// messages (the busy process's death spiral, if every call scanned them) ----

process_task busy_caller(pid report, pid server, int queued, int rounds) {
    for (int i = 0; i < queued; ++i) send(self(), atoms::undefined);
    (void)co_await gen_server::call(server, atoms::ok); // the queue is taken in: what follows is the steady state
    send(report, atom("queued"));
    co_await receive([](const term& m) { return m == atom("go"); });
    for (int i = 0; i < rounds; ++i) (void)co_await gen_server::call(server, atoms::ok);
    send(report, atoms::ok);
}

figures bench_busy_call(unsigned schedulers) {
    node n({.schedulers = schedulers});
    probe me(n);
    const int queued = 500'000, rounds = 100'000;
    const pid server = gen_server::start<bench_server>(n).value();
    const pid c = n.spawn(busy_caller, me.self(), server, queued, rounds);
    me.receive(600s); // queued
    const auto t0 = clock_type::now();
    me.send(c, atom("go"));
    me.receive(600s);
    const double elapsed = seconds_since(t0);
    return {"busy_call", schedulers, {{"ns_per_busy_call", elapsed * 1e9 / rounds}}};
}

// ---- pingpong -----------------------------------------------------------------

process_task ponger() {
    for (;;) {
        term m = co_await receive();
        if (!m.is_pid()) co_return;
        send(m.as_pid(), atoms::ok);
    }
}

process_task pinger(pid report, pid other, int rounds) {
    const pid me = self();
    const term ping = term::from_pid(me);
    for (int i = 0; i < rounds; ++i) {
        send(other, ping);
        co_await receive();
    }
    send(other, atoms::shutdown);
    send(report, atoms::ok);
}

figures bench_pingpong(unsigned schedulers) {
    node n({.schedulers = schedulers});
    probe me(n);
    const int rounds = 1'000'000;
    pid other = n.spawn(ponger);
    const auto t0 = clock_type::now();
    n.spawn(pinger, me.self(), other, rounds);
    me.receive(600s);
    const double elapsed = seconds_since(t0);
    return {"pingpong", schedulers, {{"ns_per_roundtrip", elapsed * 1e9 / rounds}}};
}

// ---- ring ---------------------------------------------------------------------

process_task ring_node(pid report) {
    term next_term = co_await receive(); // the next process in the ring
    const pid next = next_term.as_pid();
    for (;;) {
        term m = co_await receive();
        const std::int64_t hops = m.as_integer();
        if (hops == 0) {
            send(report, atoms::ok);
            send(next, term::integer(-1));
            co_return;
        }
        if (hops < 0) {
            send(next, term::integer(-1));
            co_return;
        }
        send(next, term::integer(hops - 1));
    }
}

figures bench_ring(unsigned schedulers) {
    node n({.schedulers = schedulers});
    probe me(n);
    const int size = 10'000, hops = 1'000'000;
    std::vector<pid> ring;
    for (int i = 0; i < size; ++i) ring.push_back(n.spawn(ring_node, me.self()));
    for (int i = 0; i < size; ++i) n.send(ring[static_cast<std::size_t>(i)], term::from_pid(ring[static_cast<std::size_t>((i + 1) % size)]));
    const auto t0 = clock_type::now();
    n.send(ring[0], term::integer(hops));
    me.receive(600s);
    const double elapsed = seconds_since(t0);
    return {"ring", schedulers, {{"hops_per_s", hops / elapsed}}};
}

// ---- fanin --------------------------------------------------------------------

process_task fan_sender(pid to, int count) {
    const term m = atoms::ok;
    for (int i = 0; i < count; ++i) send(to, m);
    co_return;
}

process_task fan_receiver(pid report, int total) {
    for (int i = 0; i < total; ++i) co_await receive();
    send(report, atoms::ok);
}

figures bench_fanin(unsigned schedulers) {
    node n({.schedulers = schedulers});
    probe me(n);
    const int senders = 1000, each = 1000;
    pid sink = n.spawn(fan_receiver, me.self(), senders * each);
    const auto t0 = clock_type::now();
    n.spawn([](pid to, int count, int per) -> process_task {
        for (int i = 0; i < count; ++i) spawn(fan_sender, to, per);
        co_return;
    }, sink, senders, each);
    me.receive(600s);
    const double elapsed = seconds_since(t0);
    return {"fanin", schedulers, {{"msgs_per_s", senders * each / elapsed}}};
}

// ---- idle ---------------------------------------------------------------------

figures bench_idle(unsigned schedulers) {
    node n({.schedulers = schedulers});
    probe me(n);
    std::atomic<long> started{0};
    std::vector<pid> pids;
    n.spawn(spawner, me.self(), 100'000, &started, &pids);
    me.receive(600s);
    while (started.load() < 100'000) std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(100ms); // let the schedulers park
    const double cpu0 = cpu_seconds();
    std::this_thread::sleep_for(5s);
    const double used = cpu_seconds() - cpu0;
    return {"idle", schedulers, {{"idle_cpu_s", used}}};
}

// ---- runaway -------------------------------------------------------------------

process_task ticker(pid report, int ticks, std::vector<double>* lateness_us) {
    for (int i = 0; i < ticks; ++i) {
        const auto t0 = clock_type::now();
        co_await sleep_for(1ms);
        lateness_us->push_back(std::chrono::duration<double, std::micro>(clock_type::now() - t0 - 1ms).count());
    }
    send(report, atoms::ok);
}

process_task runaway_loop(std::atomic<bool>* stop) {
    while (!stop->load(std::memory_order_relaxed)) {} // no checkpoint, ever
    co_return;
}

figures ticker_lateness(unsigned schedulers, int runaways) {
    std::atomic<bool> stop{false};
    std::vector<double> lateness;
    {
        node n({.schedulers = schedulers});
        probe me(n);
        for (int i = 0; i < runaways; ++i) n.spawn(runaway_loop, &stop);
        std::this_thread::sleep_for(50ms); // the runaways are running by now
        lateness.reserve(2000);
        n.spawn(ticker, me.self(), 2000, &lateness);
        me.receive(600s);
        stop = true; // the node joins the runaways' threads when it goes
    }
    std::sort(lateness.begin(), lateness.end());
    const auto at = [&](double q) { return lateness[static_cast<std::size_t>(q * static_cast<double>(lateness.size() - 1))]; };
    return {"runaway", schedulers, {{"runaways", runaways}, {"lateness_p50_us", at(0.5)}, {"lateness_p99_us", at(0.99)}, {"lateness_max_us", lateness.back()}}};
}

} // namespace

int main(int argc, char** argv) {
    const auto args = parse_bench_args(argc, argv, "ember-bench");
    if (!args) return 2;
    const std::string& workload = args->workload;
    const unsigned schedulers = args->schedulers;
    const bool json = args->json;
    figures f;
    if (workload == "spawn") f = bench_spawn(schedulers);
    else if (workload == "pingpong") f = bench_pingpong(schedulers);
    else if (workload == "call") f = bench_call(schedulers);
    else if (workload == "busy_call") f = bench_busy_call(schedulers);
    else if (workload == "ring") f = bench_ring(schedulers);
    else if (workload == "fanin") f = bench_fanin(schedulers);
    else if (workload == "idle") f = bench_idle(schedulers);
    else if (workload == "runaway") {
        ticker_lateness(schedulers, 0).print(json);
        f = ticker_lateness(schedulers, 2);
    } else {
        std::fprintf(stderr, "usage: ember-bench spawn|pingpong|call|busy_call|ring|fanin|idle|runaway [--schedulers N] [--json]\n");
        return 2;
    }
    f.print(json);
    return 0;
}
