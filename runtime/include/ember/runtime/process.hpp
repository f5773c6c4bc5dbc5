#pragma once
// What process code calls: self, send, receive, timers, links, monitors,
// exits, registered names, spawn. Every function here must be called from
// inside a running Ember process, on whatever scheduler thread runs it (from
// any other thread it stops the program with a message, in release builds
// too: a thread uses a probe, node's own functions or block_on instead);
// none of them blocks the thread.
//
//   ember::process_task echo() {
//       for (;;) {
//           ember::term msg = co_await ember::receive();
//           auto [from, body] = *ember::from_term<std::tuple<ember::pid, ember::term>>(msg);
//           ember::send(from, body);
//       }
//   }
//
// Semantics follow Erlang's; docs/runtime.md lists where they differ.
//
// Sections: [types] [identity and messages] [receive] [replies] [timers]
// [links, monitors, exits] [names] [spawn]

#include <chrono>
#include <coroutine>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "ember/runtime/coroutine.hpp"
#include "ember/runtime/export.hpp"
#include "ember/runtime/messages.hpp"
#include "ember/term/expected.hpp"
#include "ember/term/term.hpp"

namespace ember {

// [types] ----------------------------------------------------------------

enum class priority : std::uint8_t { low, normal, high };

/// Options of a new process.
struct spawn_options {
    atom name = atoms::undefined;   ///< register under this name (undefined: none)
    priority prio = priority::normal;
    bool trap_exit = false;         ///< exit signals arrive as {'EXIT', From, Reason} messages
    bool link = false;              ///< link to the spawning process (inside a process only)
    bool monitor = false;           ///< the spawner monitors it (see spawn_monitor)
    const char* label = nullptr;    ///< initial call shown by the tools ("echo/0"); a string literal
};

/// killed: the caller is a zombie (a runaway killed while it ran).
enum class spawn_errc { process_limit, name_taken, stopping, killed };
struct spawn_error {
    spawn_errc code;
    std::string message;
};

/// Thrown by spawn() where try_spawn() would return an error.
class spawn_failure : public std::runtime_error {
public:
    explicit spawn_failure(const spawn_error& e) : std::runtime_error(e.message), code(e.code) {}
    spawn_errc code;
};

/// Thrown inside a process to make it exit: by exit(Reason), and by the
/// runtime when an exit signal (a kill, or a linked process dying) must end
/// it. It is deliberately not a std::exception, so that `catch (const
/// std::exception&)` does not swallow a kill; do not catch it with `...`.
/// If code does, the next receive or checkpoint throws it again.
/// `by_signal()` tells the two apart, as Erlang does an exit exception from
/// an exit signal: a gen_server runs terminate after its callback called
/// exit(Reason), never after a signal ended it.
class process_exit {
public:
    explicit process_exit(term reason, bool by_signal = false) : reason_(std::move(reason)), by_signal_(by_signal) {}
    const term& reason() const noexcept { return reason_; }
    /// An exit signal ended the process (a kill, a link, exit(self(), R)),
    /// not its own exit(Reason).
    bool by_signal() const noexcept { return by_signal_; }

private:
    term reason_;
    bool by_signal_;
};

/// A timer started by send_after.
struct timer_ref {
    std::uint64_t id = 0;
    friend bool operator==(timer_ref, timer_ref) = default;
};

namespace detail {
using match_fn = bool (*)(const void* context, const term& message);

/// The state of one receive, kept in the awaiting coroutine's frame.
struct receive_state {
    match_fn match = nullptr;   // null: any message
    const void* context = nullptr;
    std::int64_t timeout_ms = -1; // -1: wait for ever
    term result;
    bool matched = false;
    bool timed_out = false;
    void* scan_link = nullptr;  // where the next scan of the queue starts
    std::uint64_t timer = 0;
};

EMBER_RUNTIME_EXPORT bool receive_ready(receive_state& st);
EMBER_RUNTIME_EXPORT bool receive_suspend(receive_state& st, std::coroutine_handle<> h);
EMBER_RUNTIME_EXPORT void receive_resume(receive_state& st);
EMBER_RUNTIME_EXPORT bool checkpoint_ready(std::int32_t reductions);
EMBER_RUNTIME_EXPORT void yield_suspend(std::coroutine_handle<> h);
EMBER_RUNTIME_EXPORT void checkpoint_resume();

/// {exception, <<"Type">>, <<"what()">>} for the exception being handled
/// (call inside a catch): how an escaping exception reads as an exit reason.
EMBER_RUNTIME_EXPORT term current_exception_reason();
/// The demangled name of a type, kept for the life of the OS process (a
/// label for the tools).
EMBER_RUNTIME_EXPORT const char* type_label(const std::type_info& type);
/// Shows the running process as suspended (sys suspend) while it waits.
EMBER_RUNTIME_EXPORT void show_suspended(bool on);
/// Marks the running process as one that answers sys requests, so that
/// node::suspend and node::resume go through sys for it (gen_server does).
EMBER_RUNTIME_EXPORT void mark_behaviour();

template <class Match>
bool call_match(const void* context, const term& message) {
    return (*static_cast<const Match*>(context))(message);
}

inline std::int64_t to_ms(std::chrono::nanoseconds d) {
    if (d <= std::chrono::nanoseconds::zero()) return 0;
    return std::chrono::ceil<std::chrono::milliseconds>(d).count();
}

enum class receive_result { message, optional_message, nothing };

template <receive_result Result, class Match>
class receive_awaiter {
public:
    explicit receive_awaiter(Match match, std::int64_t timeout_ms, void* start = nullptr) : match_(std::move(match)) {
        if constexpr (!std::is_same_v<Match, std::nullptr_t>) {
            state_.match = &call_match<Match>;
            state_.context = &match_;
        }
        state_.timeout_ms = timeout_ms;
        state_.scan_link = start;
    }
    receive_awaiter(const receive_awaiter&) = delete;

