// send_after and cancel_timer against a target that dies, as Erlang's
// erlang:send_after/3 has it ("If Dest is a pid(), the timer is
// automatically canceled if the process referred to by the pid() is not
// alive"; erts/emulator/test/timer_bif_SUITE): a timer to a dead pid, or
// to one that dies before it fires, is gone, and cancel_timer says false.
// Timers a dying process started to others are not its own: they fire.
// The wheel's count of pending timers is checked by the internal test
// (tests/runtime/internal/timer_service_test.cpp).
#include "runtime_fixture.hpp"

#include <vector>

namespace ember::testing {
namespace {

class send_after_timers : public runtime_test {
protected:
    /// A term that matches the next message `pred` accepts, or a failure
    /// after 5 s; other messages stay queued.
    template <class Pred>
    term next_where(Pred pred, const char* what) {
        auto m = me.receive(pred, 5000ms);
        EXPECT_TRUE(m.has_value()) << "no " << what << " within 5 s";
        return m ? *m : term(atom("no_message"));
    }
    static bool is_down(const term& m) { return m.is_tuple() && m.size() == 5 && m[0] == term(atoms::DOWN); }
};
EMBER_RUNTIME_TEST_SUITE(send_after_timers);

// send_after and cancel_timer run in a process: the test reaches them
// through run() (block_on) with these.
task<timer_ref> start_timer(std::chrono::nanoseconds delay, pid to, term message) { co_return send_after(delay, to, std::move(message)); }
task<bool> cancel(timer_ref t) { co_return cancel_timer(t); }
task<std::vector<bool>> cancel_all(std::vector<timer_ref> ts) {
    std::vector<bool> out;
    for (timer_ref t : ts) out.push_back(cancel_timer(t));
    co_return out;
}

// Waits for one message, then ends (normal).
process_task wait_then_end() {
    term m = co_await receive();
    (void)m;
}

// Forwards the first message it gets to `report`, then ends.
process_task forward_one(pid report) {
    term m = co_await receive();
    send(report, std::move(m));
}

term id_term(timer_ref t) { return term::integer(static_cast<std::int64_t>(t.id)); }
timer_ref ref_of(const term& id) { return timer_ref{static_cast<std::uint64_t>(id.as_integer())}; }

TEST_P(send_after_timers, a_timer_to_a_process_that_dies_is_gone_with_it) {
    const pid target = n.spawn(wait_then_end);
    const timer_ref doomed = run([=] { return start_timer(1h, target, atom("never")); });
    const timer_ref cancelled = run([=] { return start_timer(1h, target, atom("never")); });
    EXPECT_NE(doomed, timer_ref{});
    EXPECT_TRUE(run([=] { return cancel(cancelled); })) << "while the target lives, its timer is pending";
    me.monitor(target);
    me.send(target, atom("stop"));
    EXPECT_EQ(next_down_reason(), term(atoms::normal));
    EXPECT_FALSE(run([=] { return cancel(doomed); })) << "by its DOWN, the target's timer is gone: nothing to cancel";
}

TEST_P(send_after_timers, a_timer_to_a_killed_process_is_gone_with_it) {
    const pid target = n.spawn(wait_then_end);
    const timer_ref doomed = run([=] { return start_timer(10ms, target, atom("never")); });
    me.monitor(target);
    n.exit(target, atoms::kill);
    EXPECT_EQ(next_down_reason(), term(atoms::killed));
    EXPECT_FALSE(run([=] { return cancel(doomed); }));
}

TEST_P(send_after_timers, a_timer_to_a_dead_pid_is_never_made) {
    const pid dead = n.spawn([]() -> process_task { co_return; });
    me.monitor(dead);
    next_down_reason(); // normal, or noproc if it ended before the monitor
    ASSERT_FALSE(n.is_alive(dead));
    const timer_ref t = run([=] { return start_timer(10ms, dead, atom("to_the_dead")); });
    EXPECT_FALSE(run([=] { return cancel(t); })) << "there is nothing to cancel";
    // New processes may take the dead one's block: the timer reaches none.
    const pid heir = n.spawn(forward_one, me.self());
    me.send(heir, atom("only_this"));
    EXPECT_EQ(next(), term(atom("only_this")));
}

TEST_P(send_after_timers, a_live_target_gets_its_message) {
    const pid target = n.spawn(forward_one, me.self());
    const timer_ref t = run([=] { return start_timer(5ms, target, atom("ding")); });
    EXPECT_EQ(next(), term(atom("ding")));
    EXPECT_FALSE(run([=] { return cancel(t); })) << "it fired";
    // A probe is a live target too.
    run([this] { return start_timer(1ms, me.self(), atom("dong")); });
    EXPECT_EQ(next(), term(atom("dong")));
}

// Starts a timer to `report` that fires soon, one that waits an hour, and
// one to itself; reports {LaterId, OwnId}; ends on the next message.
process_task start_three_then_end(pid report) {
    send_after(10ms, report, atom("from_the_dead"));
    const timer_ref later = send_after(1h, report, atom("much_later"));
    const timer_ref own = send_after(1h, self(), atom("never"));
    send(report, term::tuple({id_term(later), id_term(own)}));
    term m = co_await receive();
    (void)m;
}

TEST_P(send_after_timers, timers_a_dying_process_started_to_others_are_left_alone) {
    const pid starter = n.spawn(start_three_then_end, me.self());
    const term ids = next_where([](const term& m) { return m.is_tuple() && m.size() == 2; }, "timer ids");
    me.monitor(starter);
    me.send(starter, atom("go"));
    EXPECT_EQ(next_where(is_down, "DOWN")[4], term(atoms::normal));
    EXPECT_EQ(next_where([](const term& m) { return m == term(atom("from_the_dead")); }, "the soon timer's message"),
              term(atom("from_the_dead")))
        << "a timer outlives the process that started it";
    EXPECT_TRUE(run([=] { return cancel(ref_of(ids[0])); })) << "the hour-long timer to the test is still pending";
    EXPECT_FALSE(run([=] { return cancel(ref_of(ids[1])); })) << "its timer to itself went with it";
}

// Starts `per_target` timers of an hour to each of `targets` and one to
// `survivor`; returns the target timers, then the survivor's.
task<std::vector<timer_ref>> start_many(std::vector<pid> targets, int per_target, pid survivor) {
    std::vector<timer_ref> out;
    for (const pid& to : targets)
        for (int i = 0; i < per_target; ++i) out.push_back(send_after(std::chrono::hours(1 + i), to, term::integer(i)));
    for (std::size_t i = 0; i < targets.size(); ++i) out.push_back(send_after(1h, survivor, term::integer(static_cast<std::int64_t>(i))));
    co_return out;
}

TEST_P(send_after_timers, every_timer_of_many_dying_targets_is_gone_and_others_stay) {
    constexpr int targets = 200, per_target = 10;
    std::vector<pid> pids;
    for (int i = 0; i < targets; ++i) pids.push_back(n.spawn(wait_then_end));
    const std::vector<timer_ref> refs = run([=, this] { return start_many(pids, per_target, me.self()); });
    ASSERT_EQ(refs.size(), std::size_t{targets * per_target + targets});
    // Half end normally, half are killed.
    for (int i = 0; i < targets; ++i) {
        me.monitor(pids[i]);
        if (i % 2) me.send(pids[i], atom("stop"));
        else n.exit(pids[i], atoms::kill);
    }
    for (int i = 0; i < targets; ++i) next_down_reason();
    const std::vector<bool> cancelled = run([=] { return cancel_all(refs); });
    ASSERT_EQ(cancelled.size(), refs.size());
    for (std::size_t i = 0; i < cancelled.size(); ++i) {
        const bool to_survivor = i >= std::size_t{targets * per_target};
        EXPECT_EQ(cancelled[i], to_survivor) << "timer " << i << (to_survivor ? " to the live test was pending" : " to a dead target was gone");
    }
}

} // namespace
} // namespace ember::testing
