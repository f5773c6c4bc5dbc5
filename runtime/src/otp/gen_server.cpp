// The gen_server loop: start handshake, dispatch of calls, casts, system
// requests and other messages, and the ways a server ends.
// Sections: [starting] [the loop] [system requests] [calling]

#include "ember/runtime/gen_server.hpp"

#include "ember/runtime/sys.hpp"
#include "otp/request.hpp"

namespace ember::gen_server {

namespace {

const atom gen_call("$gen_call");
const atom gen_cast("$gen_cast");
const atom system_atom("system");
const atom ignore_atom("ignore");
const atom already_started("already_started");

// The outcome of a callback: what it returned, or, when it threw or called
// exit(Reason), a stop with that reason, so terminate runs (OTP catches an
// exit exception in a callback). An exit signal (a kill, a link) passes
// through: it ends the process without terminate.
task<step> guarded(task<step> callback) {
    term failure;
    try {
        co_return co_await callback;
    } catch (const process_exit& e) {
        if (e.by_signal()) throw;
        failure = e.reason();
    } catch (...) {
        failure = ember::detail::current_exception_reason();
    }
    co_return stop(std::move(failure));
}

// Runs terminate, answers `caller` if there is one (Erlang's order:
// terminate, then the reply), then ends the process with `reason`, or with
// what terminate threw, as Erlang does.
task<void> finish(server& s, term reason, std::optional<std::pair<from, term>> answer = std::nullopt) {
    try {
        co_await s.terminate(reason);
    } catch (const process_exit&) {
        throw;
    } catch (...) {
        reason = ember::detail::current_exception_reason();
    }
    if (answer) reply(answer->first, std::move(answer->second));
    ember::exit(std::move(reason));
}

} // namespace

task<step> server::handle_call(term request, from) {
    co_return reply(term::tuple({atoms::error, term::tuple({"unknown_call"_atom, std::move(request)})}));
}

void reply(const from& caller, term r) { send_reply(caller.caller, caller.tag, std::move(r)); }

// [starting] --------------------------------------------------------------------

namespace detail {

namespace {
term start_error(term reason) { return term::tuple({atoms::error, std::move(reason)}); }
} // namespace

void fail_start(const start_ack& ack, term reason) {
    send_reply(ack.starter, ack.tag, start_error(reason));
    // Unlinked first, so the starter hears the reason once, as a value.
    if (ack.linked) unlink(ack.starter);
    ember::exit(std::move(reason));
}

start_request begin_start(const start_options& o, bool link, const char* fallback_label) {
    start_request r;
    r.spawn.name = o.name;
    r.spawn.prio = o.prio;
    r.spawn.link = link;
    r.spawn.label = o.label ? o.label : fallback_label;
    r.tag = make_reference();
    r.timeout = o.timeout;
    return r;
}

task<expected<pid, term>> finish_start(expected<pid, spawn_error> spawned, start_request r) {
    if (!spawned) {
        if (spawned.error().code == spawn_errc::name_taken) {
            const std::optional<pid> holder = whereis(r.spawn.name);
            co_return unexpected(term::tuple({already_started, holder ? term::from_pid(*holder) : term(atoms::undefined)}));
        }
        co_return unexpected(term::tuple({"spawn_failed"_atom, term::binary(spawned.error().message)}));
    }
    const pid child = *spawned;
    const reference down = monitor(child);
    const term tag = term::from_reference(r.tag);
    open_reply_tag(r.tag);
    const auto match = [&](const term& m) { return (m.is_tuple() && m.size() == 2 && m[0] == tag) || is_down_of(m, down); };
    std::optional<term> answer;
    if (r.timeout == infinity) answer = co_await receive(match);
    else answer = co_await receive(match, r.timeout);
    close_reply_tag(r.tag);
    if (!answer) { // init took too long: the server goes, quietly
        if (r.spawn.link) unlink(child);
        ember::exit(child, atoms::kill);
        demonitor(down, true);
        co_return unexpected(term(atoms::timeout));
    }
    demonitor(down, true);
    if (const std::optional<down_message> died = as<down_message>(*answer)) {
        // Died in init, killed from outside: a linked starter that traps
        // exits also gets the 'EXIT'; take it, the reason is returned here.
        if (r.spawn.link && is_trapping_exits()) {
            const auto its_exit = [&child](const term& m) { return is_exit_from(m, child); };
            co_await receive(its_exit, std::chrono::seconds(5));
        }
        co_return unexpected(died->reason);
    }
    const term& result = (*answer)[1];
    if (result == atoms::ok) co_return child;
    co_return unexpected(result.is_tuple() && result.size() == 2 ? result[1] : result);
}

} // namespace detail

// [the loop] ------------------------------------------------------------------------

namespace {

struct loop_state {
    server& callbacks;
    std::optional<pid> parent;
    bool suspended = false;
    std::optional<term> next;                      // handle_continue's, before any message
    std::optional<std::chrono::milliseconds> idle; // the wait before handle_info(timeout)
};

// The parent's 'EXIT' (when the server traps exits): the server stops.
std::optional<exit_message> parent_exit(const loop_state& ls, const term& m) {
    if (!ls.parent) return std::nullopt;
    auto x = as<exit_message>(m);
    if (!x || x->from != *ls.parent) return std::nullopt;
    return x;
}

bool is_system(const term& m) { return m.is_tuple() && m.size() == 3 && m[0] == system_atom; }

task<void> handle_system(loop_state& ls, const otp::incoming& req);
struct stop_order {
    term reason;
    std::optional<std::pair<from, term>> answer;
};
std::optional<stop_order> conclude(loop_state& ls, step outcome, const std::optional<from>& caller);

// One message. Returns while the server goes on; ends the process when it stops.
task<void> dispatch(loop_state& ls, term m) {
    server& s = ls.callbacks;
    otp::incoming req;
    if (otp::read_request(m, system_atom, req)) {
        co_await handle_system(ls, req);
        co_return;
    }
    if (auto quit = parent_exit(ls, m)) co_await finish(s, std::move(quit->reason)); // does not return
    step outcome;
    std::optional<from> caller;
    if (otp::read_request(m, gen_call, req)) {
        caller = req.caller;
        outcome = co_await guarded(s.handle_call(std::move(req.body), req.caller));
    } else if (m.is_tuple() && m.size() == 2 && m[0] == gen_cast) {
        outcome = co_await guarded(s.handle_cast(m[1]));
    } else {
        outcome = co_await guarded(s.handle_info(std::move(m)));
    }
    if (auto end = conclude(ls, std::move(outcome), caller)) co_await finish(s, std::move(end->reason), std::move(end->answer));
}

// Acts on a callback's step: sends the reply and notes what comes next;
// returns the stop to carry out when the step ends the server. (A plain
// function, not a coroutine: it runs once per message.)
std::optional<stop_order> conclude(loop_state& ls, step outcome, const std::optional<from>& caller) {
    ls.next = std::move(outcome.next);
    ls.idle = outcome.idle;
    if (outcome.what == step::kind::reply && !caller) // a reply from cast, info or continue
        outcome = stop(term::tuple({"bad_return"_atom, "reply_outside_call"_atom}));
    if (outcome.what == step::kind::reply) reply(*caller, std::move(outcome.reply));
    if (outcome.what != step::kind::stop) return std::nullopt;
    stop_order end{std::move(outcome.reason), std::nullopt};
    if (outcome.has_reply && caller) end.answer.emplace(*caller, std::move(outcome.reply));
    return end;
}

} // namespace

task<void> detail::serve(server& s, start_ack ack) {
    init_result started;
    try {
        started = co_await s.init();
    } catch (const process_exit&) {
        throw;
    } catch (...) {
        started = init_stop(ember::detail::current_exception_reason());
    }
    if (started.what == init_result::kind::ignore) {
        send_reply(ack.starter, ack.tag, term::tuple({atoms::error, ignore_atom}));
        if (ack.linked) unlink(ack.starter);
        ember::exit(atoms::normal);
    }
    if (started.what == init_result::kind::stop) fail_start(ack, started.reason);
    // It answers sys requests from here on (node::suspend goes through
    // sys): marked before the starter hears `ok` and may suspend it.
    ember::detail::mark_behaviour();
    send_reply(ack.starter, ack.tag, atoms::ok);

    loop_state ls{s, ack.linked ? std::optional<pid>(ack.starter) : std::nullopt, false, std::move(started.next), started.idle};
    for (;;) {
        if (ls.next) { // before anything else, as OTP
            term c = std::move(*ls.next);
            ls.next.reset();
            step outcome = co_await guarded(s.handle_continue(std::move(c)));
            if (auto end = conclude(ls, std::move(outcome), std::nullopt)) co_await finish(s, std::move(end->reason), std::move(end->answer));
            continue;
        }
        // Only system requests (and the parent's exit) while suspended; the
        // atom timeout when a step's wait runs out first.
        term m;
        if (ls.suspended) {
            const auto wanted = [&ls](const term& x) { return is_system(x) || parent_exit(ls, x).has_value(); };
            m = co_await receive(wanted);
        } else if (!ls.idle) {
            m = co_await receive();
        } else {
            std::optional<term> got = co_await receive(*ls.idle);
            m = got ? std::move(*got) : term(atoms::timeout);
        }
        co_await dispatch(ls, std::move(m));
    }
}

// [system requests] ------------------------------------------------------------------

namespace {

term refused(term why) { return term::tuple({atoms::error, std::move(why)}); }

task<void> handle_system(loop_state& ls, const otp::incoming& req) {
    server& s = ls.callbacks;
    const term& r = req.body;
    const auto tagged = [&r](atom name, std::size_t size) { return r.is_tuple() && r.size() == size && r[0] == name; };
    if (r == sys::detail::get_state_request()) {
        reply(req.caller, s.state_term());
    } else if (tagged("replace_state"_atom, 2)) {
        auto loaded = s.load_state(r[1]);
        reply(req.caller, loaded ? term(atoms::ok) : refused(loaded.error()));
    } else if (r == sys::detail::suspend_request()) {
        ls.suspended = true;
        ember::detail::show_suspended(true);
        reply(req.caller, atoms::ok);
    } else if (r == sys::detail::resume_request()) {
        ls.suspended = false;
        ember::detail::show_suspended(false);
        reply(req.caller, atoms::ok);
    } else if (tagged("change_code"_atom, 3)) {
        if (!ls.suspended) {
            reply(req.caller, refused("not_suspended"_atom));
            co_return;
        }
        expected<void, term> changed = unexpected(term());
        term failure;
        try {
            changed = co_await s.code_change(r[1], r[2]);
        } catch (const process_exit&) {
            throw;
        } catch (...) {
            failure = ember::detail::current_exception_reason();
            changed = unexpected(failure);
        }
        reply(req.caller, changed ? term(atoms::ok) : refused(changed.error()));
    } else if (tagged("terminate"_atom, 2)) {
        reply(req.caller, atoms::ok);
        co_await finish(s, r[1]);
    } else {
        reply(req.caller, refused(term::tuple({"unknown_system_request"_atom, r})));
    }
}

} // namespace

// [calling] -------------------------------------------------------------------------

task<expected<term, call_error>> call(server_ref to, term request, std::chrono::milliseconds timeout) {
    return otp::request(gen_call, to, std::move(request), timeout);
}

void cast(server_ref to, term message) {
    const std::optional<pid> target = to.id ? to.id : whereis(to.name);
    if (target) send(*target, term::tuple({gen_cast, std::move(message)}));
}

void cast(node& n, server_ref to, term message) {
    const std::optional<pid> target = to.id ? to.id : n.whereis(to.name);
    if (target) n.send(*target, term::tuple({gen_cast, std::move(message)}));
}

} // namespace ember::gen_server

namespace ember::sys::detail {

namespace {
const atom system_atom("system");

// A refusal ({error, Why}) becomes call_errc::refused.
expected<term, call_error> refusal_as_error(expected<term, call_error> answer) {
    if (answer && answer->is_tuple() && answer->size() == 2 && (*answer)[0] == atoms::error)
        return unexpected(call_error{call_errc::refused, (*answer)[1]});
    return answer;
}
} // namespace

task<expected<term, call_error>> request(server_ref to, term request, std::chrono::milliseconds timeout) {
    co_return refusal_as_error(co_await otp::request(system_atom, to, std::move(request), timeout));
}

term replace_state_request(term state) { return term::tuple({"replace_state"_atom, std::move(state)}); }
term change_code_request(term old_vsn, term extra) { return term::tuple({"change_code"_atom, std::move(old_vsn), std::move(extra)}); }
term terminate_request(term reason) { return term::tuple({"terminate"_atom, std::move(reason)}); }
atom suspend_request() { return "suspend"_atom; }
atom resume_request() { return "resume"_atom; }
atom get_state_request() { return "get_state"_atom; }

} // namespace ember::sys::detail
