#pragma once
// Figures a node exposes to the tools. Every value is read without locks
// while the node runs (pull-style: nothing is pushed, nothing stops), so a
// figure may be a few microseconds old and two figures of one process may be
// from slightly different instants.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "ember/runtime/process.hpp"
#include "ember/term/term.hpp"

namespace ember {

/// `zombie`: killed while it ran without reaching a checkpoint; dead to the
/// node (signals sent, name freed, messages dropped) but its code still runs
/// on an idle-priority thread until it reaches a checkpoint or returns.
enum class process_status : std::uint8_t { runnable, running, waiting, suspended, exiting, zombie };

/// Stable lower-case name: "runnable", "running", ...
EMBER_RUNTIME_EXPORT std::string_view process_status_name(process_status s) noexcept;

/// Counters of one process.
struct process_stats {
    pid id;
    process_status status = process_status::runnable;
    priority prio = priority::normal;
    atom registered_name = atoms::undefined;  ///< undefined when it has none
    std::string_view initial_call;           ///< the spawn label, or "" when none was given
    std::string_view current;                ///< the label set by set_label, or ""
    std::uint64_t reductions = 0;
    std::uint64_t messages_in = 0;           ///< messages ever delivered to it
    std::uint64_t messages_out = 0;          ///< messages it ever sent
    std::uint64_t mailbox_length = 0;        ///< delivered, not yet received
    std::size_t memory_bytes = 0;            ///< control block, coroutine frames, queued messages
    pid parent;                              ///< spawner (its own pid for a top-level spawn)
    std::uint64_t started_us = 0;            ///< microseconds since the node started
    std::uint64_t run_time_us = 0;           ///< time spent running
    bool trap_exit = false;
    /// It answers sys requests (a gen_server, a supervisor): the tools may
    /// ask it for its state; another process would only find the request
    /// in its mailbox.
    bool behaviour = false;
    /// How long the oldest message (or signal) waiting for it has waited:
    /// 0 when none waits. Stamped from the coarse clock by the sender (see
    /// docs/runtime.md), so it may read high by up to the sender's run.
    std::uint64_t oldest_message_age_ms = 0;
    /// Scheduling latency, sampled: every 16th run of a scheduler counts
    /// one sample and adds the time its process spent runnable before it
    /// (from the coarse clock: 1-4 ms resolution, so a lightly loaded node
    /// reads near 0). Mean latency = runnable_wait_us / latency_samples.
    std::uint64_t latency_samples = 0;
    std::uint64_t runnable_wait_us = 0;
};

/// process_stats plus what needs the process's relation lock to read.
struct process_details {
    process_stats stats;
    std::vector<pid> links;
    std::vector<pid> monitors;               ///< processes this one monitors
    std::vector<pid> monitored_by;
};

/// Counters of one scheduler. busy/(busy+idle) is its utilization, as in
/// erlang:statistics(scheduler_wall_time).
struct scheduler_stats {
    unsigned id = 0;
    std::uint64_t busy_ns = 0;
    std::uint64_t idle_ns = 0;
    std::uint64_t run_queue_length = 0;
    std::uint64_t processes_run = 0;         ///< times a process was resumed
    std::uint64_t context_switches = 0;      ///< times the running process changed
    std::uint64_t steals = 0;                ///< processes taken from other schedulers
    std::uint64_t parks = 0;                 ///< times the thread went to sleep for lack of work
    /// Reductions and messages sent by the processes that ended on it, added
    /// as each ends. With the live processes' own counters (a scan), the
    /// node's totals. A runaway's thread, which leaves the scheduler's slot
    /// to a fresh one, takes its counts along: tools treat a drop as a
    /// restart of the count.
    std::uint64_t exited_reductions = 0;
    std::uint64_t exited_messages_sent = 0;
};

enum class event_kind : std::uint8_t {
    long_schedule,      ///< a process ran past the runaway threshold without a checkpoint
    long_message_queue, ///< a mailbox grew to node_options::long_message_queue
    large_memory,       ///< a process grew to node_options::large_memory_bytes
    restart_limit_near, ///< a supervisor restarted a child and has few restarts left in its period
};
EMBER_RUNTIME_EXPORT std::string_view event_kind_name(event_kind k) noexcept;

/// Something the tools should show an operator. `value` and `limit` by kind:
///   long_schedule       ms it had run when noticed / the runaway threshold
///   long_message_queue  messages queued / the threshold
///   large_memory        bytes / the threshold
///   restart_limit_near  restarts within the period / the intensity
/// Queue and memory events fire once per crossing: again only after the
/// figure fell below half the threshold.
struct runtime_event {
    event_kind kind = event_kind::long_schedule;
    pid id;                   ///< the process (the supervisor for restart_limit_near)
    unsigned scheduler = 0;   ///< long_schedule only
    std::uint64_t at_ms = 0;  ///< node uptime when it was noticed
    std::uint64_t value = 0;
    std::uint64_t limit = 0;
};

/// One child of a supervisor, as the tools show it.
struct child_stats {
    atom id;
    std::optional<pid> process;           ///< nullopt while it is not running
    atom type = atoms::undefined;          ///< worker | supervisor
    atom restart = atoms::undefined;       ///< permanent | transient | temporary
};

/// One restart a supervisor made.
struct restart_record {
    std::uint64_t at_ms = 0;  ///< node uptime
    atom child;
    pid old_process;          ///< the process that exited
    term reason;              ///< why it exited
};

/// A supervisor as the tools show it: published by the supervisor on every
/// change, read without talking to it (so a busy or suspended supervisor
/// still shows).
struct supervisor_stats {
    pid id;
    atom strategy = atoms::undefined;        ///< one_for_one | one_for_all | rest_for_one | simple_one_for_one
    unsigned intensity = 0;
    std::uint64_t period_ms = 0;
    std::vector<child_stats> children;       ///< in start order
    std::vector<restart_record> restarts;    ///< the last 32, oldest first
    std::uint64_t restarts_total = 0;
};

/// A running (or ended) application: a named top-level supervisor.
struct application_stats {
    atom name;
    pid supervisor;
    bool running = false;
    term exit_reason;                        ///< why it ended, when it did
};

/// Node-wide figures.
struct system_stats {
    std::size_t process_count = 0;           ///< as node::process_count: probes and <0.0.0> included
    std::size_t process_limit = 0;
    std::size_t process_memory_bytes = 0;    ///< sum of process_stats::memory_bytes
    std::size_t atom_count = 0;
    std::uint64_t uptime_ms = 0;
    unsigned schedulers = 0;
    unsigned runaway_threads = 0;            ///< threads at idle priority running a runaway or zombie now
    unsigned dirty_threads = 0;              ///< 0 until run_dirty was first used
    std::uint64_t dirty_running = 0;         ///< dirty jobs running now
    std::uint64_t dirty_queued = 0;          ///< dirty jobs waiting for a thread
    std::uint64_t dirty_completed = 0;
};

} // namespace ember
