// The node's timers (runtime/src/timer/timer_service.hpp): a wheel of 4096
// one-millisecond slots with exact deadlines. Most tests drive a service of
// their own in deterministic mode (a virtual clock that only advance_to()
// moves), as node_impl::run_until_idle does: advance to next_deadline(),
// and again. A timer fires by delivering into its target's inbox, so the
// target is a probe of a deterministic node; the node's own timer service
// is not the one under test.

#include "timer/timer_service.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <vector>

#include "ember/runtime/node.hpp"
#include "node/node_access.hpp"

namespace ember::detail {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t ms = 1'000'000; // nanoseconds

struct fired {
    std::int64_t tag;
    std::int64_t at_ns; // the virtual time when it was seen
    friend bool operator==(const fired&, const fired&) = default;
};

class timer_service_test : public ::testing::Test {
protected:
    node n{node_options{.deterministic = true}};
    probe target{n};
    timer_service timers{node_access::impl(n), /*deterministic=*/true};

    std::uint64_t start(std::int64_t delay_ms, std::int64_t tag) {
        const pid to = target.self();
        return timers.start(delay_ms, to.id, to.serial, envelope_kind::message, term::integer(tag));
    }

    /// What reached the target so far (receive(0ms) waits for nothing in
    /// deterministic mode).
    std::vector<std::int64_t> arrived() {
        std::vector<std::int64_t> out;
        for (int i = 0; i < 100'000; ++i) {
            std::optional<term> m = target.receive(0ms);
            if (!m) break;
            out.push_back(m->as_integer());
        }
        return out;
    }

    /// Runs the virtual clock from deadline to deadline until no timer is
    /// pending (at most `steps` steps); what fired, with when.
    std::vector<fired> run_all(int steps = 100'000) {
        std::vector<fired> out;
        for (int i = 0; i < steps; ++i) {
            std::optional<std::int64_t> next = timers.next_deadline();
            if (!next) break;
            EXPECT_GE(*next, timers.now_ns()) << "a pending deadline is never in the past";
            timers.advance_to(*next);
            EXPECT_EQ(timers.now_ns(), *next);
            const std::vector<std::int64_t> got = arrived();
            EXPECT_FALSE(got.empty()) << "advancing to the next deadline fires something (at " << *next << " ns)";
            for (std::int64_t tag : got) out.push_back({tag, *next});
        }
        EXPECT_FALSE(timers.next_deadline().has_value());
        return out;
    }
};

TEST_F(timer_service_test, virtual_clock_moves_only_by_advance_to) {
    EXPECT_EQ(timers.now_ns(), 0);
    EXPECT_FALSE(timers.next_deadline().has_value()) << "no timers, no deadline";
    timers.advance_to(5 * ms + 3);
    EXPECT_EQ(timers.now_ns(), 5 * ms + 3);
    EXPECT_EQ(timers.now_ns(), 5 * ms + 3) << "reading it does not move it";
}

TEST_F(timer_service_test, ids_are_never_zero_and_distinct) {
    std::set<std::uint64_t> ids;
    for (int i = 0; i < 100; ++i) {
        const std::uint64_t id = start(10 + i, i);
        EXPECT_NE(id, 0u);
        ids.insert(id);
    }
    EXPECT_EQ(ids.size(), 100u);
}

TEST_F(timer_service_test, fires_at_its_deadline_and_not_before) {
    timers.advance_to(7 * ms + 250); // a clock not on a millisecond
    start(5, 1);
    const std::int64_t deadline = 12 * ms + 250;
    ASSERT_EQ(timers.next_deadline(), deadline) << "deadlines keep nanosecond precision";
    timers.advance_to(deadline - 1);
    EXPECT_TRUE(arrived().empty()) << "one nanosecond early";
    EXPECT_EQ(timers.next_deadline(), deadline);
    timers.advance_to(deadline);
    EXPECT_EQ(arrived(), std::vector<std::int64_t>{1});
    EXPECT_FALSE(timers.next_deadline().has_value());
    timers.advance_to(deadline + 100 * ms);
    EXPECT_TRUE(arrived().empty()) << "a timer fires once";
}

TEST_F(timer_service_test, zero_delay_fires_at_the_current_time) {
    timers.advance_to(3 * ms + 1);
    start(0, 42);
    EXPECT_EQ(timers.next_deadline(), 3 * ms + 1);
    timers.advance_to(timers.now_ns());
    EXPECT_EQ(arrived(), std::vector<std::int64_t>{42});
}

TEST_F(timer_service_test, cancel_is_true_once_then_false_and_the_timer_never_fires) {
    const std::uint64_t id = start(10, 1);
    EXPECT_TRUE(timers.cancel(id));
    EXPECT_FALSE(timers.cancel(id)) << "a second cancel finds nothing pending";
    EXPECT_FALSE(timers.next_deadline().has_value());
    timers.advance_to(1000 * ms);
    EXPECT_TRUE(arrived().empty());
    EXPECT_FALSE(timers.cancel(id));
}

TEST_F(timer_service_test, cancel_of_an_unknown_id_is_false) {
    EXPECT_FALSE(timers.cancel(0));
    EXPECT_FALSE(timers.cancel(12345));
    const std::uint64_t id = start(10, 1);
    EXPECT_FALSE(timers.cancel(id + 1));
    EXPECT_FALSE(timers.cancel(id ^ (std::uint64_t{0xFFFF} << 32)));
    EXPECT_EQ(run_all(), (std::vector<fired>{{1, 10 * ms}})) << "bad ids cancelled nothing";
}

TEST_F(timer_service_test, cancel_of_a_fired_timer_is_false) {
    const std::uint64_t id = start(1, 1);
    timers.advance_to(1 * ms);
    ASSERT_EQ(arrived(), std::vector<std::int64_t>{1});
    EXPECT_FALSE(timers.cancel(id));
}

TEST_F(timer_service_test, an_old_id_does_not_cancel_a_later_timer) {
    // Whatever storage the fired or cancelled timer had may serve the next
    // one: its id must not reach that one.
    const std::uint64_t fired_id = start(1, 1);
    timers.advance_to(1 * ms);
    ASSERT_EQ(arrived(), std::vector<std::int64_t>{1});
    const std::uint64_t cancelled_id = start(1, 2);
    ASSERT_TRUE(timers.cancel(cancelled_id));

    const std::uint64_t later = start(5, 3);
    EXPECT_NE(later, fired_id);
    EXPECT_NE(later, cancelled_id);
    EXPECT_FALSE(timers.cancel(fired_id));
    EXPECT_FALSE(timers.cancel(cancelled_id));
    EXPECT_EQ(run_all(), (std::vector<fired>{{3, 6 * ms}}));
}

TEST_F(timer_service_test, fires_in_deadline_order) {
    const std::vector<std::int64_t> delays{70, 3, 1000, 1, 50, 2999, 20, 4};
    for (std::int64_t d : delays) start(d, d);
    std::vector<fired> expected;
    std::vector<std::int64_t> sorted = delays;
    std::sort(sorted.begin(), sorted.end());
    for (std::int64_t d : sorted) expected.push_back({d, d * ms});
    EXPECT_EQ(run_all(), expected);
}

TEST_F(timer_service_test, cancelling_one_of_a_slot_leaves_the_others) {
    // Five timers in the same millisecond; cancel the middle, the first and
    // the last.
    std::vector<std::uint64_t> ids;
    for (int i = 0; i < 5; ++i) ids.push_back(start(8, i));
    EXPECT_TRUE(timers.cancel(ids[2]));
    EXPECT_TRUE(timers.cancel(ids[0]));
    EXPECT_TRUE(timers.cancel(ids[4]));
    timers.advance_to(8 * ms);
    std::vector<std::int64_t> got = arrived();
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::int64_t>{1, 3}));
    EXPECT_FALSE(timers.cancel(ids[1]));
    EXPECT_FALSE(timers.cancel(ids[3]));
}

