#pragma once
// The one query/control engine over a live node, in-process. Every front
// door stands on it: the agent (TCP), the SSH shell and, through the agent
// and the client, ember-ctl and the Observer.
//
//   ember::node n;
//   ember::query::engine q(n);                       // starts its sampler thread
//   auto page = q.processes({.sort = protocol::process_sort::memory, .limit = 20});
//   auto info = q.process_info(page.rows[0].pid);   // expected<process_info_reply, error_reason>
//
// Cost model: a page of the process table is one lock-free scan
// (node::visit_processes) into a bounded heap of offset+limit rows, never a
// million rows; the scan stops at the time budget and says so (`cut`). The
// sampler (once a second) keeps node-wide rates, the history rings (fixed
// memory: 600 samples at 1 s, 1440 at 1 min), and the warnings. Per-process
// rates need a per-process snapshot (20 bytes a process); the sampler keeps
// one only while somebody sorts by a rate (for a minute after the last such
// query), so an unwatched node pays nothing for it.
//
// Thread-safety: every member may be called from any thread but a
// process's (they wait for the node), concurrently. Errors are
// protocol::error_reason values: noproc, timeout, refused, bad_request, ...
//
// Sections: [options] [engine] [tracing] [dispatch]

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ember/protocol/error_reason.hpp"
#include "ember/protocol/messages.hpp"
#include "ember/protocol/replies.hpp"
#include "ember/protocol/request.hpp"
#include "ember/query/export.hpp"
#include "ember/runtime/node.hpp"

namespace ember::query {

// [options] -----------------------------------------------------------------

struct engine_options {
    /// The sampler's period: rates, history rings and warnings.
    std::chrono::milliseconds sample_interval{1000};
    /// False: no sampler thread; call engine::sample() (tests drive time).
    bool sampler_thread = true;
    /// Longest scan of the process table for one query.
    std::chrono::milliseconds time_budget{250};
    /// Bytes of one printed term (a message, a state, an exit reason).
    std::size_t print_limit = 512;
    /// Messages shown by process_info.
    std::size_t mailbox_preview = 10;
    /// How long process_info waits for a mailbox peek and sys:get_state.
    std::chrono::milliseconds state_timeout{1000};
    /// mailbox_growing: the queue grew at every sample for this long and
    /// holds at least mailbox_growth_min messages.
    std::chrono::milliseconds mailbox_growth_for{5000};
    std::uint64_t mailbox_growth_min = 100;
    /// old_message: the oldest queued message waited this long.
    std::chrono::milliseconds old_message_after{5000};
    /// Most warnings kept (worst first by how long they hold).
    std::size_t max_warnings = 1000;
};

/// The series `{history, Names}` knows: per scheduler `utilization_N` and
/// `run_queue_N` (N from 0), and these.
inline constexpr std::string_view node_series[] = {"process_count", "memory", "reduction_rate", "message_rate", "events"};

/// `{history, Names}` resolution: `second` (1 s for 10 min) or `minute`
/// (1 min for 24 h).
enum class resolution : std::uint8_t { second, minute };

// [tracing] -----------------------------------------------------------------

/// A bounded message trace of one process: rows queue here until taken, at
/// most max_messages in all and max_rate a second (the rest counted in
/// `dropped`). The trace stops when it has given max_messages, when the
/// process ends, or when this object is destroyed (its subscriber went away).
class trace_session {
public:
    virtual ~trace_session() = default;
    /// Moves the rows queued so far into `out`. Any thread.
    virtual void take(std::vector<protocol::trace_row>& out) = 0;
    /// True once it stopped and every row was taken.
    virtual bool finished() const = 0;
};

// [engine] ------------------------------------------------------------------

class engine {
public:
    EMBER_QUERY_EXPORT explicit engine(node& target, engine_options options = {});
    /// Stops the sampler; ends every trace.
    EMBER_QUERY_EXPORT ~engine();
    engine(const engine&) = delete;
    engine& operator=(const engine&) = delete;

    EMBER_QUERY_EXPORT node& target() const noexcept;
    EMBER_QUERY_EXPORT const engine_options& options() const noexcept;

    // --- queries ---
    EMBER_QUERY_EXPORT protocol::processes_page processes(const protocol::processes_options& o);
    EMBER_QUERY_EXPORT expected<protocol::process_info_reply, protocol::error_reason> process_info(const pid& p);
    EMBER_QUERY_EXPORT std::vector<protocol::scheduler_row> schedulers();
    EMBER_QUERY_EXPORT protocol::system_info system();
    EMBER_QUERY_EXPORT std::vector<protocol::application_row> applications();
    /// Events with seq > after, oldest first (the runtime keeps the last 1024).
    EMBER_QUERY_EXPORT std::vector<protocol::event_row> events(std::uint64_t after = 0);
    /// Events seen so far by kind ("long_schedule" -> 3), for counters.
    EMBER_QUERY_EXPORT std::map<std::string, std::uint64_t> event_counts();
    /// What holds now, as of the last sample.
    EMBER_QUERY_EXPORT std::vector<protocol::warning_row> warnings();
    /// The named series; bad_request for an unknown name.
    EMBER_QUERY_EXPORT expected<std::vector<protocol::series>, protocol::error_reason> history(std::span<const atom> names,
                                                                                               resolution r = resolution::second);

    /// A process named by a pid, a registered name (atom or binary), or a
    /// pid's text ("<0.42.0>"); noproc when none lives, bad_request for
    /// another term.
    EMBER_QUERY_EXPORT expected<pid, protocol::error_reason> resolve(const term& who) const;

    // --- control (what needs admin is the caller's business) ---
    EMBER_QUERY_EXPORT expected<void, protocol::error_reason> kill(const pid& p);
    EMBER_QUERY_EXPORT expected<void, protocol::error_reason> exit(const pid& p, term reason);
    EMBER_QUERY_EXPORT expected<void, protocol::error_reason> suspend(const pid& p);
    EMBER_QUERY_EXPORT expected<void, protocol::error_reason> resume(const pid& p);
    EMBER_QUERY_EXPORT expected<void, protocol::error_reason> send(const pid& p, term message);
    EMBER_QUERY_EXPORT expected<std::shared_ptr<trace_session>, protocol::error_reason> trace(const pid& p,
                                                                                               const protocol::trace_options& o);

    /// One sampler tick now (what the sampler thread does every interval).
    EMBER_QUERY_EXPORT void sample();

    struct state; // engine.cpp

private:
    std::unique_ptr<state> state_;
};

// [dispatch] ----------------------------------------------------------------

/// The one dispatcher: a parsed request to its reply Value, for every kind
/// but the three a connection keeps state for (subscribe, unsubscribe,
/// trace), which answer bad_request here. Checks admin: a kind that
/// needs_admin on a read_only caller is {needs_admin, _}. Any thread.
EMBER_QUERY_EXPORT expected<term, protocol::error_reason> dispatch(engine& e, const protocol::parsed_request& request,
                                                                   protocol::access_level access);

/// Reads `{trace, Pid, Opts}`'s Opts: a map with max_messages and max_rate,
/// both optional. Any thread.
EMBER_QUERY_EXPORT expected<protocol::trace_options, protocol::error_reason> parse_trace_options(const term& opts);

} // namespace ember::query
