// The one dispatcher: a request term to its reply Value. The agent calls it
// for each `{Ref, Request}` frame, the SSH shell calls it in-process, and
// ember-ctl reaches it through the client: a command exists once.

#include "engine_state.hpp"

namespace ember::query {

namespace {

using result = expected<term, protocol::error_reason>;

result bad_request(std::string message) { return unexpected(protocol::make_reason("bad_request", std::move(message))); }

template <class T>
result value(const expected<T, protocol::error_reason>& r) {
    if (!r) return unexpected(r.error());
    return to_term(*r);
}

result done(const expected<void, protocol::error_reason>& r) {
    if (!r) return unexpected(r.error());
    return term(atoms::ok);
}

// `{history, Names}`: Names is a list of series names (atoms or binaries),
// or {minute, Names} for the one-minute ring.
result history(engine& e, const term& arg) {
    resolution res = resolution::second;
    const term* names = &arg;
    if (arg.is_tuple() && arg.size() == 2 && arg[0] == atom("minute")) {
        res = resolution::minute;
        names = &arg[1];
    }
    if (!names->is_list()) return bad_request("history takes a list of series names, or {minute, Names}");
    std::vector<atom> wanted;
    for (const term& n : names->elements()) {
        std::optional<atom> a;
        if (n.is_atom()) a = n.as_atom();
        else if (n.is_binary()) a = atom::existing(n.text());
        if (!a) return bad_request("unknown series " + print_bounded(n, 80));
        wanted.push_back(*a);
    }
    return value(e.history(wanted, res));
}

} // namespace

expected<term, protocol::error_reason> dispatch(engine& e, const protocol::parsed_request& request, protocol::access_level access) {
    using protocol::request_kind;
    if (protocol::needs_admin(request.kind) && access != protocol::access_level::admin)
        return unexpected(protocol::make_reason("needs_admin", std::string(protocol::request_kind_name(request.kind)) +
                                                                   " needs the admin token; this connection is read-only"));
    const auto args = request.args();
    auto target = [&]() { return e.resolve(args[0]); };
    switch (request.kind) {
    case request_kind::processes: {
        auto o = protocol::processes_options_of(request);
        if (!o) return unexpected(o.error());
        return to_term(e.processes(*o));
    }
    case request_kind::process_info: {
        auto p = target();
        if (!p) return unexpected(p.error());
        return value(e.process_info(*p));
    }
    case request_kind::schedulers: return to_term(e.schedulers());
    case request_kind::system: return to_term(e.system());
    case request_kind::applications: return to_term(e.applications());
    case request_kind::events: return to_term(e.events());
    case request_kind::warnings: return to_term(e.warnings());
    case request_kind::history: return history(e, args[0]);
    case request_kind::kill: {
        auto p = target();
        if (!p) return unexpected(p.error());
        return done(e.kill(*p));
    }
    case request_kind::exit: {
        auto p = target();
        if (!p) return unexpected(p.error());
        return done(e.exit(*p, args[1]));
    }
    case request_kind::suspend: {
        auto p = target();
        if (!p) return unexpected(p.error());
        return done(e.suspend(*p));
    }
    case request_kind::resume: {
        auto p = target();
        if (!p) return unexpected(p.error());
        return done(e.resume(*p));
    }
    case request_kind::send: {
        auto p = target();
        if (!p) return unexpected(p.error());
        return done(e.send(*p, args[1]));
    }
    case request_kind::trace:
    case request_kind::subscribe:
    case request_kind::unsubscribe:
        return bad_request(std::string(protocol::request_kind_name(request.kind)) + " is served by the connection, not the dispatcher");
    }
    return bad_request("unknown request");
}

} // namespace ember::query
