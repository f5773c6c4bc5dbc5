#pragma once
// The inside of a node: what every part of the runtime reaches through the
// process it runs. Sections: [members] [scheduling] [delivery] [thread state]

#include <array>
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ember/runtime/node.hpp"
#include "dirty/dirty_pool.hpp"
#include "otp/supervision_registry.hpp"
#include "process/process.hpp"
#include "process/process_table.hpp"
#include "scheduler/scheduler.hpp"
#include "timer/timer_service.hpp"

namespace ember::detail {

/// A FIFO of processes linked through process::next_runnable.
struct process_fifo {
    process* head = nullptr;
    process* tail = nullptr;
    void push(process* p) noexcept {
        p->next_runnable = nullptr;
        if (tail) tail->next_runnable = p;
        else head = p;
        tail = p;
    }
    process* pop() noexcept {
        process* p = head;
        if (p) {
            head = p->next_runnable;
            if (!head) tail = nullptr;
        }
        return p;
    }
};

class node_impl {
public:
    explicit node_impl(const node_options& options);
    ~node_impl();

    void start();
    void stop();

    // [members] -------------------------------------------------------------
    node_options options;
    process_table table;
    timer_service timers;
    supervision_registry supervision;
    std::atomic<bool> stopping{false};

    // [schedulers] ------------------------------------------------------------
    // Scheduler objects outlive their threads. `slot(i)` is the i-th of the
    // node's schedulers as the tools show them; when a runaway holds one,
    // a fresh object takes the slot and the old one is retired (its thread
    // keeps running the runaway at idle priority). Every object ever made
    // stays in the table below, stealable, until the node ends; retired
    // objects whose thread has ended are reused.
    static constexpr unsigned max_scheduler_objects = 256;
    scheduler* slot(unsigned i) const noexcept { return slots_[i].load(std::memory_order_acquire); }
    unsigned slot_count() const noexcept { return options.schedulers; }
    /// Threads handed to a runaway and not ended yet (the tools show it).
    std::atomic<unsigned> runaway_threads{0};
    template <class F>
    void for_each_scheduler(F&& f) const {
        const unsigned n = object_count_.load(std::memory_order_acquire);
        for (unsigned i = 0; i < n; ++i) f(objects_[i].load(std::memory_order_acquire));
    }
    /// The coarse clock at start: process start times count from here.
    const std::int64_t coarse_epoch_ns;

    // [scheduling] ----------------------------------------------------------
    /// Makes a parked or new process runnable, from any thread.
    void schedule(process* p);
    /// Global queues, for work from outside scheduler threads, overflow,
    /// and high and low priority.
    void push_global(process* p);
    void push_global_batch(process* const* batch, std::uint32_t n); // normal priority
    process* pop_global(priority prio);
    std::uint32_t pop_global_batch(process** out, std::uint32_t max); // normal priority
    bool global_empty() const noexcept { return global_count_.load(std::memory_order_acquire) == 0; }
    std::size_t global_count(priority prio) const noexcept { return per_prio_count_[static_cast<int>(prio)].load(std::memory_order_relaxed); }
    /// Wakes one sleeping scheduler if none is looking for work already.
    void wake_one();
    /// Parking protocol: a scheduler announces itself idle, re-checks for
    /// work, then sleeps; a pusher publishes work, then looks for sleepers.
    void enter_idle(scheduler* s);
    bool leave_idle(scheduler* s); // false when a waker already took it off the list
    std::atomic<int> spinning{0};

    // [delivery] ------------------------------------------------------------
    /// Pushes `e` into the inbox of (index, serial); frees it and returns
    /// false when that process is dead. Wakes it when it was parked. Sends
    /// the calling thread's outbox first, so order per pair holds.
    bool deliver(std::uint32_t index, std::uint32_t serial, envelope* e);
    /// Pushes a chain of `messages` message envelopes (newest first).
    bool deliver_chain(std::uint32_t index, std::uint32_t serial, envelope* newest, envelope* oldest, std::uint32_t messages);
    bool deliver(const pid& to, envelope* e);
    void wake(process* p);

    // Registry of names.
    bool register_name(atom name, process* p);
    bool unregister_name(atom name);
    void unregister_process(process* p);
    std::optional<pid> whereis(atom name) const;

    std::int64_t now_ns() const { return timers.now_ns(); }

    /// The dirty pool, started on first call (thread-safe).
    dirty_pool& dirty();
    /// The pool if it was started, else null.
    const dirty_pool* dirty_if_started() const noexcept { return dirty_started_.load(std::memory_order_acquire); }

    /// Deterministic mode: runs on the calling thread until nothing is
    /// runnable, moving virtual time to timers up to now + horizon_ns.
    std::size_t run_until_idle(std::int64_t horizon_ns);

    /// The node itself as a sender (<0.0.0>): exit signals from outside any
    /// process come from it. Its inbox is closed: nothing can reach it.
    process* node_process() const noexcept { return node_process_; }

