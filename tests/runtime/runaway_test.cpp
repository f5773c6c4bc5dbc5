// Runaways: a process that runs without reaching a checkpoint cannot freeze
// the node; a kill makes it a zombie, dead to the node at once. At 1, 2 and
// 4 schedulers.
#include "runtime_fixture.hpp"

#include <atomic>

#include "ember/runtime/process.hpp"

namespace ember::testing {
namespace {

class runaways : public runtime_test {
protected:
    // Set when the test ends, before the node goes: a runaway's thread is
    // joined when the node stops, so its loop must end.
    struct release_on_exit {
        std::atomic<bool> flag{false};
        ~release_on_exit() { flag = true; }
    };

    bool wait_for_long_schedule(const pid& p) {
        for (int i = 0; i < 500; ++i) {
            for (const runtime_event& e : n.events())
                if (e.kind == event_kind::long_schedule && e.id == p) return true;
            std::this_thread::sleep_for(5ms);
        }
        return false;
    }
    std::optional<process_stats> stats_of(const pid& p) {
        std::optional<process_stats> found;
        n.for_each_process([&](const process_stats& s) {
            if (s.id == p) found = s;
        });
        return found;
    }
};
EMBER_THREADED_TEST_SUITE(runaways); // the watchdog and idle-priority threads

// Spins with no checkpoint until released, then reports and returns.
process_task spin(std::atomic<bool>* release, pid report) {
    while (!release->load(std::memory_order_relaxed)) {}
    co_await checkpoint();
    send(report, atom("came_back"));
}

TEST_P(runaways, every_scheduler_held_by_a_runaway_and_the_node_still_answers) {
    release_on_exit release;
    std::vector<pid> spinners;
    for (unsigned i = 0; i < GetParam(); ++i) spinners.push_back(n.spawn(spin, &release.flag, me.self()));
    pid e = n.spawn(echo);
    for (int i = 0; i < 20; ++i) {
        me.send(e, make_tuple(me.self(), term::integer(i)));
        ASSERT_EQ(next().as_integer(), i);
    }
    for (pid s : spinners) EXPECT_TRUE(wait_for_long_schedule(s)) << to_string(term::from_pid(s));
    release.flag = true;
    for (unsigned i = 0; i < GetParam(); ++i) EXPECT_EQ(next(), term(atom("came_back")));
    me.send(e, make_tuple(me.self(), atoms::ok));
    EXPECT_EQ(next(), term(atoms::ok)) << "the node runs normally after the runaways return";
}

TEST_P(runaways, a_long_schedule_event_names_the_process_and_scheduler) {
    release_on_exit release;
    pid s = n.spawn(spin, &release.flag, me.self());
    ASSERT_TRUE(wait_for_long_schedule(s));
    runtime_event event;
    for (const runtime_event& e : n.events())
        if (e.id == s) event = e;
    EXPECT_EQ(event_kind_name(event.kind), "long_schedule");
    EXPECT_GE(event.value, 10u);
    EXPECT_EQ(event.limit, 10u);
    EXPECT_LT(event.scheduler, GetParam());
    release.flag = true;
    EXPECT_EQ(next(), term(atom("came_back")));
}

TEST_P(runaways, a_runaways_run_time_climbs_while_it_runs) {
    release_on_exit release;
    pid s = n.spawn(spin, &release.flag, me.self());
    ASSERT_TRUE(wait_for_long_schedule(s));
    // It has not left its thread once, yet its figure is the run so far.
    EXPECT_EQ(n.system().runaway_threads, 1u);
    const std::uint64_t first = stats_of(s)->run_time_us;
    EXPECT_GE(first, 10'000u);
    std::this_thread::sleep_for(30ms);
    EXPECT_GT(stats_of(s)->run_time_us, first);
    EXPECT_GT(n.process_info(s)->stats.run_time_us, first);
    release.flag = true;
    EXPECT_EQ(next(), term(atom("came_back")));
}

TEST_P(runaways, a_killed_runaway_is_a_zombie_dead_to_the_node) {
    release_on_exit release;
    pid s = n.spawn_opt({.name = atom("spinner")}, spin, &release.flag, me.self()).value();
    ASSERT_TRUE(wait_for_long_schedule(s));
    reference ref = me.monitor(s);
    n.exit(s, atoms::kill);
    term down = next(); // at once, though its code still runs
    EXPECT_EQ(down[1], term::from_reference(ref));
    EXPECT_EQ(down[4], term(atoms::killed));
    EXPECT_FALSE(n.is_alive(s));
    EXPECT_FALSE(n.whereis(atom("spinner")).has_value()) << "its name is free";
    EXPECT_TRUE(n.spawn_opt({.name = atom("spinner")}, echo)) << "and can be taken again";
    auto zombie = stats_of(s);
    ASSERT_TRUE(zombie) << "shown until it unwinds";
    EXPECT_EQ(zombie->status, process_status::zombie);
    me.send(s, atoms::ok); // dropped, as to any dead process

    release.flag = true; // it reaches its checkpoint and unwinds there
    expect_silence(200ms);
    for (int i = 0; i < 500 && stats_of(s); ++i) std::this_thread::sleep_for(5ms);
    EXPECT_FALSE(stats_of(s)) << "gone once it unwound";
    for (int i = 0; i < 500 && n.system().runaway_threads > 0; ++i) std::this_thread::sleep_for(5ms);
    EXPECT_EQ(n.system().runaway_threads, 0u) << "and its thread ended";
}

// Spins until released, then, with no checkpoint between, tries to act on
// the node; counts the spawns the runtime refused.
process_task acts_after_its_kill(std::atomic<bool>* release, pid report, pid other, std::atomic<int>* refused) {
    while (!release->load(std::memory_order_relaxed)) {}
    send(report, atom("from_a_zombie"));
    exit(report, atom("from_a_zombie"));
    link(other);
    if (!spawn_opt({}, [](pid to) -> process_task {
             send(to, atom("from_a_zombies_child"));
             co_return;
         }, report))
        refused->fetch_add(1);
    co_await checkpoint(); // unwinds here
    send(report, atom("after_the_checkpoint"));
}

TEST_P(runaways, a_zombie_acts_on_nothing_before_it_unwinds) {
    release_on_exit release;
    std::atomic<int> refused{0};
    pid other = n.spawn(echo);
    pid s = n.spawn(acts_after_its_kill, &release.flag, me.self(), other, &refused);
    ASSERT_TRUE(wait_for_long_schedule(s));
    n.exit(s, atoms::kill);
    release.flag = true;
    for (int i = 0; i < 500 && stats_of(s); ++i) std::this_thread::sleep_for(5ms);
    EXPECT_FALSE(stats_of(s)) << "it unwound";
    EXPECT_EQ(refused.load(), 1) << "its spawn was refused";
    expect_silence(100ms); // no message, no exit signal
    me.send(other, make_tuple(me.self(), atoms::ok));
    EXPECT_EQ(next(), term(atoms::ok)); // `other` has taken every signal sent before
    EXPECT_TRUE(n.process_info(other)->links.empty()) << "no link either";
}

TEST_P(runaways, a_runaway_that_reaches_a_checkpoint_is_a_normal_process_again) {
    release_on_exit release;
    pid s = n.spawn([](std::atomic<bool>* go_on, pid report) -> process_task {
        while (!go_on->load(std::memory_order_relaxed)) {}
        send(report, atom("back"));
        for (;;) co_await checkpoint();
    }, &release.flag, me.self());
    ASSERT_TRUE(wait_for_long_schedule(s));
    release.flag = true;
    EXPECT_EQ(next(), term(atom("back")));
    reference ref = me.monitor(s);
    (void)ref;
    n.exit(s, atoms::kill); // an ordinary kill now: taken at its next checkpoint
    EXPECT_EQ(next_down_reason(), term(atoms::killed));
}

} // namespace
} // namespace ember::testing
