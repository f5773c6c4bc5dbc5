// Applications: a master process per application that starts the top
// supervisor linked to itself, publishes the application, and notes its end.

#include "ember/runtime/application.hpp"

#include "otp/node_services.hpp"
#include "otp/supervision_registry.hpp"

namespace ember::application {

namespace {

const atom stop_atom("$stop_application");

detail::supervision_registry& registry() { return detail::node_services::running().supervision(); }

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
    registry().set_application({name, sup, true, atoms::undefined});
    send(report, term::tuple({atoms::ok, term::from_pid(sup)}));
    const auto sup_exit = [&sup](const term& x) { return is_exit_from(x, sup); };
    const auto exit_or_stop = [&sup_exit](const term& x) { return sup_exit(x) || (x.is_tuple() && x.size() == 2 && x[0] == stop_atom); };
    const term m = co_await receive(exit_or_stop);
    if (const auto gave_up = as<exit_message>(m)) { // the tree gave up on its own
        registry().set_application({name, sup, false, gave_up->reason});
        co_return;
    }
    ember::exit(sup, atoms::shutdown);
    const term stopped = co_await receive(sup_exit);
    registry().set_application({name, sup, false, as<exit_message>(stopped)->reason});
    send(m[1].as_pid(), atoms::ok);
}

// The two waits of start and stop, run in a block_on helper: the master's
// report (or its DOWN), and its answer to a stop (or its DOWN).
bool is_report_or_down(const term& m, const reference& ref) {
    if (m.is_tuple() && m.size() == 2 && (m[0] == atoms::ok || m[0] == atoms::error)) return true;
    return is_down_of(m, ref);
}

task<expected<pid, term>> start_master(atom name, supervisor::spec s) {
    const pid m = spawn_opt({.label = "application_master"}, &master, name, std::move(s), self()).value();
    const reference mon = monitor(m);
    const auto wanted = [&mon](const term& x) { return is_report_or_down(x, mon); };
    const term answer = co_await receive(wanted);
    demonitor(mon, true);
    if (const auto died = as<down_message>(answer)) { // the master died before it reported
        registry().set_application({name, {}, false, died->reason});
        co_return unexpected(died->reason);
    }
    if (answer[0] == atoms::ok) co_return answer[1].as_pid();
    co_return unexpected(answer[1]);
}

task<expected<void, term>> stop_master(pid m) {
    const reference mon = monitor(m);
    send(m, term::tuple({stop_atom, term::from_pid(self())}));
    const auto wanted = [&mon](const term& x) { return x == atoms::ok || is_down_of(x, mon); };
    const term answer = co_await receive(wanted);
    demonitor(mon, true);
    if (answer == atoms::ok) co_return expected<void, term>();
    co_return unexpected(as<down_message>(answer)->reason);
}

} // namespace

expected<pid, term> start(node& n, atom name, supervisor::spec s) {
    if (!detail::node_services::of(n).supervision().claim_application(name)) return unexpected(term::tuple({"already_started"_atom, name}));
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
    return unexpected(term("not_running"_atom));
}

} // namespace ember::application
