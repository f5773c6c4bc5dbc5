#pragma once
// A node: the schedulers, the process table, the timers and the registry.
// Start one, spawn processes into it, and watch it through its stats:
//
//   ember::node n({.schedulers = 2});
//   ember::pid p = n.spawn(echo);
//   n.send(p, ember::make_tuple(...));
//
// All members are thread-safe unless they say otherwise. A node may be
// driven from any thread; processes run on its scheduler threads.
//
// Sections: [options] [spawning] [observing and control] [node] [probe]

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ember/runtime/coroutine.hpp"
#include "ember/runtime/export.hpp"
#include "ember/runtime/process.hpp"
#include "ember/runtime/stats.hpp"

namespace ember {

// [options] ---------------------------------------------------------------

struct node_options {
    /// Scheduler threads; 0 means one per online core.
    unsigned schedulers = 0;
    /// One scheduler on the calling thread, driven by run_until_idle(), and
    /// a virtual clock: processes run in an exact, repeatable order. For
    /// tests of semantics.
    bool deterministic = false;
    /// Most processes alive at once (spawn fails past it).
    std::size_t process_limit = std::size_t{1} << 22;
    /// Reductions in one time slice (as BEAM's 4000).
    std::int32_t slice_reductions = 4000;
    /// A process that runs this long without reaching a checkpoint is a
    /// runaway: its thread is left to it at idle priority and a fresh thread
    /// takes over its scheduler (see docs/runtime.md).
    std::chrono::milliseconds runaway_threshold{10};
    /// A long_message_queue event when a mailbox holds this many messages
    /// (0: never).
    std::uint64_t long_message_queue = 10'000;
    /// A large_memory event when a process's memory (frames and queued
    /// messages, as process_stats counts it) reaches this (0: never).
    std::size_t large_memory_bytes = std::size_t{64} << 20;
    /// A restart_limit_near event when a supervisor's restart leaves it this
    /// many restarts or fewer before it gives up (0: when the next crash in
    /// the period would end it).
    unsigned restart_limit_margin = 0;
    /// Threads of the dirty pool (run_dirty); 0 means as many as schedulers.
    /// Started on first use.
    unsigned dirty_threads = 0;
};

namespace detail {
class node_impl;
struct node_access;
struct process;

struct spawned {
    pid id;
    reference monitor; // set when spawn_options::monitor
};

// The three steps of a spawn; spawn_in() below strings them together.
EMBER_RUNTIME_EXPORT expected<process*, spawn_error> begin_spawn(node_impl& n, const spawn_options& o);
EMBER_RUNTIME_EXPORT spawned finish_spawn(node_impl& n, process* p, std::coroutine_handle<process_task::promise_type> h, const spawn_options& o);
EMBER_RUNTIME_EXPORT void abort_spawn(node_impl& n, process* p) noexcept;
/// The node of the running process (asserts inside a process).
EMBER_RUNTIME_EXPORT node_impl& current_node();

template <class F, class... Args>
expected<spawned, spawn_error> spawn_in(node_impl& n, const spawn_options& o, F&& fn, Args&&... args) {
    auto p = begin_spawn(n, o);
    if (!p) return unexpected(p.error());
    try {
        process_task t = std::invoke(std::forward<F>(fn), std::forward<Args>(args)...);
        return finish_spawn(n, *p, t.release(), o);
    } catch (...) {
        abort_spawn(n, *p);
        throw;
    }
}

template <class F, class... Args>
spawned spawn_or_throw(node_impl& n, const spawn_options& o, F&& fn, Args&&... args) {
    auto r = spawn_in(n, o, std::forward<F>(fn), std::forward<Args>(args)...);
    if (!r) throw spawn_failure(r.error());
    return *r;
}
} // namespace detail

// [spawning] (from inside a process) -----------------------------------------

/// Starts `fn(args...)` as a new process on the running process's node.
/// Throws spawn_failure at the process limit.
template <class F, class... Args>
pid spawn(F&& fn, Args&&... args) {
    return detail::spawn_or_throw(detail::current_node(), {}, std::forward<F>(fn), std::forward<Args>(args)...).id;
}

/// spawn, linked to the caller before the new process runs.
template <class F, class... Args>
pid spawn_link(F&& fn, Args&&... args) {
    return detail::spawn_or_throw(detail::current_node(), {.link = true}, std::forward<F>(fn), std::forward<Args>(args)...).id;
}

/// spawn, monitored by the caller before the new process runs.
template <class F, class... Args>
std::pair<pid, reference> spawn_monitor(F&& fn, Args&&... args) {
    auto s = detail::spawn_or_throw(detail::current_node(), {.monitor = true}, std::forward<F>(fn), std::forward<Args>(args)...);
    return {s.id, s.monitor};
}

/// spawn with options; errors (process limit, name taken) as values.
template <class F, class... Args>
expected<pid, spawn_error> spawn_opt(const spawn_options& o, F&& fn, Args&&... args) {
    auto s = detail::spawn_in(detail::current_node(), o, std::forward<F>(fn), std::forward<Args>(args)...);
    if (!s) return unexpected(s.error());
    return s->id;
}

// [observing and control] -----------------------------------------------------

enum class call_errc {
    noproc,  ///< no such process (dead, or no process has the name)
    timeout, ///< no reply in time; a late reply is dropped, never queued
    exited,  ///< the server exited before replying; reason says why
    refused, ///< a system request the process declined; reason says why
    calling_self, ///< the target is the caller itself (by pid or name): it fails at once, reason calling_self
};

/// Why a call or a system request got no reply.
struct call_error {
    call_errc code;
    term reason; ///< noproc, timeout, or the server's exit reason
    /// "noproc", "timeout", "exited: <reason>" or "refused: <reason>".
    EMBER_RUNTIME_EXPORT std::string message() const;
};

/// What a visitor of node::visit_processes says after each process.
enum class visit_next : std::uint8_t { go_on, stop };

/// Bounds of one visit: where to start and how much to look at, so a tool
/// can walk a million processes in chunks and never hold a scheduler's
/// worth of time (Erlang's observer_backend sends its lists in chunks too).
struct visit_options {
    /// The first control block to look at: 0, or a previous visit's `next`.
    std::uint32_t from = 0;
    /// Control blocks to look at, at most (dead and free ones count too:
    /// this bounds the work, not the answer).
    std::size_t max_blocks = std::numeric_limits<std::size_t>::max();
    /// Stop after this much time (looked at every 1024 blocks).
    std::chrono::nanoseconds max_time = std::chrono::nanoseconds::max();
};

struct visit_result {
    std::size_t visited = 0;  ///< processes passed to the visitor
    std::uint32_t next = 0;   ///< the `from` of the visit that goes on from here
    bool complete = false;    ///< every block to the end of the table was looked at
    bool stopped = false;     ///< the visitor said stop
};

/// What node::peek_mailbox saw.
struct mailbox_peek {
    std::uint64_t length = 0;   ///< messages queued (delivered, not yet received) when the peek was answered
    std::vector<term> first;    ///< the oldest of them, at most the number asked for, oldest first
};

/// Sees the messages one traced process sends and is sent (node::trace).
class message_tracer {
public:
    virtual ~message_tracer() = default;
    /// `from` sent `message` to `to`; one of the two is the traced process
    /// (a message from outside any process comes from <0.0.0>). Called on
    /// the sender's thread as it sends: it must be quick, must not block and
    /// must not call into the node.
    virtual void on_message(const pid& from, const pid& to, const term& message) noexcept = 0;
    /// The trace ended: the process exited, or untrace or another trace
    /// replaced it. A send already in flight may still call on_message.
    virtual void on_end() noexcept {}
};

namespace detail {
using visit_fn = visit_next (*)(void* context, const process_stats& p);
template <class Visit>
visit_next call_visit(void* context, const process_stats& p) {
    auto& visit = *static_cast<Visit*>(context);
    if constexpr (std::is_void_v<decltype(visit(p))>) {
        visit(p);
        return visit_next::go_on;
    } else {
        return visit(p);
    }
}
} // namespace detail

// [node] --------------------------------------------------------------------

class node {
public:
    /// Starts the scheduler threads (none in deterministic mode).
    EMBER_RUNTIME_EXPORT explicit node(node_options options = {});
    /// Stops the schedulers, then destroys every process still alive
    /// (their destructors run; no exit signals are sent).
    EMBER_RUNTIME_EXPORT ~node();
    node(const node&) = delete;
    node& operator=(const node&) = delete;

