// Spawning, sending and receiving, at 1, 2 and 4 schedulers.
#include "runtime_fixture.hpp"

#include <atomic>

#include "ember/runtime/process.hpp"

namespace ember::testing {
namespace {

class process_basics : public runtime_test {};
EMBER_RUNTIME_TEST_SUITE(process_basics);

TEST_P(process_basics, echo_answers) {
    pid p = n.spawn(echo);
    me.send(p, make_tuple(me.self(), atoms::ok));
    EXPECT_EQ(next(), term(atoms::ok));
}

process_task count_to(pid report, int n) {
    for (int i = 0; i < n; ++i) send(report, term::integer(i));
    co_return;
}

TEST_P(process_basics, order_is_kept_per_sender) {
    n.spawn(count_to, me.self(), 1000);
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(next().as_integer(), i);
}

TEST_P(process_basics, many_senders_each_keep_their_order) {
    for (int s = 0; s < 8; ++s)
        n.spawn([](pid report, int sender) -> process_task {
            for (int i = 0; i < 200; ++i) send(report, make_tuple(sender, i));
            co_return;
        }, me.self(), s);
    std::vector<int> last(8, -1);
    for (int k = 0; k < 8 * 200; ++k) {
        term m = next();
        const auto s = static_cast<std::size_t>(m[0].as_integer());
        ASSERT_EQ(m[1].as_integer(), last[s] + 1) << "sender " << s;
        last[s] = static_cast<int>(m[1].as_integer());
    }
}

process_task selective(pid report) {
    // Take 'second' first; 'first' must stay queued, in order.
    term b = co_await receive([](const term& m) { return m == term(atom("second")); });
    term a = co_await receive();
    term c = co_await receive();
    send(report, term::list({b, a, c}));
}

TEST_P(process_basics, selective_receive_leaves_the_rest_in_order) {
    pid p = n.spawn(selective, me.self());
    me.send(p, atom("first"));
    me.send(p, atom("third"));
    me.send(p, atom("second"));
    EXPECT_EQ(to_string(next()), "[second,first,third]");
}

process_task receive_with_timeout(pid report) {
    auto none = co_await receive(20ms);
    send(report, none ? *none : term(atoms::timeout));
    auto now = co_await receive(0ms);
    send(report, now ? *now : term(atoms::timeout));
    auto some = co_await receive(10s);
    send(report, some ? *some : term(atoms::timeout));
}

TEST_P(process_basics, receive_timeouts) {
    pid p = n.spawn(receive_with_timeout, me.self());
    EXPECT_EQ(next(), term(atoms::timeout));
    EXPECT_EQ(next(), term(atoms::timeout)) << "after 0 with an empty mailbox";
    me.send(p, atoms::ok);
    EXPECT_EQ(next(), term(atoms::ok));
}

process_task sleeper(pid report) {
    const auto start = std::chrono::steady_clock::now();
    co_await sleep_for(30ms);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    send(report, term::integer(ms));
    send(report, co_await receive()); // what arrived while sleeping is still there
}

TEST_P(process_basics, sleep_keeps_messages) {
    pid p = n.spawn(sleeper, me.self());
    me.send(p, atoms::ok);
    const std::int64_t slept_ms = next().as_integer();
    if (!is_deterministic()) { // virtual time takes no real time
        EXPECT_GE(slept_ms, 30);
    }
    EXPECT_EQ(next(), term(atoms::ok));
}

process_task timers(pid report) {
    send_after(20ms, self(), atom("late"));
    timer_ref cancelled = send_after(10ms, self(), atom("never"));
    send(report, to_term(cancel_timer(cancelled)));
    send(report, to_term(cancel_timer(cancelled)));
    send(report, co_await receive());
    auto more = co_await receive(50ms);
    send(report, more ? *more : term(atoms::timeout));
}

TEST_P(process_basics, send_after_and_cancel) {
    n.spawn(timers, me.self());
    EXPECT_EQ(next(), term(atoms::true_));
    EXPECT_EQ(next(), term(atoms::false_)) << "a timer cancels once";
    EXPECT_EQ(next(), term(atom("late")));
    EXPECT_EQ(next(), term(atoms::timeout)) << "the cancelled timer never fired";
}

task<int> ask_twice() {
    term a = co_await receive();
    term b = co_await receive();
    co_return static_cast<int>(a.as_integer() + b.as_integer());
}

process_task nested(pid report) {
    int sum = co_await ask_twice();
    send(report, term::integer(sum));
}

TEST_P(process_basics, nested_tasks_receive) {
    pid p = n.spawn(nested, me.self());
    me.send(p, term::integer(40));
    me.send(p, term::integer(2));
    EXPECT_EQ(next().as_integer(), 42);
}

TEST_P(process_basics, send_to_dead_pid_is_dropped_and_slot_reuse_is_safe) {
    pid old = n.spawn([]() -> process_task { co_return; });
    reference r = me.monitor(old);
    (void)r;
    next(); // DOWN
    EXPECT_FALSE(n.is_alive(old));
    // New processes may reuse the block; the old pid must not reach them.
    std::vector<pid> fresh;
    for (int i = 0; i < 50; ++i) fresh.push_back(n.spawn(echo));
    me.send(old, make_tuple(me.self(), atom("to_the_dead")));
    expect_silence();
    for (pid p : fresh) me.send(p, atoms::shutdown);
}

TEST_P(process_basics, spawn_from_a_process_and_self) {
    n.spawn([](pid report) -> process_task {
        pid child = spawn([](pid parent) -> process_task {
            send(parent, make_tuple(atom("child"), self()));
            co_return;
        }, self());
        term m = co_await receive();
        send(report, to_term(m[1].as_pid() == child));
    }, me.self());
    EXPECT_EQ(next(), term(atoms::true_));
}

TEST_P(process_basics, ten_thousand_processes_come_and_go) {
    std::vector<pid> pids;
    for (int i = 0; i < 10000; ++i) pids.push_back(n.spawn(echo));
    EXPECT_GE(n.system().process_count, 10000u);
    for (pid p : pids) me.send(p, make_tuple(me.self(), term::integer(1)));
    for (int i = 0; i < 10000; ++i) ASSERT_EQ(next().as_integer(), 1);
    for (pid p : pids) me.send(p, atoms::shutdown);
    EXPECT_TRUE(eventually([&] { return n.system().process_count == 2u; })) << "the node's own <0.0.0> and the probe";
}

} // namespace
} // namespace ember::testing
