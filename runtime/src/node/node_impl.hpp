#pragma once
// The inside of a node: what every part of the runtime reaches through the
// process it runs. Nothing outside runtime/src sees it: ember::node holds
// one and reaches it through node_access; the OTP layer sees only
// otp/node_services.hpp. Per-thread state is in process/thread_state.hpp,
// the owner's mailbox operations in process/mailbox.hpp.
// Sections: [parts] [schedulers] [scheduling] [delivery] [runaways]

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
#include "process/thread_state.hpp"
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

    // [parts] ---------------------------------------------------------------
    /// The options as given, with schedulers resolved (never 0). Any thread.
    const node_options& options() const noexcept { return options_; }
    process_table& table() noexcept { return table_; }
    const process_table& table() const noexcept { return table_; }
    timer_service& timers() noexcept { return timers_; }
    supervision_registry& supervision() noexcept { return supervision_; }
    /// stop() has begun: no new spawns, schedulers leave their loops.
    bool stopping() const noexcept { return stopping_.load(std::memory_order_acquire); }
    /// stop() has ended: every scheduler thread is joined, so no process
    /// code runs any more (a thread waiting for one gives up).
    bool stopped() const noexcept { return stopped_.load(std::memory_order_acquire); }

    // [schedulers] ------------------------------------------------------------
    // Scheduler objects outlive their threads. `slot(i)` is the i-th of the
    // node's schedulers as the tools show them; when a runaway holds one,
    // a fresh object takes the slot and the old one is retired (its thread
    // keeps running the runaway at idle priority). Every object ever made
    // stays in the table below, stealable, until the node ends; retired
    // objects whose thread has ended are reused.
    static constexpr unsigned max_scheduler_objects = 256;
    static_assert(max_scheduler_objects <= process_table::max_caches, "each scheduler object has a free cache the table makes room for");
    scheduler* slot(unsigned i) const noexcept { return slots_[i].load(std::memory_order_acquire); }
    unsigned slot_count() const noexcept { return options_.schedulers; }
    /// Threads handed to a runaway and not ended yet (the tools show it).
    unsigned runaway_threads() const noexcept { return runaway_threads_.load(std::memory_order_relaxed); }
    /// A retired scheduler's thread ended its runaway's run and exits.
    void runaway_thread_ended() noexcept { runaway_threads_.fetch_sub(1, std::memory_order_relaxed); }
    template <class F>
    void for_each_scheduler(F&& f) const {
        const unsigned n = object_count_.load(std::memory_order_acquire);
        for (unsigned i = 0; i < n; ++i) f(objects_[i].load(std::memory_order_acquire));
    }
    /// The coarse clock at start: process start times count from here.
    std::int64_t coarse_epoch_ns() const noexcept { return coarse_epoch_ns_; }

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
    /// A scheduler looks for work without sleeping: wake_one leaves the
    /// sleepers alone meanwhile.
    void spinning_begins() noexcept { spinning_.fetch_add(1, std::memory_order_acq_rel); }
    void spinning_ends() noexcept { spinning_.fetch_sub(1, std::memory_order_acq_rel); }

    // [delivery] ------------------------------------------------------------
    /// Pushes `e` into the inbox of (index, serial); frees it and returns
    /// false when that process is dead. Wakes it when it was parked. Sends
    /// the calling thread's outbox first, so order per pair holds.
    bool deliver(std::uint32_t index, std::uint32_t serial, envelope* e);
    /// Pushes a chain of `messages` message envelopes (newest first).
    bool deliver_chain(std::uint32_t index, std::uint32_t serial, envelope* newest, envelope* oldest, std::uint32_t messages);
    bool deliver(const pid& to, envelope* e);
    void wake(process* p);

    // Message tracing (node::trace): the table of tracers, looked at only
    // for a process whose `traced` flag is set.
    void set_tracer(process* p, std::uint32_t serial, std::shared_ptr<message_tracer> tracer, bool* ok);
    void clear_tracer(process* p, const message_tracer* which);
    /// Sender side: `from` (a pid's index and serial) sent `message` to `to`.
    void trace_message(const pid& from, const pid& to, const term& message, const process* traced);
    [[gnu::cold, gnu::noinline]] void trace_chain(process* p, std::uint32_t index, std::uint32_t serial, envelope* newest, envelope* oldest, std::uint32_t messages);

    // Registry of names.
    bool register_name(atom name, process* p);
    bool unregister_name(atom name);
    void unregister_process(process* p);
    std::optional<pid> whereis(atom name) const;

    std::int64_t now_ns() const { return timers_.now_ns(); }

    /// The dirty pool, started on first call (thread-safe).
    dirty_pool& dirty();
    /// The pool if it was started, else null.
    const dirty_pool* dirty_if_started() const noexcept { return dirty_started_.load(std::memory_order_acquire); }

    /// Deterministic mode: runs on the calling thread until nothing is
    /// runnable, moving virtual time to timers up to now + horizon_ns.
    std::size_t run_until_idle(std::int64_t horizon_ns);
    /// The same up to the virtual time `limit_ns`, stopping early when
    /// `watch` (a probe waiting on this thread) has something in its inbox.
    struct run_report {
        std::size_t runs = 0;
        bool watched_woke = false;
    };
    run_report run_until(std::int64_t limit_ns, const process* watch);

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
        const std::uint64_t queue_limit = options_.long_message_queue;
        const std::size_t memory_limit = options_.large_memory_bytes;
        if ((queue_limit && p->mailbox_length() >= queue_limit) || (memory_limit && p->memory_bytes() >= memory_limit)) [[unlikely]]
            raise_growth_alarms(p);
    }
    /// Owner side: rearms alarms whose figure fell below half its threshold.
    void rearm_alarms(process* p);

private:
    node_options options_;
    process_table table_;
    timer_service timers_;
    supervision_registry supervision_;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> stopped_{false};
    std::atomic<unsigned> runaway_threads_{0};
    const std::int64_t coarse_epoch_ns_;
    std::atomic<int> spinning_{0};
    std::mutex trace_mutex_;
    std::unordered_map<std::uint32_t, std::pair<std::uint32_t, std::shared_ptr<message_tracer>>> tracers_; // index -> serial, tracer

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

} // namespace ember::detail