    /// Starts `fn(args...)` as a top-level process. Throws spawn_failure.
    template <class F, class... Args>
    pid spawn(F&& fn, Args&&... args) {
        return detail::spawn_or_throw(*impl_, {}, std::forward<F>(fn), std::forward<Args>(args)...).id;
    }
    template <class F, class... Args>
    expected<pid, spawn_error> spawn_opt(const spawn_options& o, F&& fn, Args&&... args) {
        spawn_options top = o;
        top.link = top.monitor = false; // no spawning process to link to
        auto s = detail::spawn_in(*impl_, top, std::forward<F>(fn), std::forward<Args>(args)...);
        if (!s) return unexpected(s.error());
        return s->id;
    }

    /// As ember::send, from any thread.
    EMBER_RUNTIME_EXPORT void send(const pid& to, term message);
    EMBER_RUNTIME_EXPORT bool send(atom registered_name, term message);
    /// As ember::exit(pid, reason), from any thread.
    EMBER_RUNTIME_EXPORT void exit(const pid& target, term reason);
    EMBER_RUNTIME_EXPORT std::optional<pid> whereis(atom name) const;
    EMBER_RUNTIME_EXPORT bool is_alive(const pid& p) const;

    /// Deterministic mode only: runs processes in FIFO order on this thread
    /// until none is runnable, moving the virtual clock to each next timer
    /// up to `horizon` from now. Returns how many process runs it made.
    EMBER_RUNTIME_EXPORT std::size_t run_until_idle(std::chrono::milliseconds horizon = std::chrono::hours(24 * 365));