    bool await_ready() { return receive_ready(state_); }
    bool await_suspend(std::coroutine_handle<> h) { return receive_suspend(state_, h); }
    auto await_resume() {
        receive_resume(state_);
        if constexpr (Result == receive_result::message) return std::move(state_.result);
        else if constexpr (Result == receive_result::optional_message)
            return state_.matched ? std::optional<term>(std::move(state_.result)) : std::nullopt;
    }

private:
    Match match_;
    receive_state state_;
};

/// The BEAM's receive marker, for the runtime's own request paths (calls,
/// sys requests, dirty jobs): where the running process's queue ends now,
/// its inbox taken in first. A receive that starts from it skips every
/// message queued before, none of which can answer a request made after,
/// so a call costs the same with 500,000 unrelated messages queued as with
/// none. Valid until the process's next receive that does not start from
/// it (that receive may remove the message the mark points into).
struct mailbox_mark {
    void* link = nullptr;
};
EMBER_RUNTIME_EXPORT mailbox_mark mark_mailbox();
/// close_reply_tag and demonitor(ref, true), looking for the reply or the
/// DOWN to drop only after `from`.
EMBER_RUNTIME_EXPORT void close_reply_tag(const reference& tag, mailbox_mark from);
EMBER_RUNTIME_EXPORT void demonitor_flush(const reference& ref, mailbox_mark from);

/// receive(match) or receive(match, timeout) (timeout_ms -1: for ever),
/// looking only after `from`.
template <class Match>
auto receive_after(mailbox_mark from, Match match, std::int64_t timeout_ms) {
    return receive_awaiter<receive_result::optional_message, Match>(std::move(match), timeout_ms, from.link);
}

struct checkpoint_awaiter {
    std::int32_t reductions;
    bool await_ready() { return checkpoint_ready(reductions); }
    void await_suspend(std::coroutine_handle<> h) { yield_suspend(h); }
    void await_resume() { checkpoint_resume(); }
};
} // namespace detail

// [identity and messages] ---------------------------------------------------

/// The running process's pid.
EMBER_RUNTIME_EXPORT pid self();

/// Sends `message` to `to`. Never blocks; order is kept per sender-receiver
/// pair; a message to a dead pid is dropped silently, as in Erlang.
EMBER_RUNTIME_EXPORT void send(const pid& to, term message);

/// Sends to a registered name; false (and nothing sent) when no process has
/// that name. Erlang raises badarg there.
EMBER_RUNTIME_EXPORT bool send(atom registered_name, term message);

/// Names what the process is doing now ("http:accept/2"), for the tools.
/// `label` must outlive the process (a string literal).
EMBER_RUNTIME_EXPORT void set_label(const char* label);

// [receive] ---------------------------------------------------------------

/// The next message, in arrival order. Waiting costs no CPU.
inline auto receive() { return detail::receive_awaiter<detail::receive_result::message, std::nullptr_t>(nullptr, -1); }

/// The first message `match(msg)` accepts; the others stay queued in order
/// (Erlang's selective receive).
/// What receive's predicate must be: callable as bool(const term&).
template <class Match>
concept message_match = std::is_invocable_r_v<bool, const Match&, const term&>;

template <message_match Match>
auto receive(Match match) {
    return detail::receive_awaiter<detail::receive_result::message, Match>(std::move(match), -1);
}

/// The next message, or nullopt after `timeout` (0: only what is queued now).
inline auto receive(std::chrono::nanoseconds timeout) {
    return detail::receive_awaiter<detail::receive_result::optional_message, std::nullptr_t>(nullptr, detail::to_ms(timeout));
}

template <message_match Match>
auto receive(Match match, std::chrono::nanoseconds timeout) {
    return detail::receive_awaiter<detail::receive_result::optional_message, Match>(std::move(match), detail::to_ms(timeout));
}

/// Suspends for `d`; messages that arrive meanwhile stay queued.
inline auto sleep_for(std::chrono::nanoseconds d) {
    constexpr auto never = [](const term&) { return false; };
    return detail::receive_awaiter<detail::receive_result::nothing, decltype(never)>(never, detail::to_ms(d));
}

/// A point where a long computation lets others run: charges `reductions`,
/// is nearly free while the slice lasts, yields when it is spent, and lets
/// a pending exit signal (a kill) take effect.
inline detail::checkpoint_awaiter checkpoint(std::int32_t reductions = 1) { return {reductions}; }

/// Gives up the rest of the slice.
inline detail::checkpoint_awaiter yield() { return {1 << 30}; }

// [replies] ---------------------------------------------------------------
// Request-reply without stray replies (what Erlang's aliases give
// gen_server:call): the caller opens a tag, sends it with the request, and
// closes it when it stops waiting. A reply sent with send_reply arrives as
// {Tag, Reply} while the tag is open and is dropped on arrival after, so a
// reply that comes after a timeout never lands in the caller's mailbox.

/// Opens `tag` (usually the monitor reference of the callee) for replies.
EMBER_RUNTIME_EXPORT void open_reply_tag(const reference& tag);
/// Closes it; a reply to it already queued is removed too.
EMBER_RUNTIME_EXPORT void close_reply_tag(const reference& tag);
/// Sends {Tag, Reply} to `to`; it arrives only if `to` has `tag` open.
EMBER_RUNTIME_EXPORT void send_reply(const pid& to, const reference& tag, term reply);

// [timers] ----------------------------------------------------------------

/// Sends `message` to `to` after `delay`. O(1). The timer goes with its
/// target, as Erlang's: to a pid that is dead it is never made, and when
/// `to` dies first it is removed (by the time its DOWN or exit signal is
/// out). It does not go with the process that started it.
EMBER_RUNTIME_EXPORT timer_ref send_after(std::chrono::nanoseconds delay, const pid& to, term message);
/// Stops a timer; false when it already fired, was cancelled, or went with
/// its dead target (then there is nothing to cancel).
EMBER_RUNTIME_EXPORT bool cancel_timer(timer_ref t);

// [links, monitors, exits] ------------------------------------------------

/// Links the running process and `other` both ways. A dead `other` is an
/// exit signal noproc at once: a process that does not trap exits ends in
/// this call (Erlang's link/1 raises noproc), one that traps gets
/// {'EXIT', Other, noproc}.
EMBER_RUNTIME_EXPORT void link(const pid& other);
EMBER_RUNTIME_EXPORT void unlink(const pid& other);

/// Monitors `other`: {'DOWN', Ref, process, Pid, Reason} arrives when it
/// exits, at once with reason noproc when it is dead already.
EMBER_RUNTIME_EXPORT reference monitor(const pid& other);
/// Stops a monitor; with `flush`, also removes its DOWN message if queued.
EMBER_RUNTIME_EXPORT void demonitor(const reference& ref, bool flush = false);

/// Exit signals arrive as {'EXIT', From, Reason} messages when on (kill
/// still kills). Returns the previous setting.
EMBER_RUNTIME_EXPORT bool trap_exit(bool on);
/// Whether exit signals arrive as messages now.
EMBER_RUNTIME_EXPORT bool is_trapping_exits();

/// Ends the running process with `reason`. With `kill`, its links get
/// `kill` (a trappable reason there), as Erlang's exit(kill).
[[noreturn]] EMBER_RUNTIME_EXPORT void exit(term reason);

/// Sends an exit signal to `target` (Erlang's exit/2): `kill` cannot be
/// trapped and ends it as `killed`; `normal` is ignored unless trapped.
/// To the caller itself, when it does not trap exits (or with `kill`), it
/// ends the caller at once, before this returns, even with `normal`.
EMBER_RUNTIME_EXPORT void exit(const pid& target, term reason);

// [names] -------------------------------------------------------------------

/// Registers `name` for `who`; false when the name is taken, `who` already
/// has a name, or `who` is dead.
EMBER_RUNTIME_EXPORT bool register_name(atom name, const pid& who);
EMBER_RUNTIME_EXPORT bool unregister_name(atom name);
EMBER_RUNTIME_EXPORT std::optional<pid> whereis(atom name);

} // namespace ember
