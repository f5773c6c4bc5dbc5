// Events for long message queues and large processes: raised once per
// crossing of the configured threshold, again only after the figure fell
// below half of it. (long_schedule is in runaway_test, restart_limit_near
// in supervisor_test.)
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "ember/runtime/node.hpp"

namespace ember::testing {
namespace {

using namespace std::chrono_literals;

std::vector<runtime_event> events_of(const node& n, event_kind kind, const pid& who) {
    std::vector<runtime_event> out;
    for (const runtime_event& e : n.events())
        if (e.kind == kind && e.id == who) out.push_back(e);
    return out;
}

// Waits for 'go', then takes `count` messages, then reports.
process_task slow_reader(pid report, std::int64_t count) {
    co_await receive([](const term& m) { return m == term(atom("go")); });
    for (std::int64_t i = 0; i < count; ++i) co_await receive();
    send(report, atoms::ok);
    co_await receive([](const term& m) { return m == term(atom("go")); });
    for (std::int64_t i = 0; i < count; ++i) co_await receive();
    send(report, atoms::ok);
}

TEST(events, a_long_message_queue_is_reported_once_per_crossing) {
    node n({.schedulers = 2, .long_message_queue = 100});
    probe me(n);
    pid p = n.spawn(&slow_reader, me.self(), std::int64_t{150});
    for (int i = 0; i < 150; ++i) me.send(p, term::integer(i));
    // The queue grows while the reader waits for 'go' (it drains on each wake).
    me.send(p, atom("go"));
    ASSERT_TRUE(me.receive(5000ms).has_value());
    auto first = events_of(n, event_kind::long_message_queue, p);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_GE(first[0].value, 100u);
    EXPECT_EQ(first[0].limit, 100u);
    // Drained below half: a second flood is a second event.
    for (int i = 0; i < 150; ++i) me.send(p, term::integer(i));
    me.send(p, atom("go"));
    ASSERT_TRUE(me.receive(5000ms).has_value());
    EXPECT_EQ(events_of(n, event_kind::long_message_queue, p).size(), 2u);
}

TEST(events, a_large_process_is_reported) {
    // Queued messages count in a process's memory, as the tools show it.
    node n({.schedulers = 1, .long_message_queue = 0, .large_memory_bytes = 64 * 1024});
    probe me(n);
    pid small = n.spawn(&slow_reader, me.self(), std::int64_t{10});
    pid big = n.spawn(&slow_reader, me.self(), std::int64_t{5000});
    for (int i = 0; i < 10; ++i) me.send(small, term::integer(i));
    for (int i = 0; i < 5000; ++i) me.send(big, term::integer(i));
    me.send(small, atom("go"));
    me.send(big, atom("go"));
    ASSERT_TRUE(me.receive(5000ms).has_value());
    ASSERT_TRUE(me.receive(5000ms).has_value());
    EXPECT_TRUE(events_of(n, event_kind::large_memory, small).empty());
    auto e = events_of(n, event_kind::large_memory, big);
    ASSERT_EQ(e.size(), 1u);
    EXPECT_GE(e[0].value, 64u * 1024);
    EXPECT_EQ(event_kind_name(e[0].kind), "large_memory");
    EXPECT_TRUE(events_of(n, event_kind::long_message_queue, big).empty()); // that one is off
}

TEST(events, thresholds_of_zero_turn_them_off) {
    node n({.schedulers = 1, .long_message_queue = 0, .large_memory_bytes = 0});
    probe me(n);
    pid p = n.spawn(&slow_reader, me.self(), std::int64_t{50});
    for (int i = 0; i < 50; ++i) me.send(p, term::integer(i));
    me.send(p, atom("go"));
    ASSERT_TRUE(me.receive(5000ms).has_value());
    EXPECT_TRUE(n.events().empty());
}

} // namespace
} // namespace ember::testing
