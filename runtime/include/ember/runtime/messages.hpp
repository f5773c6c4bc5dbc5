#pragma once
// Typed forms of the two messages the runtime itself puts in a mailbox:
//
//   {'DOWN', Ref, process, Pid, Reason}  a monitored process exited (monitor)
//   {'EXIT', From, Reason}               an exit signal, while trapping exits
//
// so process code reads
//
//   term m = co_await ember::receive();
//   if (auto d = ember::as<ember::down_message>(m)) forget(d->who, d->reason);
//   else if (auto e = ember::as<ember::exit_message>(m)) restart(e->from, e->reason);
//
// and a selective receive for one monitor reads
//
//   co_await ember::receive([&](const ember::term& m) { return ember::is_down_of(m, ref); });
//
// Matching checks the tuple's size and tag atom before anything else and
// allocates nothing when the message is not one, so it suits receive
// predicates, which run on every queued message. Included by process.hpp.
// These are plain values: any thread may make, copy and match them.

#include <optional>
#include <span>

#include "ember/term/error.hpp"
#include "ember/term/expected.hpp"
#include "ember/term/term.hpp"

namespace ember {

/// {'DOWN', Ref, process, Pid, Reason}: `who`, monitored through `ref`,
/// exited with `reason` (noproc when it was dead when monitor was called).
struct down_message {
    reference ref;  ///< what monitor() returned
    pid who;        ///< the process that exited
    term reason;    ///< its exit reason
};

/// {'EXIT', From, Reason}: a linked process (or whoever called exit(Pid,
/// Reason) on this one) sent an exit signal, received as a message because
/// this process traps exits. From is the node's <0.0.0> for node.exit().
struct exit_message {
    pid from;       ///< the process the signal came from
    term reason;    ///< its reason (normal is delivered too, when trapped)
};

template <>
struct term_traits<down_message> {
    /// The message, or nullopt: no allocation, no exception.
    static std::optional<down_message> match(const term& t) noexcept {
        if (!t.is_tuple()) return std::nullopt;
        const std::span<const term> e = t.elements();
        if (e.size() != 5 || e[0] != atoms::DOWN || e[2] != atoms::process || !e[1].is_reference() || !e[3].is_pid())
            return std::nullopt;
        return down_message{e[1].as_reference(), e[3].as_pid(), e[4]};
    }
    static term to_term(const down_message& d) {
        return term::tuple({atoms::DOWN, term::from_reference(d.ref), atoms::process, term::from_pid(d.who), d.reason});
    }
    /// As match, with a conversion error (a fixed sentence) when it is not one.
    static expected<down_message, term_error> from_term(const term& t) {
        if (auto d = match(t)) return std::move(*d);
        return unexpected(term_error{term_errc::conversion, 0, "expected {'DOWN', Ref, process, Pid, Reason}"});
    }
};

template <>
struct term_traits<exit_message> {
    /// The message, or nullopt: no allocation, no exception.
    static std::optional<exit_message> match(const term& t) noexcept {
        if (!t.is_tuple()) return std::nullopt;
        const std::span<const term> e = t.elements();
        if (e.size() != 3 || e[0] != atoms::EXIT || !e[1].is_pid()) return std::nullopt;
        return exit_message{e[1].as_pid(), e[2]};
    }
    static term to_term(const exit_message& x) { return term::tuple({atoms::EXIT, term::from_pid(x.from), x.reason}); }
    /// As match, with a conversion error (a fixed sentence) when it is not one.
    static expected<exit_message, term_error> from_term(const term& t) {
        if (auto x = match(t)) return std::move(*x);
        return unexpected(term_error{term_errc::conversion, 0, "expected {'EXIT', From, Reason}"});
    }
};

/// True when `m` is the DOWN of the monitor `ref`: for receive predicates.
inline bool is_down_of(const term& m, const reference& ref) noexcept {
    const auto d = as<down_message>(m);
    return d && d->ref == ref;
}

/// True when `m` is an 'EXIT' from `from`: for receive predicates.
inline bool is_exit_from(const term& m, const pid& from) noexcept {
    const auto x = as<exit_message>(m);
    return x && x->from == from;
}

} // namespace ember
