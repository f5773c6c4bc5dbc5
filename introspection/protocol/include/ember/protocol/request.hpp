#pragma once
// Requests: the Request of `{Ref, Request}` is a tuple led by an atom that
// names its kind, then the kind's arguments:
//
//   {processes}  {processes, #{sort => memory, limit => 20}}  {process_info, Pid}
//   {schedulers}  {system}  {applications}  {events}  {warnings}  {history, Names}
//   {kill, Pid}  {exit, Pid, Reason}  {suspend, Pid}  {resume, Pid}
//   {send, Pid, Term}  {trace, Pid, Opts}  {subscribe, What, IntervalMs}  {unsubscribe, Ref}
//
// parse_request checks the shape (a tuple, a known kind, that kind's
// arity); what each argument must be is checked by the code that serves the
// kind. processes_options is parsed here already, with its bounds and
// defaults, since the agent, ember-ctl and the Observer all build it.
//
// Everything here is a value or a pure function: any thread. Failures are
// error_reason values with code unknown_request or bad_request; nothing is
// thrown but std::bad_alloc.
//
// Sections: [kinds] [parsing] [processes]

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ember/protocol/error_reason.hpp"
#include "ember/protocol/export.hpp"
#include "ember/term/convert.hpp"

namespace ember::protocol {

// [kinds] -------------------------------------------------------------------

/// The kinds of request of this protocol version; the atom leading a
/// Request is the kind's name (request_kind_name).
enum class request_kind : std::uint8_t {
    processes,    ///< {processes} | {processes, Opts}: a page of the process table (processes_options)
    process_info, ///< {process_info, Pid}
    schedulers,   ///< {schedulers}
    system,       ///< {system}
    applications, ///< {applications}
    events,       ///< {events}
    warnings,     ///< {warnings}
    history,      ///< {history, Names}
    kill,         ///< {kill, Pid}                    admin
    exit,         ///< {exit, Pid, Reason}            admin
    suspend,      ///< {suspend, Pid}                 admin
    resume,       ///< {resume, Pid}                  admin
    send,         ///< {send, Pid, Term}              admin
    trace,        ///< {trace, Pid, Opts}             admin
    subscribe,    ///< {subscribe, What, IntervalMs}: pushes {Ref, {event, Value}}
    unsubscribe,  ///< {unsubscribe, Ref}
};
inline constexpr std::size_t request_kind_count = 16;

/// "processes", "process_info", ... (the atom's text). Any thread.
EMBER_PROTOCOL_EXPORT std::string_view request_kind_name(request_kind kind) noexcept;

/// The kind an atom names, or {unknown_request, Message}. Any thread.
EMBER_PROTOCOL_EXPORT expected<request_kind, error_reason> request_kind_of(atom name);

/// True for the kinds that act on the node (kill, exit, suspend, resume,
/// send, trace): the agent serves them only on a connection whose hello
/// gave the admin token, and answers others {error, {needs_admin, _}}.
constexpr bool needs_admin(request_kind kind) noexcept {
    switch (kind) {
    case request_kind::kill:
    case request_kind::exit:
    case request_kind::suspend:
    case request_kind::resume:
    case request_kind::send:
    case request_kind::trace: return true;
    default: return false;
    }
}

/// Arguments a kind takes after its atom: {min, max}.
struct request_arity {
    std::size_t min = 0;
    std::size_t max = 0;
};
/// Any thread.
EMBER_PROTOCOL_EXPORT request_arity arguments_of(request_kind kind) noexcept;

// [parsing] -----------------------------------------------------------------

/// A Request whose shape was checked: its kind and arguments.
struct parsed_request {
    request_kind kind = request_kind::system;
    term request; ///< the whole tuple; holds the arguments' storage

    /// The elements after the kind's atom; valid while `request` lives.
    std::span<const term> args() const noexcept { return request.elements().subspan(1); }
};

/// Checks that `request` is a tuple led by an atom naming a kind
/// ({unknown_request, _} otherwise; {bad_request, _} when it is no tuple
/// led by an atom) with as many arguments as that kind takes
/// ({bad_request, _}). Any thread.
EMBER_PROTOCOL_EXPORT expected<parsed_request, error_reason> parse_request(const term& request);

// [processes] ---------------------------------------------------------------

/// What a page of the process table is sorted by, largest first.
enum class process_sort : std::uint8_t {
    reductions,        ///< total reductions
    reduction_rate,    ///< reductions per second over the agent's window
    memory,            ///< bytes
    message_queue_len, ///< messages waiting in the mailbox
    message_rate,      ///< messages received per second over the window
    run_time,          ///< time spent running
    age,               ///< time since spawn (oldest first)
};
inline constexpr std::size_t process_sort_count = 7;

/// "reductions", "reduction_rate", ... (the atom's text). Any thread.
EMBER_PROTOCOL_EXPORT std::string_view process_sort_name(process_sort key) noexcept;

/// The Opts map of `{processes, Opts}`: `#{sort => Key, limit => N,
/// offset => M, filter => Bin}`, every key optional. A value; any thread.
struct processes_options {
    static constexpr std::size_t default_limit = 100;
    static constexpr std::size_t max_limit = 10'000;       ///< a page; larger tables are paged with offset
    static constexpr std::size_t max_offset = 100'000'000; ///< over any process limit
    static constexpr std::size_t max_filter_bytes = 256;

    process_sort sort = process_sort::reductions;
    std::size_t limit = default_limit; ///< 1..max_limit rows
    std::size_t offset = 0;            ///< rows skipped first, 0..max_offset
    /// Keep only processes whose registered name, initial call, current
    /// function or status contains these bytes; empty keeps all.
    std::string filter{};

    friend bool operator==(const processes_options&, const processes_options&) = default;
};

/// Reads an Opts map: keys are atoms among sort, limit, offset and filter;
/// a key left out keeps its default; anything else, or a value out of its
/// bounds, is {bad_request, Message} naming the key. Any thread.
EMBER_PROTOCOL_EXPORT expected<processes_options, error_reason> parse_processes_options(const term& opts);

/// The options of a parsed `processes` request: the defaults for
/// `{processes}`, parse_processes_options(Opts) for `{processes, Opts}`.
/// `r.kind` must be request_kind::processes. Any thread.
EMBER_PROTOCOL_EXPORT expected<processes_options, error_reason> processes_options_of(const parsed_request& r);

} // namespace ember::protocol

namespace ember {

/// to_term writes every key; from_term is parse_processes_options with the
/// error as a term_error (code conversion).
template <>
struct term_traits<protocol::processes_options> {
    EMBER_PROTOCOL_EXPORT static term to_term(const protocol::processes_options& o);
    EMBER_PROTOCOL_EXPORT static expected<protocol::processes_options, term_error> from_term(const term& t);
};

template <>
struct term_traits<protocol::process_sort> {
    EMBER_PROTOCOL_EXPORT static term to_term(protocol::process_sort key);
    EMBER_PROTOCOL_EXPORT static expected<protocol::process_sort, term_error> from_term(const term& t);
};

} // namespace ember
