// Applications: a master process per application that starts the top
// supervisor linked to itself, publishes the application, and notes its end.

#include "ember/runtime/application.hpp"

#include "node/node_impl.hpp"

namespace ember::application {

namespace {

const atom stop_atom("$stop_application");

detail::supervision_registry& registry() { return detail::running_process().node->supervision; }

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

} // namespace

expected<pid, term> start(node& n, atom name, supervisor::spec s) {
    if (!n.impl().supervision.claim_application(name)) return unexpected(term::tuple({atom("already_started"), name}));
    probe waiter(n);
    const pid m = n.spawn_opt({.label = "application_master"}, &master, name, std::move(s), waiter.self()).value();
    waiter.monitor(m);
    const std::optional<term> answer = waiter.receive(std::chrono::hours(24 * 365));
    if (!answer || answer->size() == 5) { // the master died before it reported
        const term reason = answer ? (*answer)[4] : term(atoms::timeout);
        n.impl().supervision.set_application({name, {}, false, reason});
        return unexpected(reason);
    }
    if ((*answer)[0] == term(atoms::ok)) return (*answer)[1].as_pid();
    return unexpected((*answer)[1]);
}

expected<void, term> stop(node& n, atom name) {
    for (const application_stats& a : n.applications()) {
        if (a.name != name || !a.running || a.supervisor == pid{}) continue;
        probe waiter(n);
        // The master is the supervisor's parent: found through its stats.
        const auto info = n.process_info(a.supervisor);
        if (!info) break;
        waiter.monitor(info->stats.parent);
        waiter.send(info->stats.parent, term::tuple({stop_atom, term::from_pid(waiter.self())}));
        const std::optional<term> answer = waiter.receive(std::chrono::hours(24 * 365));
        if (answer && *answer == term(atoms::ok)) return {};
        return unexpected(answer ? (*answer)[4] : term(atoms::timeout));
    }
    return unexpected(term(atom("not_running")));
}

} // namespace ember::application
