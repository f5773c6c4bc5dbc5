// What the tools read that no peer shows: the age of a process's oldest
// waiting message, its scheduling latency, the schedulers' totals of
// reductions and messages, and a message trace of one process.
#include <mutex>

#include "runtime_fixture.hpp"

#include "ember/runtime/process.hpp"

namespace ember::testing {
namespace {

class observe : public runtime_test {};
EMBER_RUNTIME_TEST_SUITE(observe);

process_task wait_for_go(pid report) {
    co_await receive([](const term& m) { return m == atom("go"); });
    send(report, atom("went"));
    co_await receive([](const term& m) { return m == term(atoms::shutdown); });
}

process_task echo(pid report) {
    for (;;) {
        term m = co_await receive();
        if (m == term(atoms::shutdown)) co_return;
        send(report, m);
    }
}

std::optional<process_stats> stats_of(node& n, const pid& p) {
    auto info = n.process_info(p);
    if (!info) return std::nullopt;
    return info->stats;
}

TEST_P(observe, oldest_message_age_grows_while_it_waits_and_is_zero_when_taken) {
    pid p = n.spawn(wait_for_go, me.self());
    me.send(p, atom("unmatched"));
    // The age is a time, not an event: it grows while the message waits.
    EXPECT_TRUE(eventually([&] {
        auto s = stats_of(n, p);
        return s && s->mailbox_length == 1 && s->oldest_message_age_ms >= 30;
    })) << "the waiting message's age never reached 30 ms";
    auto s = stats_of(n, p);
    ASSERT_TRUE(s);
    EXPECT_LT(s->oldest_message_age_ms, 60'000u) << "an age from another clock";
    me.send(p, atom("go"));
    EXPECT_EQ(next(), term(atom("went")));
    me.send(p, atom("second"));
    // The first message still waits in its queue: the age is still the first's.
    s = stats_of(n, p);
    ASSERT_TRUE(s);
    EXPECT_GE(s->oldest_message_age_ms, 30u);
    me.send(p, atoms::shutdown);
}

TEST_P(observe, empty_mailbox_has_no_age) {
    pid p = n.spawn(echo, me.self());
    me.send(p, atom("ping"));
    EXPECT_EQ(next(), term(atom("ping")));
    EXPECT_TRUE(eventually([&] {
        auto s = stats_of(n, p);
        return s && s->status == process_status::waiting;
    }));
    auto s = stats_of(n, p);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->mailbox_length, 0u);
    EXPECT_EQ(s->oldest_message_age_ms, 0u);
    me.send(p, atoms::shutdown);
}

TEST_P(observe, latency_is_sampled_every_16th_run) {
    pid p = n.spawn(echo, me.self());
    std::vector<pid> others;
    for (int i = 0; i < 40; ++i) others.push_back(n.spawn(echo, me.self()));
    // Each message wakes its process: at least 40 runs, so the schedulers
    // sampled at least one of them (one in 16 runs of each scheduler).
    for (const pid& o : others) me.send(o, atom("hi"));
    for (std::size_t i = 0; i < others.size(); ++i) EXPECT_EQ(next(), term(atom("hi")));
    std::uint64_t samples = 0, wait = 0;
    n.for_each_process([&](const process_stats& s) {
        samples += s.latency_samples;
        wait += s.runnable_wait_us;
    });
    EXPECT_GE(samples, 1u);
    EXPECT_LE(samples, 81u / 16 + 2 * 4) << "one in 16 runs of each scheduler, not every run";
    EXPECT_LE(wait, samples * 60'000'000u);
    me.send(p, atoms::shutdown);
    for (const pid& o : others) me.send(o, atoms::shutdown);
}

process_task sender_then_exit(pid report, int n) {
    for (int i = 0; i < n; ++i) send(report, term::integer(i));
    co_return;
}

TEST_P(observe, schedulers_keep_the_counts_of_ended_processes) {
    auto total = [&] {
        std::uint64_t reductions = 0, sent = 0;
        for (const scheduler_stats& s : n.schedulers()) {
            reductions += s.exited_reductions;
            sent += s.exited_messages_sent;
        }
        return std::pair{reductions, sent};
    };
    const auto before = total();
    pid p = n.spawn(sender_then_exit, me.self(), 10);
    reference m = me.monitor(p);
    (void)m;
    for (int i = 0; i < 10; ++i) EXPECT_EQ(next(), term::integer(i));
    next_down_reason();
    const auto after = total();
    EXPECT_EQ(after.second - before.second, 10u);
    EXPECT_GE(after.first - before.first, 10u);
}

class recorder final : public message_tracer {
public:
    void on_message(const pid& from, const pid& to, const term& message) noexcept override {
        std::lock_guard lock(mutex);
        seen.push_back(make_tuple(from, to, message));
    }
    void on_end() noexcept override {
        std::lock_guard lock(mutex);
        ended = true;
    }
    std::size_t count() {
        std::lock_guard lock(mutex);
        return seen.size();
    }
    bool has_ended() {
        std::lock_guard lock(mutex);
        return ended;
    }
    std::mutex mutex;
    std::vector<term> seen;
    bool ended = false;
};

TEST_P(observe, a_trace_sees_messages_in_and_out_until_the_process_ends) {
    pid p = n.spawn(echo, me.self());
    auto r = std::make_shared<recorder>();
    ASSERT_TRUE(n.trace(p, r));
    me.send(p, atom("hello"));
    EXPECT_EQ(next(), term(atom("hello")));
    ASSERT_TRUE(eventually([&] { return r->count() == 2; }));
    {
        std::lock_guard lock(r->mutex);
        EXPECT_EQ(r->seen[0], make_tuple(me.self(), p, atom("hello"))) << "in";
        EXPECT_EQ(r->seen[1], make_tuple(p, me.self(), atom("hello"))) << "out";
    }
    reference m = me.monitor(p);
    (void)m;
    me.send(p, atoms::shutdown);
    next_down_reason();
    EXPECT_TRUE(r->has_ended()) << "the trace ends with the process";
    EXPECT_FALSE(n.trace(p, r)) << "a dead process cannot be traced";
}

TEST_P(observe, untrace_stops_the_trace) {
    pid p = n.spawn(echo, me.self());
    auto r = std::make_shared<recorder>();
    ASSERT_TRUE(n.trace(p, r));
    n.untrace(p, r.get());
    EXPECT_TRUE(r->has_ended());
    me.send(p, atom("quiet"));
    EXPECT_EQ(next(), term(atom("quiet")));
    EXPECT_EQ(r->count(), 0u);
    me.send(p, atoms::shutdown);
}

} // namespace
} // namespace ember::testing
