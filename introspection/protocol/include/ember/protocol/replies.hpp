#pragma once
// The Values of `{Ref, {ok, Value}}`, one struct per request kind, as maps
// with atom keys (term_traits via map_record), so an Erlang user reads
// `maps:get(message_queue_len, Row)` and C++ reads `row.message_queue_len`.
// The query engine builds them, the agent sends them, the client reads them
// back, and the renderers (ember::render) print them: one schema for all.
//
// Times: *_ms / *_us are milliseconds / microseconds; `at_ms` and
// `*_since_ms` are node uptime. Rates are per second. A field a node cannot
// tell is 0 (numbers) or 'undefined' (pids, atoms).
//
// Every struct here is a value: any thread.
//
// Sections: [processes] [process_info] [node] [applications] [events and
// warnings] [history] [control]

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ember/protocol/export.hpp"
#include "ember/term/convert.hpp"

namespace ember::protocol {

// [processes] ---------------------------------------------------------------

/// One row of `{processes, Opts}`.
struct process_row {
    ember::pid pid;
    atom registered_name = atoms::undefined;
    std::string initial_call;       ///< the spawn label, "" when none
    std::string current_function;   ///< the label set last, "" when none
    atom status = atoms::undefined; ///< runnable | running | waiting | suspended | exiting | zombie
    std::uint64_t reductions = 0;
    double reduction_rate = 0;      ///< over the engine's window
    std::uint64_t memory = 0;       ///< bytes
    std::uint64_t message_queue_len = 0;
    double message_rate = 0;        ///< messages received per second over the window
    std::uint64_t run_time_us = 0;
    std::uint64_t age_ms = 0;       ///< since spawn
    /// Age of the oldest message waiting in its mailbox, 0 when empty.
    std::uint64_t oldest_message_age_ms = 0;
    /// Mean time it spent runnable before it ran (sampled runs; coarse
    /// clock), over the window, or its life when no window is complete.
    std::uint64_t scheduling_latency_us = 0;
    friend bool operator==(const process_row&, const process_row&) = default;
};

/// Why an answer is shorter than asked: `complete` (nothing cut),
/// `time_budget` (the scan stopped at the query's time budget),
/// `size_budget` (a size bound cut the list).
struct processes_page {
    std::vector<process_row> rows;   ///< sorted, after offset, at most limit
    std::uint64_t matched = 0;       ///< processes that passed the filter in what was scanned
    std::uint64_t scanned = 0;       ///< processes looked at
    std::uint64_t window_ms = 0;     ///< the window of the rates (0: rates since spawn)
    atom cut = atoms::undefined;     ///< complete | time_budget | size_budget
    friend bool operator==(const processes_page&, const processes_page&) = default;
};

// [process_info] --------------------------------------------------------------

/// One child of a supervisor.
struct child_row {
    atom id = atoms::undefined;
    std::optional<ember::pid> pid;  ///< undefined while it does not run
    atom type = atoms::undefined;   ///< worker | supervisor
    atom restart = atoms::undefined;
    friend bool operator==(const child_row&, const child_row&) = default;
};

/// One restart a supervisor made.
struct restart_row {
    std::uint64_t at_ms = 0;
    atom child = atoms::undefined;
    ember::pid old_pid;
    std::string reason;             ///< printed, bounded
    friend bool operator==(const restart_row&, const restart_row&) = default;
};

struct supervisor_row {
    ember::pid pid;
    atom strategy = atoms::undefined;
    std::uint64_t intensity = 0;
    std::uint64_t period_ms = 0;
    std::uint64_t restarts_total = 0;
    std::uint64_t children_count = 0;  ///< all of them; `children` holds at most a page
    std::vector<child_row> children; ///< in start order, at most 1000
    std::vector<restart_row> restarts; ///< newest last
    friend bool operator==(const supervisor_row&, const supervisor_row&) = default;
};

/// `{process_info, Pid}`.
struct process_info_reply {
    process_row process;
    ember::pid parent;
    atom priority = atoms::normal;
    bool trap_exit = false;
    std::uint64_t messages_in = 0;
    std::uint64_t messages_out = 0;
    /// Scheduling latency samples (every 16th run of a scheduler) and the
    /// time runnable before those runs, from the coarse clock (1-4 ms).
    std::uint64_t latency_samples = 0;
    std::uint64_t runnable_wait_us = 0;
    std::vector<ember::pid> links;             ///< at most 1000 (see cut)
    std::vector<ember::pid> monitors;          ///< at most 1000
    std::vector<ember::pid> monitored_by;      ///< at most 1000
    /// The first messages of its mailbox, printed and cut to the engine's
    /// print limit; fewer than message_queue_len when the queue is longer.
    std::vector<std::string> messages;
    /// sys:get_state printed, or 'undefined' when it is no behaviour or
    /// did not answer in time (state_error says which).
    std::optional<std::string> state;
    std::string state_error;                   ///< "" when state was read
    std::optional<supervisor_row> supervisor;  ///< when it is a supervisor
    /// complete, or size_budget when a list (links, monitors, children)
    /// held more than 1000 and was cut.
    atom cut = atoms::undefined;
    friend bool operator==(const process_info_reply&, const process_info_reply&) = default;
};

// [node] --------------------------------------------------------------------

struct scheduler_row {
    std::uint64_t id = 0;
    double utilization = 0;          ///< 0..1 over the window (since start when no window yet)
    std::uint64_t run_queue = 0;
    std::uint64_t processes_run = 0;
    std::uint64_t context_switches = 0;
    std::uint64_t steals = 0;
    std::uint64_t parks = 0;
    friend bool operator==(const scheduler_row&, const scheduler_row&) = default;
};

/// `{system}`.
struct system_info {
    atom node = atoms::nonode_nohost;
    std::uint64_t process_count = 0;
    std::uint64_t process_limit = 0;
    std::uint64_t schedulers = 0;
    std::uint64_t memory = 0;        ///< bytes of process memory (frames and queued messages)
    std::uint64_t uptime_ms = 0;
    std::uint64_t atom_count = 0;
    std::uint64_t reductions = 0;    ///< totals since start
    std::uint64_t messages = 0;
    double reduction_rate = 0;       ///< over the last sample
    double message_rate = 0;
    std::uint64_t runaway_threads = 0;
    std::uint64_t dirty_threads = 0;
    std::uint64_t dirty_running = 0;
    std::uint64_t dirty_queued = 0;
    std::uint64_t dirty_completed = 0;
    std::uint64_t supervisor_restarts = 0;
    friend bool operator==(const system_info&, const system_info&) = default;
};

// [applications] --------------------------------------------------------------

/// A supervision tree: a supervisor and, for each child that is one, its
/// own tree.
struct tree_node {
    supervisor_row supervisor;
    std::vector<tree_node> subtrees;
    friend bool operator==(const tree_node&, const tree_node&) = default;
};

struct application_row {
    atom name = atoms::undefined;
    bool running = false;
    std::string exit_reason;         ///< "" while it runs
    std::optional<tree_node> tree;   ///< undefined when it ended
    friend bool operator==(const application_row&, const application_row&) = default;
};

// [events and warnings] -----------------------------------------------------------

struct event_row {
    std::uint64_t seq = 0;           ///< grows by one per event the engine saw
    atom kind = atoms::undefined;    ///< long_schedule | long_message_queue | large_memory | restart_limit_near
    ember::pid pid;
    std::uint64_t scheduler = 0;
    std::uint64_t at_ms = 0;
    std::uint64_t value = 0;
    std::uint64_t limit = 0;
    friend bool operator==(const event_row&, const event_row&) = default;
};

/// A lint over a live node, with the evidence that raised it.
///   mailbox_growing      the queue grew at every sample for `for_ms`: value = queue now, limit = queue when it began
///   old_message          its oldest message waited value ms (limit: the threshold)
///   long_schedule        it ran value ms without a checkpoint (limit: runaway threshold)
///   zombie               killed while it ran without a checkpoint; its code still runs
///   restart_limit_near   a supervisor made value restarts in its period of limit
struct warning_row {
    atom kind = atoms::undefined;
    ember::pid pid;
    std::uint64_t since_ms = 0;      ///< when it was first seen
    std::uint64_t for_ms = 0;        ///< how long it has held
    std::uint64_t value = 0;
    std::uint64_t limit = 0;
    std::string message;             ///< one line for a human
    friend bool operator==(const warning_row&, const warning_row&) = default;
};

// [history] -----------------------------------------------------------------

/// One series of `{history, Names}`: equally spaced samples, oldest first,
/// the last taken at `last_ms`.
struct series {
    atom name = atoms::undefined;
    std::uint64_t resolution_ms = 0;
    std::uint64_t last_ms = 0;
    std::vector<double> values;
    friend bool operator==(const series&, const series&) = default;
};

// [control] -----------------------------------------------------------------

/// `{trace, Pid, #{max_messages => N, max_rate => PerSecond}}` (both optional).
struct trace_options {
    static constexpr std::uint64_t default_max_messages = 1000;
    static constexpr std::uint64_t max_max_messages = 100'000;
    static constexpr std::uint64_t default_max_rate = 100;
    std::uint64_t max_messages = default_max_messages;
    std::uint64_t max_rate = default_max_rate; ///< messages per second, the rest dropped and counted
    friend bool operator==(const trace_options&, const trace_options&) = default;
};

/// One traced message, pushed as `{Ref, {event, Row}}`.
struct trace_row {
    std::uint64_t at_ms = 0;
    atom direction = atoms::undefined; ///< in | out
    ember::pid from;                   ///< the sender (in) or the traced process (out)
    ember::pid to;
    std::string message;               ///< printed, bounded
    std::uint64_t dropped = 0;         ///< dropped by the rate cap since the last row
    friend bool operator==(const trace_row&, const trace_row&) = default;
};

} // namespace ember::protocol

