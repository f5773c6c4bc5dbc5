#pragma once
// gen_server: a process that serves calls, casts and other messages one at
// a time through callbacks, as Erlang's gen_server does.
//
//   class counter : public ember::gen_server::stateful_server<std::int64_t> {
//       ember::task<ember::gen_server::step> handle_call(ember::term req, ember::gen_server::from) override {
//           if (req == ember::term(ember::atom("next"))) co_return ember::gen_server::reply(ember::to_term(++state));
//           co_return ember::gen_server::reply(ember::term(ember::atoms::badarg));
//       }
//   };
//   auto p = co_await ember::gen_server::start_link<counter>({.name = ember::atom("counter")});
//   auto n = co_await ember::gen_server::call(*p, ember::atom("next"));   // expected<term, call_error>
//
// Callbacks are coroutines (task<...>), so a callback may itself call other
// servers or sleep; the server handles one message at a time meanwhile.
// Every server also answers the system requests of ember::sys (get_state,
// replace_state, suspend, resume, change_code, terminate): see sys.hpp.
//
// Messages on the wire, as OTP's, so Erlang tools read them:
//   call   {'$gen_call', {Caller, Tag}, Request}  -> reply {Tag, Reply}
//   cast   {'$gen_cast', Message}
//   system {system, {Caller, Tag}, Request}      -> reply {Tag, Reply}
//
// Sections: [callbacks] [starting] [calling]

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <typeinfo>
#include <utility>

#include "ember/runtime/block_on.hpp"
#include "ember/runtime/coroutine.hpp"
#include "ember/runtime/node.hpp"
#include "ember/runtime/process.hpp"
#include "ember/term/convert.hpp"

namespace ember {

/// Where a request goes: a pid or a registered name.
struct server_ref {
    server_ref(const pid& p) : id(p) {}           // NOLINT: implicit on purpose
    server_ref(atom registered) : name(registered) {} // NOLINT
    std::optional<pid> id;
    atom name = atoms::undefined;
};

namespace gen_server {

/// Waits for ever (for a call or a start).
inline constexpr std::chrono::milliseconds infinity = std::chrono::milliseconds::max();
/// What Erlang's gen_server:call waits by default.
inline constexpr std::chrono::milliseconds default_timeout{5000};

// [callbacks] ---------------------------------------------------------------

/// A caller waiting for a reply; handle_call may keep it and answer later
/// with reply(from, ...), from this process or any other.
struct from {
    pid caller;
    reference tag;
};

/// What comes after a callback that lets the server go on:
/// `.then_continue(C)` runs handle_continue(C) before any other message
/// (OTP's {continue, C}); `.or_timeout(T)` runs handle_info(timeout) if no
/// message comes within T (OTP's Timeout; that one wait only).
template <class Outcome>
struct what_next {
    std::optional<term> next;
    std::optional<std::chrono::milliseconds> idle;