    // --- observation (lock-free reads; see stats.hpp) ---
    /// Process blocks in use now, as erlang:system_info(process_count): the
    /// node's own <0.0.0> and each probe count too, though for_each_process
    /// lists only scheduled processes. O(1); system() scans for memory.
    EMBER_RUNTIME_EXPORT std::size_t process_count() const;
    EMBER_RUNTIME_EXPORT system_stats system() const;
    /// system() without the scan: process_memory_bytes is 0. O(1), for a
    /// tool that scans the processes anyway (the query engine's sampler).
    EMBER_RUNTIME_EXPORT system_stats system_counts() const;
    EMBER_RUNTIME_EXPORT std::vector<scheduler_stats> schedulers() const;
    /// Calls `visit` for every live process. Runs on the caller's thread
    /// while the node keeps running.
    EMBER_RUNTIME_EXPORT void for_each_process(const std::function<void(const process_stats&)>& visit) const;
    /// Calls `visit(const process_stats&)` for live processes in pid-index
    /// order from `o.from`, within the options' bounds; `visit` may return
    /// visit_next::stop to end early (or void to go on). No allocation, no
    /// lock: a million processes cost one scan. Any thread.
    template <class Visit>
    visit_result visit_processes(Visit&& visit, const visit_options& o = {}) const {
        return visit_processes_with(&detail::call_visit<std::remove_reference_t<Visit>>, &visit, o);
    }
    EMBER_RUNTIME_EXPORT std::optional<process_details> process_info(const pid& p) const;
    /// A live supervisor's children and restart history, as it last
    /// published them; nullopt when `p` is no live supervisor.
    EMBER_RUNTIME_EXPORT std::optional<supervisor_stats> supervisor_info(const pid& p) const;
    /// Every live supervisor.
    EMBER_RUNTIME_EXPORT std::vector<pid> supervisors() const;
    /// Applications started on this node (application.hpp), running or ended.
    EMBER_RUNTIME_EXPORT std::vector<application_stats> applications() const;
    /// Recent events (long_schedule, ...), oldest first, at most 1024.
    EMBER_RUNTIME_EXPORT std::vector<runtime_event> events() const;