    // [runaways] ------------------------------------------------------------------
    /// Events the tools show (long_schedule, ...), newest last, at most 1024.
    std::vector<runtime_event> events() const;
    void record_event(const runtime_event& e);
    /// A scheduler's thread woke up or went to sleep: the watchdog only
    /// runs while some scheduler is awake, so an idle node stays idle.
    void scheduler_awake(bool awake) noexcept;
    /// Makes `target`, a runaway, dead to the node at once (exit(Pid, kill)
    /// on a process that never reaches a checkpoint). False when it is no
    /// runaway (then the kill is an ordinary signal).
    bool kill_runaway(process* target);
    /// Owner side, after its mailbox or frames grew: raises
    /// long_message_queue / large_memory events for thresholds crossed.
    void watch_growth(process* p) {
        const std::uint64_t queue_limit = options.long_message_queue;
        const std::size_t memory_limit = options.large_memory_bytes;
        if ((queue_limit && p->mailbox_length() >= queue_limit) || (memory_limit && p->memory_bytes() >= memory_limit)) [[unlikely]]
            raise_growth_alarms(p);
    }
    /// Owner side: rearms alarms whose figure fell below half its threshold.
    void rearm_alarms(process* p);

private:
    scheduler* make_scheduler(unsigned id);
    void start_thread(scheduler* s);
    void watchdog_loop();
    void raise_growth_alarms(process* p);
    void take_over(unsigned slot, scheduler* held, process* runaway, std::int64_t ran_ns);

    std::unique_ptr<std::atomic<scheduler*>[]> slots_;
    std::array<std::atomic<scheduler*>, max_scheduler_objects> objects_{};
    std::atomic<unsigned> object_count_{0};
    std::vector<std::unique_ptr<scheduler>> owned_; // guarded by threads_mutex_
    std::mutex threads_mutex_;
    std::vector<std::thread> threads_;
    std::thread watchdog_;
    std::atomic<int> awake_{0};

    std::mutex dirty_mutex_;
    std::unique_ptr<dirty_pool> dirty_;
    std::atomic<dirty_pool*> dirty_started_{nullptr};

    mutable std::mutex events_mutex_;
    std::deque<runtime_event> events_;

    process* node_process_ = nullptr;
    mutable std::mutex global_mutex_;
    process_fifo global_[3];
    std::atomic<std::size_t> global_count_{0};
    std::atomic<std::size_t> per_prio_count_[3]{};

    std::mutex idle_mutex_;
    std::vector<scheduler*> idle_;
    std::atomic<int> idle_count_{0};

    mutable std::mutex registry_mutex_;
    std::unordered_map<std::uint32_t, pid> names_;
};

// [thread state] ---------------------------------------------------------------

/// Messages a running process sent to one receiver and that are not
/// delivered yet: consecutive sends to the same pid are chained here and
/// pushed with one compare-exchange when the process sends elsewhere,
/// receives, reaches a checkpoint or exits. Fan-in then costs one atomic
/// operation per batch instead of two per message; per-pair order and
/// "delivered by the time the sender waits" both hold.
struct outbox {
    std::uint32_t index = 0;
    std::uint32_t serial = 0;
    envelope* newest = nullptr; // the chain runs newest to oldest, as the inbox stack does
    envelope* oldest = nullptr;
    std::uint32_t count = 0;
    node_impl* node = nullptr;
};

/// What the current thread is doing. Read only through these out-of-line
/// functions: Clang may cache the address of a thread_local across a
/// co_await, and a process can resume on another thread.
struct thread_state {
    outbox out;
    node_impl* node = nullptr;
    scheduler* sched = nullptr;
    process* current = nullptr;
    process* frame_owner = nullptr; // a process being spawned: its frame is charged to it
    run_outcome outcome = run_outcome::finished;
    std::int64_t run_started_ns = 0;
};
[[gnu::noinline]] thread_state& this_thread_state() noexcept;

/// Makes this thread act for `node` (and optionally as `current`) for a
/// scope, then restores what it was: for code that runs process-side work
/// outside a scheduler loop (probes, teardown, deterministic runs). Sends
/// made meanwhile are delivered before the scope ends.
class thread_role {
public:
    thread_role(node_impl* node, scheduler* sched, process* current) : ts_(this_thread_state()), saved_{ts_.node, ts_.sched, ts_.current} {
        ts_.node = node;
        ts_.sched = sched;
        ts_.current = current;
    }
    ~thread_role();
    thread_role(const thread_role&) = delete;
    thread_role& operator=(const thread_role&) = delete;
    void act_as(process* current) noexcept { ts_.current = current; }

private:
    thread_state& ts_;
    struct {
        node_impl* node;
        scheduler* sched;
        process* current;
    } saved_;
};
/// The running process; asserts that there is one.
process& running_process() noexcept;

/// Adds a message for `to` to the thread's outbox (see outbox).
void post(node_impl& n, const pid& to, term message);
/// Delivers the thread's outbox, if it holds anything.
void flush_outbox() noexcept;

/// Runs when a process's coroutine has finished or been unwound: signals
/// links and monitors, frees its name and its block.
void finish_process(process* p, scheduler* s);
/// Takes everything in the inbox into the private queue, handling signals.
void drain_inbox(process* p);
/// Closes the inbox for good (senders now see a dead process) and empties
/// the mailbox. Link and monitor requests that came before are recorded, so
/// the exit's signals reach those senders too.
void close_mailbox(process* p);
/// Looks for a match for `st` in the private queue, from where the last
/// look stopped. On a match, removes it into st.result.
bool scan_queue(process* p, receive_state& st);
/// The receive a woken process waits in: re-checks it. True when the
/// process must resume (a match, a timeout, or an exit to take).
bool recheck_wait(process* p);
/// Reply tags of `p` (see ember::open_reply_tag); owner side. Closing one
/// also removes a reply to it that is queued already.
void open_reply_tag(process* p, const term& tag);
void close_reply_tag(process* p, const term& tag);
/// Parks `p` (its inbox becomes `parked`); false when messages arrived
/// first and the caller must look again.
bool try_park(process* p);

} // namespace ember::detail