namespace ember {

template <>
struct term_traits<protocol::process_row> : map_record<protocol::process_row> {
    using T = protocol::process_row;
    static constexpr auto fields = std::tuple{
        field("pid", &T::pid), field("registered_name", &T::registered_name), field("initial_call", &T::initial_call),
        field("current_function", &T::current_function), field("status", &T::status), field("reductions", &T::reductions),
        field("reduction_rate", &T::reduction_rate), field("memory", &T::memory), field("message_queue_len", &T::message_queue_len),
        field("message_rate", &T::message_rate), field("run_time_us", &T::run_time_us), field("age_ms", &T::age_ms),
        field("oldest_message_age_ms", &T::oldest_message_age_ms), field("scheduling_latency_us", &T::scheduling_latency_us)};
};
template <>
struct term_traits<protocol::processes_page> : map_record<protocol::processes_page> {
    using T = protocol::processes_page;
    static constexpr auto fields = std::tuple{field("rows", &T::rows), field("matched", &T::matched), field("scanned", &T::scanned),
                                              field("window_ms", &T::window_ms), field("cut", &T::cut)};
};
template <>
struct term_traits<protocol::child_row> : map_record<protocol::child_row> {
    using T = protocol::child_row;
    static constexpr auto fields = std::tuple{field("id", &T::id), field("pid", &T::pid), field("type", &T::type), field("restart", &T::restart)};
};
template <>
struct term_traits<protocol::restart_row> : map_record<protocol::restart_row> {
    using T = protocol::restart_row;
    static constexpr auto fields =
        std::tuple{field("at_ms", &T::at_ms), field("child", &T::child), field("old_pid", &T::old_pid), field("reason", &T::reason)};
};
template <>
struct term_traits<protocol::supervisor_row> : map_record<protocol::supervisor_row> {
    using T = protocol::supervisor_row;
    static constexpr auto fields = std::tuple{field("pid", &T::pid),           field("strategy", &T::strategy),
                                              field("intensity", &T::intensity), field("period_ms", &T::period_ms),
                                              field("restarts_total", &T::restarts_total),
                                              field("children_count", &T::children_count), field("children", &T::children),
                                              field("restarts", &T::restarts)};
};
template <>
struct term_traits<protocol::process_info_reply> : map_record<protocol::process_info_reply> {
    using T = protocol::process_info_reply;
    static constexpr auto fields = std::tuple{
        field("process", &T::process), field("parent", &T::parent), field("priority", &T::priority), field("trap_exit", &T::trap_exit),
        field("messages_in", &T::messages_in), field("messages_out", &T::messages_out), field("latency_samples", &T::latency_samples),
        field("runnable_wait_us", &T::runnable_wait_us), field("links", &T::links), field("monitors", &T::monitors),
        field("monitored_by", &T::monitored_by), field("messages", &T::messages), field("state", &T::state),
        field("state_error", &T::state_error), field("supervisor", &T::supervisor), field("cut", &T::cut)};
};
template <>
struct term_traits<protocol::scheduler_row> : map_record<protocol::scheduler_row> {
    using T = protocol::scheduler_row;
    static constexpr auto fields = std::tuple{
        field("id", &T::id), field("utilization", &T::utilization), field("run_queue", &T::run_queue),
        field("processes_run", &T::processes_run), field("context_switches", &T::context_switches), field("steals", &T::steals),
        field("parks", &T::parks)};
};
template <>
struct term_traits<protocol::system_info> : map_record<protocol::system_info> {
    using T = protocol::system_info;
    static constexpr auto fields = std::tuple{
        field("node", &T::node), field("process_count", &T::process_count), field("process_limit", &T::process_limit),
        field("schedulers", &T::schedulers), field("memory", &T::memory), field("uptime_ms", &T::uptime_ms),
        field("atom_count", &T::atom_count), field("reductions", &T::reductions), field("messages", &T::messages),
        field("reduction_rate", &T::reduction_rate), field("message_rate", &T::message_rate),
        field("runaway_threads", &T::runaway_threads), field("dirty_threads", &T::dirty_threads),
        field("dirty_running", &T::dirty_running), field("dirty_queued", &T::dirty_queued),
        field("dirty_completed", &T::dirty_completed), field("supervisor_restarts", &T::supervisor_restarts)};
};
template <>
struct term_traits<protocol::tree_node> : map_record<protocol::tree_node> {
    using T = protocol::tree_node;
    static constexpr auto fields = std::tuple{field("supervisor", &T::supervisor), field("subtrees", &T::subtrees)};
};
template <>
struct term_traits<protocol::application_row> : map_record<protocol::application_row> {
    using T = protocol::application_row;
    static constexpr auto fields =
        std::tuple{field("name", &T::name), field("running", &T::running), field("exit_reason", &T::exit_reason), field("tree", &T::tree)};
};
template <>
struct term_traits<protocol::event_row> : map_record<protocol::event_row> {
    using T = protocol::event_row;
    static constexpr auto fields = std::tuple{field("seq", &T::seq),     field("kind", &T::kind),   field("pid", &T::pid),
                                              field("scheduler", &T::scheduler), field("at_ms", &T::at_ms), field("value", &T::value),
                                              field("limit", &T::limit)};
};
template <>
struct term_traits<protocol::warning_row> : map_record<protocol::warning_row> {
    using T = protocol::warning_row;
    static constexpr auto fields = std::tuple{field("kind", &T::kind),   field("pid", &T::pid),     field("since_ms", &T::since_ms),
                                              field("for_ms", &T::for_ms), field("value", &T::value), field("limit", &T::limit),
                                              field("message", &T::message)};
};
template <>
struct term_traits<protocol::series> : map_record<protocol::series> {
    using T = protocol::series;
    static constexpr auto fields = std::tuple{field("name", &T::name), field("resolution_ms", &T::resolution_ms),
                                              field("last_ms", &T::last_ms), field("values", &T::values)};
};
template <>
struct term_traits<protocol::trace_options> : map_record<protocol::trace_options> {
    using T = protocol::trace_options;
    static constexpr auto fields = std::tuple{field("max_messages", &T::max_messages), field("max_rate", &T::max_rate)};
};
template <>
struct term_traits<protocol::trace_row> : map_record<protocol::trace_row> {
    using T = protocol::trace_row;
    static constexpr auto fields = std::tuple{field("at_ms", &T::at_ms), field("direction", &T::direction), field("from", &T::from),
                                              field("to", &T::to),       field("message", &T::message),     field("dropped", &T::dropped)};
};

} // namespace ember
