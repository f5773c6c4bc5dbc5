#pragma once
// One scheduler: a run queue, a LIFO slot, counters, and the loop a thread
// runs over them. The scheduler is an object, not a thread, so that when a
// runaway keeps its thread, a fresh thread takes over a fresh object in the
// same slot (node_impl::take_over) while the old one retires with it.

#include <atomic>
#include <cstdint>
#include <vector>

#include "ember/runtime/stats.hpp"
#include "process/process.hpp"
#include "scheduler/run_queue.hpp"

namespace ember::detail {

class node_impl;

class scheduler {
public:
    scheduler(node_impl& node, unsigned id) : node_(node), id_(id) {}

    /// The thread body: runs processes until the node stops.
    void run_loop();
    /// Deterministic mode: runs what is runnable, FIFO, until nothing is or
    /// `watch` (a probe waiting on this thread) has something in its inbox;
    /// returns runs made.
    std::size_t run_ready(const process* watch = nullptr);

    /// Makes `p` runnable here; only this scheduler's own thread calls it.
    /// `next` puts it in the LIFO slot (a woken receiver runs right after
    /// the sender: ping-pong latency).
    void push_local(process* p, bool next);

    /// Any thread: takes half of this queue into `out`.
    std::uint32_t steal_into(process** out) { return queue_.steal_half(out); }

    /// Any thread: wakes this scheduler if it sleeps.
    void unpark();

    scheduler_stats stats() const;
    unsigned id() const noexcept { return id_; }
    bool has_local_work() const noexcept { return queue_.size() > 0 || lifo_.load(std::memory_order_relaxed); }

    // --- runaways (read by the watchdog thread) ---
    /// The process this scheduler is running now, or nullptr.
    process* running() const noexcept { return running_.load(std::memory_order_acquire); }
    /// When the current run started (fast_now_ns).
    std::int64_t run_started_ns() const noexcept { return run_started_ns_.load(std::memory_order_acquire); }
    /// Watchdog: this object's thread now belongs to the runaway it runs.
    /// The thread drops to idle priority; when the runaway reaches a
    /// checkpoint the thread hands its leftovers to the global queue and ends.
    void retire();
    bool retired() const noexcept { return retired_.load(std::memory_order_acquire); }
    /// Retired and its thread has ended: may serve again.
    bool reusable() const noexcept { return thread_done_.load(std::memory_order_acquire); }
    void reset(unsigned id);

    std::vector<process*> free_cache; // process blocks for spawns on this thread

private:
    process* next_process();
    process* steal();
    process* refill_from_global();
    void run(process* p);
    void park();
    void hand_back_leftovers();

    node_impl& node_;
    unsigned id_;
    run_queue queue_;
    // Atomic only so that others can empty the slot of a retired scheduler;
    // its owner's use is uncontended.
    std::atomic<process*> lifo_{nullptr};
    std::atomic<process*> running_{nullptr};
    std::atomic<std::int64_t> run_started_ns_{0};
    std::atomic<bool> retired_{false};
    std::atomic<bool> thread_done_{false};
    std::atomic<int> thread_id_{0};
    unsigned lifo_streak_ = 0;
    std::uint64_t tick_ = 0;
    process* last_run_ = nullptr;
    std::atomic<std::uint32_t> wake_word_{0};

    owner_counter busy_ns_, idle_ns_, processes_run_, context_switches_, steals_, parks_;

public:
    /// The counts of the processes that ended on this scheduler, added when
    /// each ends (finish_process): with the live processes' own counts, the
    /// node's totals, at no cost per message or per run.
    owner_counter exited_reductions, exited_messages_sent;
    std::int64_t busy_since_ = 0;
};

} // namespace ember::detail