    Outcome then_continue(term c) && {
        next = std::move(c);
        return std::move(static_cast<Outcome&>(*this));
    }
    Outcome or_timeout(std::chrono::milliseconds t) && {
        idle = t;
        return std::move(static_cast<Outcome&>(*this));
    }
};

/// What a callback decided: reply (handle_call only), go on without a
/// reply, or stop the server (with a reply first when handle_call gives one).
struct step : what_next<step> {
    enum class kind : std::uint8_t { reply, noreply, stop } what = kind::noreply;
    term reply;           ///< kind::reply, or kind::stop when has_reply
    term reason;          ///< kind::stop
    bool has_reply = false;
};
inline step reply(term r) {
    step s;
    s.what = step::kind::reply;
    s.reply = std::move(r);
    s.has_reply = true;
    return s;
}
inline step noreply() { return {}; }
inline step stop(term reason) {
    step s;
    s.what = step::kind::stop;
    s.reason = std::move(reason);
    return s;
}
inline step stop_and_reply(term reason, term r) {
    step s = stop(std::move(reason));
    s.reply = std::move(r);
    s.has_reply = true;
    return s;
}

/// What init decided: run, fail the start with a reason, or ignore (the
/// start gives the error `ignore`, and a supervisor keeps the child down).
/// init_ok().then_continue(C): the start returns, then handle_continue(C)
/// runs before any message (set-up too slow to hold the starter).
struct init_result : what_next<init_result> {
    enum class kind : std::uint8_t { ok, stop, ignore } what = kind::ok;
    term reason;
};
inline init_result init_ok() { return {}; }
inline init_result init_stop(term reason) {
    init_result r;
    r.what = init_result::kind::stop;
    r.reason = std::move(reason);
    return r;
}
inline init_result init_ignore() {
    init_result r;
    r.what = init_result::kind::ignore;
    return r;
}

/// The callbacks. Each runs in the server's process; an exception that
/// escapes one stops the server with reason {exception, Type, What} after
/// terminate. The object lives in the process's frame and is destroyed when
/// the process ends.
class EMBER_RUNTIME_EXPORT server {
public:
    virtual ~server() = default;
    /// Runs first; start/start_link return when it has.
    virtual task<init_result> init() { co_return init_ok(); }
    /// Default: replies {error, {unknown_call, Request}} and goes on.
    virtual task<step> handle_call(term request, from caller);
    /// Default: ignores the message.
    virtual task<step> handle_cast(term /*message*/) { co_return noreply(); }
    /// Any other message, including {'EXIT', Pid, Reason} of linked
    /// processes when the server traps exits. Default: ignores it.
    virtual task<step> handle_info(term /*message*/) { co_return noreply(); }
    /// After a callback returned .then_continue(C), before the next message.
    /// Default: does nothing.
    virtual task<step> handle_continue(term /*c*/) { co_return noreply(); }
    /// Runs before the server exits because a callback said stop, one threw,
    /// its parent exited (when it traps exits) or sys::terminate asked it
    /// to. Not run on a kill or an untrapped exit signal.
    virtual task<void> terminate(term /*reason*/) { co_return; }
    /// A new version of the code took over (sys::change_code, while
    /// suspended). An error refuses the change and keeps the old state.
    virtual task<expected<void, term>> code_change(term /*old_vsn*/, term /*extra*/) { co_return expected<void, term>(); }
    /// The state as a term, for sys::get_state and the tools.
    virtual term state_term() const { return atoms::undefined; }
    /// Replaces the state from a term (sys::replace_state); an error leaves
    /// it as it was. Default: refused with not_supported.
    virtual expected<void, term> load_state(const term& /*state*/) { return unexpected(term(atom("not_supported"))); }
};

/// A server whose state is one value of a type with term_traits: get_state
/// and replace_state work with no more code.
template <class State>
class stateful_server : public server {
public:
    term state_term() const override { return to_term(state); }
    expected<void, term> load_state(const term& s) override {
        auto v = from_term<State>(s);
        if (!v) return unexpected(term::tuple({atom("bad_state"), term::binary(v.error().message)}));
        state = std::move(*v);
        return {};
    }

protected:
    State state{};
};

// [starting] ----------------------------------------------------------------

struct start_options {
    atom name = atoms::undefined; ///< register under this name
    /// Longest wait for init; past it the server is killed and the start
    /// fails with `timeout`.
    std::chrono::milliseconds timeout = infinity;
    /// Initial call shown by the tools (a string literal); default: the
    /// server's class name.
    const char* label = nullptr;
    priority prio = priority::normal;
};

namespace detail {
/// How a new server reports its start to the process that started it.
struct start_ack {
    pid starter;
    reference tag;
    bool linked;
};
/// The server loop: init, then messages until it stops (gen_server.cpp).
EMBER_RUNTIME_EXPORT task<void> serve(server& s, start_ack ack);
/// Reports a failed construction and ends the process with `reason`.
[[noreturn]] EMBER_RUNTIME_EXPORT void fail_start(const start_ack& ack, term reason);
struct start_request {
    spawn_options spawn;
    reference tag;
    std::chrono::milliseconds timeout;
};
/// Before the spawn: a tag to hear back on.
EMBER_RUNTIME_EXPORT start_request begin_start(const start_options& o, bool link, const char* fallback_label);
/// After the spawn: waits for the new server's init.
EMBER_RUNTIME_EXPORT task<expected<pid, term>> finish_start(expected<pid, spawn_error> spawned, start_request r);

template <class Server, class... Args>
process_task run_server(start_ack ack, Args... args) {
    std::optional<Server> s;
    term failure;
    try {
        s.emplace(std::move(args)...);
    } catch (...) {
        failure = ember::detail::current_exception_reason();
    }
    if (!s) fail_start(ack, failure);
    co_await serve(*s, ack);
}

template <class Server, class... Args>
task<expected<pid, term>> start(const start_options& o, bool link, Args... args) {
    start_request r = begin_start(o, link, ember::detail::type_label(typeid(Server)));
    auto spawned = spawn_opt(r.spawn, &run_server<Server, Args...>, start_ack{self(), r.tag, link}, std::move(args)...);
    return finish_start(std::move(spawned), std::move(r));
}
} // namespace detail

/// Starts a Server(args...) linked to the calling process and waits for its
/// init. Errors: the reason init stopped with, `ignore`, {already_started,
/// Pid} when the name is taken, {exception, ...} when the constructor or
/// init threw, `timeout`, or the reason it died with meanwhile. On error
/// the server is gone and no exit signal from it reaches the caller.
template <class Server, class... Args>
task<expected<pid, term>> start_link(start_options o = {}, Args... args) {
    return detail::start<Server>(o, true, std::move(args)...);
}
/// As start_link, without the link.
template <class Server, class... Args>
task<expected<pid, term>> start(start_options o = {}, Args... args) {
    return detail::start<Server>(o, false, std::move(args)...);
}

/// As start, from a thread that is not a process (main, a test): the
/// server has no parent and runs until it stops or is told to.
template <class Server, class... Args>
expected<pid, term> start(node& n, start_options o = {}, Args... args) {
    auto started = block_on(n, [o, args...]() { return detail::start<Server>(o, false, args...); });
    if (!started) return unexpected(started.error().reason);
    return *started;
}

// [calling] -------------------------------------------------------------------

/// Sends `request` and waits for the reply. Monitor-based: a dead server
/// gives noproc or exited at once; after a timeout the reply, if it still
/// comes, is dropped on arrival.
EMBER_RUNTIME_EXPORT task<expected<term, call_error>> call(server_ref to, term request, std::chrono::milliseconds timeout = default_timeout);
/// Sends `message` to the server's handle_cast. Never waits; dropped when
/// there is no such server.
EMBER_RUNTIME_EXPORT void cast(server_ref to, term message);
/// As cast, from any thread (a cast never waits, so it needs no block_on).
EMBER_RUNTIME_EXPORT void cast(node& n, server_ref to, term message);
/// Answers a call that handle_call left with noreply.
EMBER_RUNTIME_EXPORT void reply(const from& caller, term r);

} // namespace gen_server
} // namespace ember
