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
#include "node/node_impl.hpp"

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

// --- message timers go with their target ------------------------------------
// A send_after timer is listed under its target (process::message_timers);
// finish_process drops the list. These drive the test's own service and
// drop by hand, then the node's service with processes that really die.

TEST_F(timer_service_test, a_message_timer_to_a_dead_target_is_never_made) {
    const pid to = target.self();
    EXPECT_EQ(timers.start(1, to.id, to.serial + 1, envelope_kind::message, term::integer(1)), 0u) << "a later process of that block";
    EXPECT_EQ(timers.start(1, to.id, to.serial - 1, envelope_kind::message, term::integer(1)), 0u) << "an earlier one";
    EXPECT_EQ(timers.start(1, 0x7FFF'FFFF, 0, envelope_kind::message, term::integer(1)), 0u) << "a block never made";
    EXPECT_EQ(timers.pending(), 0u);
    EXPECT_FALSE(timers.next_deadline().has_value()) << "nothing waits in the wheel";
    EXPECT_FALSE(timers.cancel(0));
    start(1, 2);
    EXPECT_EQ(timers.pending(), 1u);
    EXPECT_EQ(run_all(), (std::vector<fired>{{2, 1 * ms}}));
}

TEST_F(timer_service_test, a_receive_timeout_is_not_looked_up) {
    // Its target is the process that starts it, alive by definition; the
    // hot path does no lookup, so even a dead (index, serial) gets an id.
    const pid to = target.self();
    const std::uint64_t id = timers.start(5, to.id, to.serial + 1, envelope_kind::timeout, term::integer(1));
    EXPECT_NE(id, 0u);
    EXPECT_EQ(timers.pending(), 1u);
    EXPECT_TRUE(timers.cancel(id));
    EXPECT_EQ(timers.pending(), 0u);
}

TEST_F(timer_service_test, dropping_a_target_takes_only_its_message_timers) {
    probe other{n};
    process* block = node_access::impl(n).table().find(target.self());
    ASSERT_NE(block, nullptr);
    const pid to = target.self(), to_other = other.self();
    std::vector<std::uint64_t> mine;
    for (int i = 0; i < 5; ++i) mine.push_back(start(10 + i, i));
    const std::uint64_t theirs = timers.start(12, to_other.id, to_other.serial, envelope_kind::message, term::integer(100));
    const std::uint64_t timeout = timers.start(12, to.id, to.serial, envelope_kind::timeout, term::integer(1));
    ASSERT_TRUE(timers.cancel(mine[2])) << "one from the middle of the list first";
    EXPECT_EQ(timers.pending(), 6u);

    timers.drop_message_timers(block);
    EXPECT_EQ(timers.pending(), 2u) << "the other target's timer and the receive timeout are left";
    for (std::uint64_t id : mine) EXPECT_FALSE(timers.cancel(id)) << "dropped: nothing to cancel";
    timers.drop_message_timers(block); // a second drop finds an empty list
    EXPECT_EQ(timers.pending(), 2u);
    EXPECT_TRUE(timers.cancel(timeout));
    timers.advance_to(100 * ms);
    EXPECT_TRUE(arrived().empty()) << "nothing of the dropped timers reaches the target";
    EXPECT_EQ(other.receive(0ms), std::optional<term>(term::integer(100)));
    EXPECT_FALSE(timers.cancel(theirs)) << "it fired";
    EXPECT_EQ(timers.pending(), 0u);
}

TEST_F(timer_service_test, target_lists_stay_whole_through_fires_cancels_and_drops) {
    // Three targets, timers to each in random order; random cancels, a jump
    // that fires some, then each target is dropped in turn. A model says
    // what each cancel must answer and what the count must be.
    probe second{n}, third{n};
    const std::vector<pid> to{target.self(), second.self(), third.self()};
    std::mt19937 rng(777);
    std::uniform_int_distribution<int> pick(0, 2);
    std::uniform_int_distribution<std::int64_t> delay(1, 2'000);
    struct model {
        std::uint64_t id;
        int target;
        std::int64_t deadline;
        bool pending;
    };
    std::vector<model> all;
    for (int i = 0; i < 600; ++i) {
        const int t = pick(rng);
        const std::int64_t d = delay(rng);
        all.push_back({timers.start(d, to[t].id, to[t].serial, envelope_kind::message, term::integer(i)), t, d * ms, true});
    }
    for (std::size_t i = 0; i < all.size(); i += 4) {
        EXPECT_TRUE(timers.cancel(all[i].id));
        all[i].pending = false;
    }
    timers.advance_to(1'000 * ms);
    for (model& m : all)
        if (m.deadline <= 1'000 * ms) m.pending = false;
    auto pending_in_model = [&] { return static_cast<std::size_t>(std::count_if(all.begin(), all.end(), [](const model& m) { return m.pending; })); };
    EXPECT_EQ(timers.pending(), pending_in_model());
    for (int t = 0; t < 3; ++t) {
        timers.drop_message_timers(node_access::impl(n).table().find(to[t]));
        for (model& m : all)
            if (m.target == t) m.pending = false;
        // A list that lost an entry, or held another target's, shows here.
        EXPECT_EQ(timers.pending(), pending_in_model()) << "after dropping target " << t;
    }
    EXPECT_EQ(timers.pending(), 0u);
    for (const model& m : all) EXPECT_FALSE(timers.cancel(m.id));
    EXPECT_FALSE(timers.next_deadline().has_value());
}

TEST_F(timer_service_test, a_list_a_probe_left_does_not_reach_the_next_user_of_its_block) {
    // A probe ends without finish_process: its timers stay pending (they
    // fire into a dead pid) and its block may be reused at once with the
    // list's head still set. The new user's list starts empty, and the old
    // entries never touch it.
    std::uint32_t index;
    std::vector<std::uint64_t> old_ids;
    {
        probe gone{n};
        const pid p = gone.self();
        index = p.id;
        for (int i = 0; i < 3; ++i) old_ids.push_back(timers.start(5 + i, p.id, p.serial, envelope_kind::message, term::integer(i)));
    }
    probe heir{n};
    ASSERT_EQ(heir.self().id, index) << "the shared free list gives the block back first";
    const pid h = heir.self();
    const std::uint64_t near = timers.start(1, h.id, h.serial, envelope_kind::message, term::integer(10));
    const std::uint64_t far = timers.start(100, h.id, h.serial, envelope_kind::message, term::integer(11));
    EXPECT_TRUE(timers.cancel(old_ids[1])) << "the old timers are still pending";
    EXPECT_EQ(timers.pending(), 4u);
    timers.advance_to(10 * ms); // fires the heir's near one and the old ones
    EXPECT_EQ(heir.receive(0ms), std::optional<term>(term::integer(10)));
    EXPECT_FALSE(heir.receive(0ms).has_value()) << "the old timers reach no one";
    EXPECT_EQ(timers.pending(), 1u);
    timers.drop_message_timers(node_access::impl(n).table().find(h));
    EXPECT_FALSE(timers.cancel(far)) << "the heir's list still held its far timer";
    EXPECT_FALSE(timers.cancel(near));
    EXPECT_EQ(timers.pending(), 0u);
}

// The node's own service: 10,000 timers to 1,000 processes that then die
// (half end, half are killed) leave the wheel as it was. Drops happen
// before the DOWN goes out, so the count is exact once every DOWN is in.
process_task wait_then_end() {
    term m = co_await receive();
    (void)m;
}

void ten_thousand_timers_to_dying_processes(const node_options& options) {
    node n(options);
    probe watcher(n);
    timer_service& timers = node_access::impl(n).timers();
    const std::size_t before = timers.pending();
    std::vector<pid> targets;
    for (int i = 0; i < 1'000; ++i) targets.push_back(n.spawn(wait_then_end));
    for (const pid& p : targets)
        for (std::int64_t i = 0; i < 10; ++i)
            ASSERT_NE(timers.start(60'000 + i * 360'000, p.id, p.serial, envelope_kind::message, term::integer(i)), 0u);
    const std::uint64_t to_watcher = timers.start(3'600'000, watcher.self().id, watcher.self().serial, envelope_kind::message, term::integer(-1));
    EXPECT_EQ(timers.pending(), before + 10'001);
    for (std::size_t i = 0; i < targets.size(); ++i) {
        watcher.monitor(targets[i]);
        if (i % 2) watcher.send(targets[i], term(atoms::shutdown));
        else n.exit(targets[i], atoms::kill);
    }
    for (std::size_t i = 0; i < targets.size(); ++i) {
        std::optional<term> down = watcher.receive(60s);
        ASSERT_TRUE(down.has_value()) << "DOWN " << i << " never came";
    }
    EXPECT_EQ(timers.pending(), before + 1) << "only the timer to the live watcher is left";
    EXPECT_TRUE(timers.cancel(to_watcher));
    EXPECT_EQ(timers.pending(), before);
}

TEST(timer_service_drops, ten_thousand_timers_to_dying_processes_deterministic) {
    ten_thousand_timers_to_dying_processes(node_options{.deterministic = true});
}

TEST(timer_service_drops, ten_thousand_timers_to_dying_processes_two_schedulers) {
    ten_thousand_timers_to_dying_processes(node_options{.schedulers = 2});
}

} // namespace
} // namespace ember::detail
