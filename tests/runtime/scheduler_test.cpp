// Scheduling: fairness through checkpoints, priorities, and the
// deterministic single-thread mode.
#include "runtime_fixture.hpp"

#include <atomic>
#include <memory>
#include <set>

#include "ember/runtime/process.hpp"

namespace ember::testing {
namespace {

class scheduling : public runtime_test {};
EMBER_RUNTIME_TEST_SUITE(scheduling);

process_task busy_loop() {
    for (;;) co_await checkpoint();
}

TEST_P(scheduling, checkpointed_loops_do_not_starve_others) {
    // As many busy loops as schedulers, then a ping: it must still answer.
    for (unsigned i = 0; i < GetParam(); ++i) n.spawn(busy_loop);
    pid echo = n.spawn([]() -> process_task {
        for (;;) {
            term m = co_await receive();
            send(m.as_pid(), atoms::ok);
        }
    });
    for (int i = 0; i < 20; ++i) {
        me.send(echo, term::from_pid(me.self()));
        ASSERT_EQ(next(), term(atoms::ok));
    }
}

TEST_P(scheduling, a_killed_busy_loop_unwinds_at_its_checkpoint) {
    pid p = n.spawn(busy_loop);
    reference r = me.monitor(p);
    (void)r;
    n.exit(p, atoms::kill);
    EXPECT_EQ(next_down_reason(), term(atoms::killed));
}

TEST_P(scheduling, priorities_all_run) {
    for (priority prio : {priority::low, priority::normal, priority::high})
        n.spawn_opt({.prio = prio}, [](pid report, int level) -> process_task {
            send(report, term::integer(level));
            co_return;
        }, me.self(), static_cast<int>(prio)).value();
    std::set<std::int64_t> seen;
    for (int i = 0; i < 3; ++i) seen.insert(next().as_integer());
    EXPECT_EQ(seen.size(), 3u);
}

// Counts its checkpoints into `count`; reports when it reached `target`
// (0: never), then goes on.
process_task counting_loop(std::shared_ptr<std::atomic<std::uint64_t>> count, std::uint64_t target, pid report) {
    for (std::uint64_t i = 1;; ++i) {
        count->store(i, std::memory_order_relaxed);
        if (i == target) send(report, atom("done"));
        co_await checkpoint();
    }
}

// process_SUITE's low_prio: with low and normal processes all busy, a low
// one is skipped a bounded number of times, then run: it gets between
// 1/32 and all of a normal one's share, never starved.
TEST_P(scheduling, busy_low_priority_processes_get_a_share_beside_busy_normal_ones) {
    // A node of its own whose watchdog takes no slice for a runaway unless
    // it ran a whole second: on a loaded machine the OS may stop a
    // scheduler thread mid-slice for over the default 10 ms, and a low
    // process caught so would be left on a retired thread at idle priority,
    // which measures the watchdog and the OS, not the low-priority rule.
    node_options options = options_for(GetParam());
    options.runaway_threshold = std::chrono::seconds(1);
    node calm(options);
    probe watcher(calm);
    auto next_report = [&] { return watcher.receive(std::chrono::milliseconds(60000)).value_or(term(atom("no_message"))); };
    std::vector<std::shared_ptr<std::atomic<std::uint64_t>>> low, normal;
    std::vector<pid> all;
    constexpr std::uint64_t target = 2'000'000; // about 500 slices of a normal process
    for (int i = 0; i < 2; ++i) {
        low.push_back(std::make_shared<std::atomic<std::uint64_t>>(0));
        all.push_back(calm.spawn_opt({.prio = priority::low}, counting_loop, low.back(), std::uint64_t{0}, watcher.self()).value());
    }
    for (int i = 0; i < 2; ++i) {
        normal.push_back(std::make_shared<std::atomic<std::uint64_t>>(0));
        all.push_back(calm.spawn_opt({}, counting_loop, normal.back(), target, watcher.self()).value());
    }
    EXPECT_EQ(next_report(), term(atom("done")));
    EXPECT_EQ(next_report(), term(atom("done")));
    for (const pid& p : all) calm.exit(p, atoms::kill);
    const std::uint64_t normal_work = std::max(normal[0]->load(), normal[1]->load());
    for (const auto& l : low) {
        EXPECT_GE(l->load() * 32, normal_work) << "a low process got less than 1/32 of a normal one's work";
        // No upper bound: a scheduler with no normal work runs low ones
        // freely, so a low process can get as much as a normal one, or more.
    }
}

// --- deterministic mode -------------------------------------------------------

process_task logger(pid report, int id) {
    for (int i = 0; i < 3; ++i) {
        send(report, make_tuple(id, i));
        co_await yield();
    }
}

std::string run_round_robin() {
    node d({.deterministic = true});
    probe out(d);
    for (int id = 0; id < 3; ++id) d.spawn(logger, out.self(), id);
    d.run_until_idle();
    std::string trace;
    while (auto m = out.receive(0ms)) trace += to_string(*m);
    return trace;
}

TEST(deterministic, exact_order_and_repeatable) {
    const std::string first = run_round_robin();
    EXPECT_EQ(first, "{0,0}{1,0}{2,0}{0,1}{1,1}{2,1}{0,2}{1,2}{2,2}");
    EXPECT_EQ(run_round_robin(), first);
}

TEST(deterministic, virtual_time_runs_timers_without_waiting) {
    node d({.deterministic = true});
    probe out(d);
    d.spawn([](pid report) -> process_task {
        co_await sleep_for(std::chrono::hours(1));
        send(report, atoms::ok);
    }, out.self());
    const auto start = std::chrono::steady_clock::now();
    auto m = out.receive(std::chrono::hours(2));
    EXPECT_EQ(m, term(atoms::ok));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s) << "an hour of virtual time passes at once";
}

TEST(deterministic, probe_timeout_is_virtual_too) {
    node d({.deterministic = true});
    probe out(d);
    d.spawn([](pid report) -> process_task {
        co_await sleep_for(10s);
        send(report, atoms::ok);
    }, out.self());
    EXPECT_FALSE(out.receive(5s).has_value()) << "10 s is beyond a 5 s horizon";
    EXPECT_TRUE(out.receive(10s).has_value());
}

} // namespace
} // namespace ember::testing