    // --- control from outside (any thread but a process's; each waits) ---
    /// Suspends `p`: a behaviour (gen_server, supervisor) through
    /// sys::suspend, so it still answers sys requests; any other process is
    /// held: not run until resume, though messages still queue and a kill
    /// still ends it. A hold takes effect when `p` next leaves its thread (at
    /// once if it waits). Errors: noproc, timeout (a behaviour that did not
    /// answer), refused (a probe, or what sys said); a zombie is noproc.
    EMBER_RUNTIME_EXPORT expected<void, call_error> suspend(const pid& p, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
    /// Undoes suspend. Errors as suspend's; refused(not_suspended) when it
    /// was not suspended.
    EMBER_RUNTIME_EXPORT expected<void, call_error> resume(const pid& p, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
    /// The first `max_messages` (at most 1000) messages queued for `p` and
    /// how many there are, never the whole queue. `p` answers it itself the
    /// next time it takes in its mailbox (a receive, a checkpoint with
    /// something queued, or a wake-up), so a process that runs without a
    /// checkpoint gives timeout; a dead one gives noproc. A held process
    /// answers (its signals are still taken in).
    EMBER_RUNTIME_EXPORT expected<mailbox_peek, call_error> peek_mailbox(const pid& p, std::size_t max_messages,
                                                                         std::chrono::milliseconds timeout = std::chrono::milliseconds(1000));

    /// Traces the messages `p` sends and is sent into `tracer` until `p`
    /// exits or untrace (a later trace of `p` replaces this one). Untraced
    /// processes pay one relaxed load per send for this. False when `p` is
    /// not alive. Any thread.
    EMBER_RUNTIME_EXPORT bool trace(const pid& p, std::shared_ptr<message_tracer> tracer);
    /// Ends `p`'s trace if `tracer` (or any, when null) is the one tracing it.
    EMBER_RUNTIME_EXPORT void untrace(const pid& p, const message_tracer* tracer = nullptr);

    /// Stops the schedulers (idempotent). Processes stay until destruction.
    EMBER_RUNTIME_EXPORT void stop();

private:
    friend struct detail::node_access; // the runtime's own sources only
    EMBER_RUNTIME_EXPORT visit_result visit_processes_with(detail::visit_fn visit, void* context, const visit_options& o) const;
    std::unique_ptr<detail::node_impl> impl_;
};

// [probe] -------------------------------------------------------------------

/// A mailbox with a pid for a thread that is not a process (a test, the
/// agent): processes can send to it, link to it and monitor it, and it can
/// receive by blocking its thread. One thread uses a probe at a time.
/// A thread cannot be killed, so exit signals reach a probe as
/// {'EXIT', From, Reason} messages. Destroying it is a normal exit: linked
/// and monitoring processes are told.
class probe {
public:
    EMBER_RUNTIME_EXPORT explicit probe(node& n);
    EMBER_RUNTIME_EXPORT ~probe();
    probe(const probe&) = delete;
    probe& operator=(const probe&) = delete;

    EMBER_RUNTIME_EXPORT pid self() const;
    EMBER_RUNTIME_EXPORT std::optional<pid> whereis(atom name) const;
    /// The next message, or nullopt after `timeout` (in deterministic mode
    /// the node is run until idle instead of waiting).
    EMBER_RUNTIME_EXPORT std::optional<term> receive(std::chrono::milliseconds timeout);
    template <class Match>
    std::optional<term> receive(Match match, std::chrono::milliseconds timeout) {
        return receive_matching(&detail::call_match<Match>, &match, timeout);
    }
    EMBER_RUNTIME_EXPORT void send(const pid& to, term message);
    EMBER_RUNTIME_EXPORT void link(const pid& other);
    EMBER_RUNTIME_EXPORT reference monitor(const pid& other);
    EMBER_RUNTIME_EXPORT void demonitor(const reference& ref, bool flush = false);
    /// As ember::open_reply_tag and close_reply_tag, for this probe.
    EMBER_RUNTIME_EXPORT void open_reply_tag(const reference& tag);
    EMBER_RUNTIME_EXPORT void close_reply_tag(const reference& tag);

private:
    EMBER_RUNTIME_EXPORT std::optional<term> receive_matching(detail::match_fn match, const void* context, std::chrono::milliseconds timeout);
    detail::node_impl* node_;
    detail::process* process_;
};

} // namespace ember
