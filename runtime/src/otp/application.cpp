// Applications: a master process per application that starts the top
// supervisor linked to itself, publishes the application, and notes its end.

#include "ember/runtime/application.hpp"

#include "otp/node_services.hpp"
#include "otp/supervision_registry.hpp"

namespace ember::application {

namespace {

const atom stop_atom("$stop_application");

detail::supervision_registry& registry() { return detail::node_services::running().supervision(); }

bool is_exit_of(const term& m, const term& who) { return m.is_tuple() && m.size() == 3 && m[0] == term(atoms::EXIT) && m[1] == who; }

// Reports {ok, Sup} or {error, Reason} to `report`, then waits for the
// supervisor to end or for a stop request ({'$stop_application', From}).
process_task master(atom name, supervisor::spec s, pid report) {
    trap_exit(true);
    auto started = co_await supervisor::start_link(std::move(s));
    if (!started) {
        registry().set_application({name, {}, false, started.error()});
        send(report, term::tuple({atoms::error, started.error()}));
        co_return;
    }
    const pid sup = *started;
    const term sup_term = term::from_pid(sup);
    registry().set_application({name, sup, true, atoms::undefined});
    send(report, term::tuple({atoms::ok, sup_term}));
    const term m = co_await receive([&](const term& x) {
        return is_exit_of(x, sup_term) || (x.is_tuple() && x.size() == 2 && x[0] == term(stop_atom));
    });
    if (m.size() == 3) { // the tree gave up on its own
        registry().set_application({name, sup, false, m[2]});
        co_return;
    }
    ember::exit(sup, atoms::shutdown);
    const term down = co_await receive([&](const term& x) { return is_exit_of(x, sup_term); });
    registry().set_application({name, sup, false, down[2]});
    send(m[1].as_pid(), atoms::ok);
}

// The two waits of start and stop, run in a block_on helper: the master's
// report (or its DOWN), and its answer to a stop (or its DOWN).
bool is_report_or_down(const term& m, const term& ref) {
    if (m.is_tuple() && m.size() == 2 && (m[0] == term(atoms::ok) || m[0] == term(atoms::error))) return true;
    return m.is_tuple() && m.size() == 5 && m[0] == term(atoms::DOWN) && m[1] == ref;
}

task<expected<pid, term>> start_master(atom name, supervisor::spec s) {
    const pid m = spawn_opt({.label = "application_master"}, &master, name, std::move(s), self()).value();
    const reference mon = monitor(m);
    const term ref = term::from_reference(mon);
    const term answer = co_await receive([&](const term& x) { return is_report_or_down(x, ref); });
    demonitor(mon, true);
    if (answer.size() == 5) { // the master died before it reported
        registry().set_application({name, {}, false, answer[4]});
        co_return unexpected(answer[4]);
    }
    if (answer[0] == term(atoms::ok)) co_return answer[1].as_pid();
    co_return unexpected(answer[1]);
}

task<expected<void, term>> stop_master(pid m) {
    const reference mon = monitor(m);
    const term ref = term::from_reference(mon);
    send(m, term::tuple({stop_atom, term::from_pid(self())}));
    const term answer = co_await receive([&](const term& x) {
        return x == term(atoms::ok) || (x.is_tuple() && x.size() == 5 && x[0] == term(atoms::DOWN) && x[1] == ref);
    });
    demonitor(mon, true);
    if (answer == term(atoms::ok)) co_return expected<void, term>();
    co_return unexpected(answer[4]);
}

} // namespace

expected<pid, term> start(node& n, atom name, supervisor::spec s) {
    if (!detail::node_services::of(n).supervision().claim_application(name)) return unexpected(term::tuple({atom("already_started"), name}));
    auto started = block_on(n, [name, s = std::move(s)]() mutable { return start_master(name, std::move(s)); });
    if (!started) {
        detail::node_services::of(n).supervision().set_application({name, {}, false, started.error().reason});
        return unexpected(started.error().reason);
    }
    return *started;
}

expected<void, term> stop(node& n, atom name) {
    for (const application_stats& a : n.applications()) {
        if (a.name != name || !a.running || a.supervisor == pid{}) continue;
        // The master is the supervisor's parent: found through its stats.
        const auto info = n.process_info(a.supervisor);
        if (!info) break;
        auto stopped = block_on(n, [master = info->stats.parent] { return stop_master(master); });
        if (!stopped) return unexpected(stopped.error().reason);
        return *stopped;
    }
    return unexpected(term(atom("not_running")));
}

} // namespace ember::application
