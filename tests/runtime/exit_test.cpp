// Exits, links, monitors and trap_exit, following Erlang, at 1, 2 and 4
// schedulers.
#include "runtime_fixture.hpp"

#include <algorithm>

#include "ember/runtime/process.hpp"

namespace ember::testing {
namespace {

class exits : public runtime_test {
protected:
    /// Monitors `p` and returns the reason in its DOWN message. Only for a
    /// `p` already dead or that cannot die before the monitor lands.
    term down_reason(pid p) {
        reference ref = me.monitor(p);
        term m = next();
        EXPECT_EQ(m[0], term(atoms::DOWN)) << to_string(m);
        EXPECT_EQ(m[1], term::from_reference(ref));
        EXPECT_EQ(m[3].as_pid(), p);
        return m.size() == 5 ? m[4] : term();
    }
};
EMBER_RUNTIME_TEST_SUITE(exits);

process_task wait_forever() {
    co_await receive([](const term&) { return false; });
}

TEST_P(exits, returning_is_normal) {
    pid p = n.spawn([](pid report) -> process_task {
        co_await receive();
        send(report, atoms::ok);
    }, me.self());
    reference ref = me.monitor(p);
    me.send(p, atoms::ok);
    EXPECT_EQ(next(), term(atoms::ok));
    EXPECT_EQ(to_string(next()), to_string(t("{'DOWN'," + to_string(term::from_reference(ref)) + ",process," + to_string(term::from_pid(p)) + ",normal}")));
}

TEST_P(exits, an_escaping_exception_is_the_reason_with_type_and_message) {
    pid p = n.spawn([]() -> process_task {
        co_await receive();
        throw std::runtime_error("boom");
    });
    reference ref = me.monitor(p);
    (void)ref;
    me.send(p, atoms::ok);
    term down = next();
    EXPECT_EQ(to_string(down[4]), "{exception,<<\"std::runtime_error\">>,<<\"boom\">>}");
}

TEST_P(exits, exit_with_a_reason) {
    pid p = n.spawn([]() -> process_task {
        co_await receive();
        exit(t("{shutdown,tired}"));
    });
    reference ref = me.monitor(p);
    (void)ref;
    me.send(p, atoms::ok);
    EXPECT_EQ(to_string(next_down_reason()), "{shutdown,tired}");
}

TEST_P(exits, kill_ends_a_waiting_process_and_runs_destructors) {
    static std::atomic<int> destroyed{0};
    destroyed = 0;
    struct guard {
        ~guard() { ++destroyed; }
    };
    pid p = n.spawn([]() -> process_task {
        guard g;
        co_await receive([](const term&) { return false; });
    });
    reference ref = me.monitor(p);
    (void)ref;
    n.exit(p, atoms::kill);
    EXPECT_EQ(next_down_reason(), term(atoms::killed));
    EXPECT_EQ(destroyed.load(), 1);
    EXPECT_FALSE(n.is_alive(p));
}

TEST_P(exits, kill_cannot_be_trapped) {
    pid p = n.spawn_opt({.trap_exit = true}, wait_forever).value();
    reference ref = me.monitor(p);
    (void)ref;
    n.exit(p, atoms::kill);
    EXPECT_EQ(next_down_reason(), term(atoms::killed));
}

TEST_P(exits, normal_exit_signal_is_ignored_unless_trapped) {
    pid plain = n.spawn(wait_forever);
    reference ref = me.monitor(plain); // before any exit signal, or the DOWN could say noproc
    n.exit(plain, atoms::normal);
    expect_silence();
    EXPECT_TRUE(n.is_alive(plain));
    n.exit(plain, atom("other"));
    term down = next();
    EXPECT_EQ(down[1], term::from_reference(ref));
    EXPECT_EQ(down[4], term(atom("other")));
}

process_task trapper(pid report) {
    trap_exit(true);
    for (;;) send(report, co_await receive());
}

TEST_P(exits, trapped_exit_signals_become_messages) {
    pid p = n.spawn(trapper, me.self());
    n.exit(p, atom("bye"));
    term m = next();
    EXPECT_EQ(m[0], term(atoms::EXIT));
    EXPECT_EQ(m[2], term(atom("bye")));
    EXPECT_EQ(m[1].as_pid().id, 0u) << "sent from outside: the node <0.0.0>";
}

process_task linked_pair(pid report, bool trap) {
    trap_exit(trap);
    pid child = spawn_link([]() -> process_task {
        co_await receive();
        exit(atom("crash"));
    });
    send(report, term::from_pid(child));
    for (;;) send(report, co_await receive());
}

TEST_P(exits, a_crash_travels_along_links) {
    pid parent = n.spawn(linked_pair, me.self(), false);
    reference ref = me.monitor(parent);
    (void)ref;
    pid child = next().as_pid();
    me.send(child, atoms::ok);
    term down = next();
    EXPECT_EQ(down[3].as_pid(), parent);
    EXPECT_EQ(down[4], term(atom("crash")));
}

TEST_P(exits, a_trapping_process_sees_a_linked_crash_as_a_message) {
    pid parent = n.spawn(linked_pair, me.self(), true);
    pid child = next().as_pid();
    me.send(child, atoms::ok);
    term m = next();
    EXPECT_EQ(to_string(m), "{'EXIT'," + to_string(term::from_pid(child)) + ",crash}");
    EXPECT_TRUE(n.is_alive(parent));
}

TEST_P(exits, killed_propagates_as_killed_along_links) {
    pid parent = n.spawn(linked_pair, me.self(), true);
    pid child = next().as_pid();
    n.exit(child, atoms::kill);
    term m = next();
    EXPECT_EQ(m[2], term(atoms::killed));
    EXPECT_TRUE(n.is_alive(parent));
}

TEST_P(exits, linking_a_dead_process_gives_noproc_at_once) {
    pid dead = n.spawn([]() -> process_task { co_return; });
    down_reason(dead);
    pid p = n.spawn([](pid report, pid target) -> process_task {
        trap_exit(true);
        link(target);
        send(report, co_await receive());
    }, me.self(), dead);
    EXPECT_EQ(to_string(next()), "{'EXIT'," + to_string(term::from_pid(dead)) + ",noproc}");
    (void)p;
}

TEST_P(exits, an_untrapped_link_to_a_dead_process_kills_with_noproc) {
    pid dead = n.spawn([]() -> process_task { co_return; });
    down_reason(dead);
    pid p = n.spawn([](pid target) -> process_task {
        co_await receive(); // linked only once the test monitors it
        link(target);
        co_await receive();
    }, dead);
    reference ref = me.monitor(p);
    (void)ref;
    me.send(p, atoms::ok);
    EXPECT_EQ(next_down_reason(), term(atoms::noproc));
}

TEST_P(exits, monitoring_a_dead_process_gives_noproc) {
    pid dead = n.spawn([]() -> process_task { co_return; });
    down_reason(dead);
    EXPECT_EQ(down_reason(dead), term(atoms::noproc));
}

TEST_P(exits, unlink_and_demonitor_stop_the_signals) {
    pid p = n.spawn([](pid report) -> process_task {
        trap_exit(true);
        pid a = spawn_link([]() -> process_task {
            co_await receive();
            exit(atom("a_died"));
        });
        auto [b, ref] = spawn_monitor([]() -> process_task {
            co_await receive();
            exit(atom("b_died"));
        });
        unlink(a);
        demonitor(ref);
        send(a, atoms::ok);
        send(b, atoms::ok);
        auto m = co_await receive(200ms);
        send(report, m ? *m : term(atoms::timeout));
    }, me.self());
    (void)p;
    EXPECT_EQ(next(3000ms), term(atoms::timeout));
}

TEST_P(exits, demonitor_flush_removes_a_queued_down) {
    n.spawn([](pid report) -> process_task {
        auto [child, ref] = spawn_monitor([]() -> process_task { co_return; });
        co_await sleep_for(50ms); // the DOWN is queued by now
        demonitor(ref, true);
        auto m = co_await receive(0ms);
        send(report, m ? *m : term(atoms::timeout));
        (void)child;
    }, me.self());
    EXPECT_EQ(next(), term(atoms::timeout));
}

TEST_P(exits, probe_link_reports_a_crash_as_a_message) {
    pid p = n.spawn(wait_forever);
    me.link(p);
    n.exit(p, atom("gone"));
    EXPECT_EQ(to_string(next()), "{'EXIT'," + to_string(term::from_pid(p)) + ",gone}");
}

TEST_P(exits, a_dying_probe_tells_its_links) {
    pid watcher = n.spawn([](pid report) -> process_task {
        trap_exit(true);
        send(report, co_await receive()); // the probe's pid
        term m = co_await receive();      // its exit
        send(report, m);
    }, me.self());
    term reply;
    {
        probe other(n);
        me.send(watcher, term::from_pid(other.self()));
        other.link(watcher);
        reply = next();
    }
    term m = next();
    EXPECT_EQ(m[0], term(atoms::EXIT));
    EXPECT_EQ(m[2], term(atoms::normal));
}

// --- exit(self(), Reason) (process_SUITE's exit_self cases) -----------------

process_task exit_self_then_report(pid report, term reason) {
    co_await receive(); // the test monitors it first
    exit(self(), reason);
    send(report, atom("ran_on")); // Erlang never gets here
    co_return;
}

TEST_P(exits, exit_self_ends_a_non_trapping_process_at_once_with_the_reason) {
    pid p = n.spawn(exit_self_then_report, me.self(), term(atom("boom")));
    me.monitor(p);
    me.send(p, atoms::ok);
    EXPECT_EQ(next_down_reason(), term(atom("boom")));
    expect_silence();
}

TEST_P(exits, exit_self_normal_ends_it_too) {
    pid p = n.spawn(exit_self_then_report, me.self(), term(atoms::normal));
    me.monitor(p);
    me.send(p, atoms::ok);
    EXPECT_EQ(next_down_reason(), term(atoms::normal));
    expect_silence();
}

TEST_P(exits, exit_self_is_not_an_exception_a_catch_all_of_std_exception_takes) {
    pid p = n.spawn([](pid report) -> process_task {
        co_await receive(); // the test monitors it first
        try {
            exit(self(), atom("boom"));
        } catch (const std::exception&) {
            send(report, atom("caught"));
        }
        send(report, atom("ran_on"));
    }, me.self());
    me.monitor(p);
    me.send(p, atoms::ok);
    EXPECT_EQ(next_down_reason(), term(atom("boom")));
    expect_silence();
}

TEST_P(exits, exit_self_reaches_links_with_its_reason) {
    me.send(n.spawn([](pid report) -> process_task {
        link(report);
        co_await receive();
        exit(self(), atom("boom"));
    }, me.self()), atoms::ok);
    term m = next();
    ASSERT_TRUE(as<exit_message>(m)) << to_string(m);
    EXPECT_EQ(as<exit_message>(m)->reason, term(atom("boom")));
}

TEST_P(exits, exit_self_while_trapping_is_a_message) {
    pid p = n.spawn([](pid report) -> process_task {
        co_await receive(); // the test monitors it first
        trap_exit(true);
        exit(self(), atom("boom"));
        send(report, co_await receive());
        exit(self(), atoms::kill); // cannot be trapped
        send(report, atom("ran_on"));
    }, me.self());
    me.monitor(p);
    me.send(p, atoms::ok);
    term m = next();
    EXPECT_EQ(to_string(m), "{'EXIT'," + to_string(term::from_pid(p)) + ",boom}");
    EXPECT_EQ(next_down_reason(), term(atoms::killed));
}

// --- exit(kill) by itself: `kill` travels, `killed` is only for exit(Pid, kill)
// (signal_SUITE's kill2killed) ----------------------------------------------------

TEST_P(exits, a_process_exiting_with_kill_by_itself_sends_kill_along_its_links) {
    pid p = n.spawn([](pid report) -> process_task {
        link(report);
        co_await receive();
        exit(atom("kill"));
    }, me.self());
    me.send(p, atoms::ok);
    term m = next();
    EXPECT_EQ(to_string(m), "{'EXIT'," + to_string(term::from_pid(p)) + ",kill}");
}

// A chain me <- a <- b <- c: c exits with kill by itself; b and a do not trap
// and die with kill too, and the trapping probe at the end sees kill.
process_task chain_link(pid report, pid prev, int left) {
    link(prev);
    if (left == 0) {
        send(report, term::from_pid(self()));
        co_await receive();
        exit(atom("kill"));
    }
    spawn(chain_link, report, self(), left - 1);
    co_await receive([](const term&) { return false; });
}

TEST_P(exits, kill_stays_kill_along_a_chain_of_links) {
    pid a = n.spawn(chain_link, me.self(), me.self(), 2);
    const pid c = next().as_pid(); // the last of the chain, once all are linked
    const reference ra = me.monitor(a);
    (void)ra;
    me.send(c, atoms::ok);
    std::vector<term> got{next(), next()};
    // The 'EXIT' from a and a's DOWN, in either order.
    std::ranges::sort(got, [](const term& x, const term& y) { return x.size() < y.size(); });
    EXPECT_EQ(to_string(got[0]), "{'EXIT'," + to_string(term::from_pid(a)) + ",kill}");
    EXPECT_EQ(got[1][4], term(atom("kill")));
}

TEST_P(exits, only_the_target_of_exit_pid_kill_dies_killed) {
    pid parent = n.spawn(linked_pair, me.self(), false);
    pid child = next().as_pid();
    const reference rp = me.monitor(parent);
    (void)rp;
    n.exit(child, atoms::kill);
    EXPECT_EQ(next_down_reason(), term(atoms::killed)) << "the non-trapping parent dies of the child's killed";
}

} // namespace
} // namespace ember::testing
