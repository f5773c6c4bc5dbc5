// Counters and snapshots read while the node runs.
#include "runtime_fixture.hpp"

#include "ember/runtime/process.hpp"

namespace ember::testing {
namespace {

class stats : public runtime_test {};
EMBER_RUNTIME_TEST_SUITE(stats);

process_task worker(pid report) {
    set_label("worker:loop/1");
    for (int i = 0; i < 3; ++i) send(report, term::integer(i));
    co_await receive([](const term& m) { return m == term(atoms::shutdown); });
}

TEST_P(stats, process_counters) {
    pid p = n.spawn_opt({.label = "worker/1"}, worker, me.self()).value();
    for (int i = 0; i < 3; ++i) next();
    me.send(p, atom("unmatched_1"));
    me.send(p, atom("unmatched_2"));
    std::optional<process_details> info;
    eventually([&] { // the unmatched messages land asynchronously
        info = n.process_info(p);
        return info && info->stats.mailbox_length == 2 && info->stats.status == process_status::waiting;
    });
    ASSERT_TRUE(info);
    const process_stats& s = info->stats;
    EXPECT_EQ(s.id, p);
    EXPECT_EQ(s.status, process_status::waiting);
    EXPECT_EQ(s.initial_call, "worker/1");
    EXPECT_EQ(s.current, "worker:loop/1");
    EXPECT_EQ(s.messages_out, 3u);
    EXPECT_EQ(s.messages_in, 2u);
    EXPECT_EQ(s.mailbox_length, 2u);
    EXPECT_GE(s.reductions, 4u);
    EXPECT_GT(s.memory_bytes, 0u);
    EXPECT_EQ(s.parent, p) << "spawned from outside: its own parent";
    me.send(p, atoms::shutdown);
}

TEST_P(stats, links_and_monitors_are_listed) {
    pid a = n.spawn(worker, me.self());
    for (int i = 0; i < 3; ++i) next();
    me.link(a);
    reference r = me.monitor(a);
    (void)r;
    std::optional<process_details> info;
    eventually([&] {
        info = n.process_info(a);
        return info && info->links.size() == 1 && info->monitored_by.size() == 1;
    });
    ASSERT_TRUE(info);
    ASSERT_EQ(info->links.size(), 1u);
    EXPECT_EQ(info->links[0], me.self());
    ASSERT_EQ(info->monitored_by.size(), 1u);
    EXPECT_EQ(info->monitored_by[0], me.self());
    me.send(a, atoms::shutdown);
}

TEST_P(stats, snapshot_sees_every_process) {
    std::vector<pid> pids;
    for (int i = 0; i < 100; ++i) pids.push_back(n.spawn(worker, me.self()));
    for (int i = 0; i < 300; ++i) next();
    std::size_t seen = 0, waiting = 0;
    n.for_each_process([&](const process_stats& s) {
        ++seen;
        waiting += s.status == process_status::waiting;
    });
    EXPECT_EQ(seen, 100u);
    EXPECT_EQ(n.system().process_count, 102u) << "plus <0.0.0> and the probe";
    EXPECT_EQ(n.system().schedulers, is_deterministic() ? 1u : GetParam());
    for (pid p : pids) me.send(p, atoms::shutdown);
}

TEST_P(stats, unknown_pid_has_no_info) {
    pid p = n.spawn(worker, me.self());
    for (int i = 0; i < 3; ++i) next();
    reference r = me.monitor(p);
    (void)r;
    me.send(p, atoms::shutdown);
    next();
    EXPECT_FALSE(n.process_info(p).has_value());
}

TEST_P(stats, schedulers_run_and_park) {
    for (int i = 0; i < 100; ++i) n.spawn(worker, me.self());
    for (int i = 0; i < 300; ++i) next();
    std::this_thread::sleep_for(50ms); // nothing left to run: every scheduler parks
    std::uint64_t runs = 0, parks = 0;
    for (const scheduler_stats& s : n.schedulers()) {
        runs += s.processes_run;
        parks += s.parks;
        EXPECT_EQ(s.run_queue_length, 0u);
    }
    EXPECT_GE(runs, 100u);
    EXPECT_GE(parks, GetParam());
}

} // namespace
} // namespace ember::testing