TEST_F(timer_service_test, far_future_timers_wait_their_turn_across_revolutions) {
    // 4096 slots of 1 ms: these share slots with near timers (4097 and 1,
    // 8199 and 7 and 4103) and lie one or more revolutions ahead.
    const std::vector<std::int64_t> delays{4097, 1, 8199, 7, 4103, 4095, 4096, 100'000, 3'600'000};
    for (std::int64_t d : delays) start(d, d);

    // A jump to just before 4097 ms fires only what is due by then.
    timers.advance_to(4097 * ms - 1);
    std::vector<std::int64_t> got = arrived();
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::int64_t>{1, 7, 4095, 4096}));
    EXPECT_EQ(timers.next_deadline(), 4097 * ms) << "the far timers are still pending";

    // The rest fire one by one, in order, each at its deadline.
    EXPECT_EQ(run_all(), (std::vector<fired>{{4097, 4097 * ms}, {4103, 4103 * ms}, {8199, 8199 * ms},
                                             {100'000, 100'000 * ms}, {3'600'000, 3'600'000 * ms}}));
}

TEST_F(timer_service_test, next_deadline_finds_a_lone_far_timer) {
    start(10'000, 1); // more than two revolutions away
    EXPECT_EQ(timers.next_deadline(), 10'000 * ms);
    timers.advance_to(5'000 * ms);
    EXPECT_TRUE(arrived().empty());
    EXPECT_EQ(timers.next_deadline(), 10'000 * ms);
    start(1, 2); // a nearer one
    EXPECT_EQ(timers.next_deadline(), 5'001 * ms);
    EXPECT_EQ(run_all(), (std::vector<fired>{{2, 5'001 * ms}, {1, 10'000 * ms}}));
}

TEST_F(timer_service_test, a_jump_past_everything_fires_each_timer_once) {
    // One advance over many revolutions: everything due fires, exactly once
    // (the order within one jump is not part of the contract).
    std::multiset<std::int64_t> expected;
    for (std::int64_t d : {5, 4096 + 5, 3 * 4096 + 5, 2, 50'000, 123}) {
        start(d, d);
        expected.insert(d);
    }
    timers.advance_to(60'000 * ms);
    const std::vector<std::int64_t> got = arrived();
    EXPECT_EQ(std::multiset<std::int64_t>(got.begin(), got.end()), expected);
    EXPECT_FALSE(timers.next_deadline().has_value());
    timers.advance_to(200'000 * ms);
    EXPECT_TRUE(arrived().empty());
}

TEST_F(timer_service_test, delays_count_from_the_current_virtual_time) {
    timers.advance_to(10'000 * ms);
    start(5, 1);
    start(4096, 2);
    EXPECT_EQ(run_all(), (std::vector<fired>{{1, 10'005 * ms}, {2, 14'096 * ms}}));
}

TEST_F(timer_service_test, a_timer_for_a_dead_process_is_dropped) {
    const pid to = target.self();
    timers.start(1, to.id, to.serial + 1, envelope_kind::message, term::integer(1)); // a later process of that block
    start(2, 2);
    timers.advance_to(10 * ms);
    EXPECT_EQ(arrived(), std::vector<std::int64_t>{2}) << "only the live target hears";
}

TEST_F(timer_service_test, many_timers_with_cancels_fire_in_order_exactly_once) {
    std::mt19937 rng(12345);
    std::uniform_int_distribution<std::int64_t> delay(0, 20'000);
    std::map<std::int64_t, std::int64_t> due; // tag -> deadline (ns), while pending
    std::vector<std::pair<std::uint64_t, std::int64_t>> ids;
    auto take = [&](const fired& f) {
        ASSERT_TRUE(due.contains(f.tag)) << "timer " << f.tag << " fired twice or after its cancel";
        EXPECT_EQ(f.at_ns, due[f.tag]) << "timer " << f.tag << " fired at its deadline";
        due.erase(f.tag);
    };
    // Half start at time 0; then a jump to 3 s fires what is due by then;
    // the other half start from there.
    for (std::int64_t tag = 0; tag < 1'000; ++tag) {
        const std::int64_t d = delay(rng);
        ids.emplace_back(start(d, tag), tag);
        due[tag] = d * ms;
    }
    timers.advance_to(3'000 * ms);
    for (std::int64_t tag : arrived()) {
        ASSERT_TRUE(due.contains(tag)) << "timer " << tag << " fired twice";
        EXPECT_LE(due[tag], 3'000 * ms) << "timer " << tag << " fired early";
        due.erase(tag);
    }
    for (const auto& [tag, deadline] : due) EXPECT_GT(deadline, 3'000 * ms) << "timer " << tag << " was due and did not fire";
    for (std::int64_t tag = 1'000; tag < 2'000; ++tag) {
        const std::int64_t d = delay(rng);
        ids.emplace_back(start(d, tag), tag);
        due[tag] = 3'000 * ms + d * ms;
    }
    // Every third timer is cancelled: true exactly for those still pending.
    for (std::size_t i = 0; i < ids.size(); i += 3) {
        const auto [id, tag] = ids[i];
        EXPECT_EQ(timers.cancel(id), due.contains(tag)) << "timer " << tag;
        due.erase(tag);
    }
    const std::vector<fired> got = run_all();
    for (std::size_t i = 0; i < got.size(); ++i) {
        take(got[i]);
        if (i > 0) {
            EXPECT_LE(got[i - 1].at_ns, got[i].at_ns) << "in deadline order";
        }
    }
    EXPECT_TRUE(due.empty()) << due.size() << " timers never fired";
}

// --- real time: the timer thread ---------------------------------------------
// A node with one scheduler thread, so the probe blocks for real. The
// receive timeouts only bound a hang; nothing depends on how fast it is.

TEST(timer_service_thread, fires_in_order_and_an_earlier_timer_wakes_the_thread) {
    node n(node_options{.schedulers = 1});
    probe target(n);
    timer_service timers(node_access::impl(n), /*deterministic=*/false);
    const pid to = target.self();
    auto start = [&](std::int64_t delay_ms, std::int64_t tag) {
        return timers.start(delay_ms, to.id, to.serial, envelope_kind::message, term::integer(tag));
    };
    const std::uint64_t far = start(3'600'000, 0); // the thread sleeps until then...
    start(30, 3);
    start(10, 1); // ...unless a nearer one wakes it
    start(20, 2);
    for (std::int64_t expected = 1; expected <= 3; ++expected) {
        std::optional<term> m = target.receive(60s);
        ASSERT_TRUE(m.has_value()) << "timer " << expected << " never fired";
        EXPECT_EQ(m->as_integer(), expected);
    }
    EXPECT_TRUE(timers.cancel(far)) << "the hour-long timer is still pending";
    EXPECT_FALSE(timers.cancel(far));
    timers.stop();
}

} // namespace
} // namespace ember::detail
