// Scheduling: fairness through checkpoints, priorities, and the
// deterministic single-thread mode.
#include "runtime_fixture.hpp"

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
