// The scheduler loop: pick, run, repeat; park when there is nothing to do.
//
// Order of picking (after Go's and BEAM's): high-priority work first; every
// 61st pick the global queue, so it cannot starve; the LIFO slot (a process
// just woken by the one that ran); the local queue; the global queue;
// low-priority work; stealing half of another scheduler's queue.

#include "scheduler/scheduler.hpp"

#include <cassert>

#include "node/node_impl.hpp"
#include "process/finish.hpp"
#include "process/mailbox.hpp"
#include "platform/fast_clock.hpp"
#include "platform/thread_priority.hpp"

namespace ember::detail {

namespace {
constexpr unsigned lifo_streak_limit = 32; // then the slot's process queues like others
// Spinning finds work that arrives within microseconds without a futex
// round trip, but a spinner reads other schedulers' queues and slows their
// owners; a few rounds are the balance measured with ember-bench spawn.
constexpr int spin_rounds = 16;
constexpr std::uint64_t low_turn = 8;
} // namespace

void scheduler::push_local(process* p, bool next) {
    if (retired_.load(std::memory_order_relaxed)) { // this thread runs a runaway now
        node_.push_global(p);
        return;
    }
    if (next) {
        p = lifo_.exchange(p, std::memory_order_acq_rel);
        if (!p) return; // the slot was empty: nobody to wake, the pair stays here
    }
    if (!queue_.push(p)) {
        // Full: half of the queue goes to the global queue in one locked
        // step (Go does the same).
        process* batch[run_queue::capacity / 2 + 1];
        const std::uint32_t n = queue_.pop_batch(batch, run_queue::capacity / 2);
        batch[n] = p;
        node_.push_global_batch(batch, n + 1);
        return;
    }
    node_.wake_one();
}

process* scheduler::next_process() {
    ++tick_;
    if (node_.global_count(priority::high) > 0)
        if (process* p = node_.pop_global(priority::high)) return p;
    if (tick_ % 61 == 0)
        if (process* p = node_.pop_global(priority::normal)) return p;
    // Low is not starvation: every low_turn-th pick takes a low process
    // first, so busy low processes get about 1/low_turn of a normal one's
    // share (the BEAM skips a low process a bounded number of times, then
    // runs it). One load of a counter when there are none.
    if (tick_ % low_turn == 0 && node_.global_count(priority::low) > 0)
        if (process* p = node_.pop_global(priority::low)) return p;
    if (lifo_.load(std::memory_order_relaxed)) {
        process* p = lifo_.exchange(nullptr, std::memory_order_acq_rel);
        if (p && (++lifo_streak_ <= lifo_streak_limit || queue_.size() == 0)) return p;
        if (p) push_local(p, false); // let the queue move
    }
    lifo_streak_ = 0;
    if (process* p = queue_.pop()) return p;
    if (process* p = refill_from_global()) return p;
    if (process* p = node_.pop_global(priority::low)) return p;
    return steal();
}

// Takes a share of the global queue into the local one (Go's globrunqget):
// one lock for many processes, and the rest of the share stays stealable.
process* scheduler::refill_from_global() {
    process* batch[run_queue::capacity / 2];
    const std::size_t share = node_.global_count(priority::normal) / node_.slot_count() + 1;
    const std::uint32_t n = node_.pop_global_batch(batch, static_cast<std::uint32_t>(std::min<std::size_t>(share, run_queue::capacity / 2)));
    for (std::uint32_t i = 1; i < n; ++i) queue_.push(batch[i]);
    return n ? batch[0] : nullptr;
}

process* scheduler::steal() {
    process* batch[run_queue::capacity / 2 + 1];
    process* found = nullptr;
    node_.for_each_scheduler([&](scheduler* victim) {
        if (found || victim == this) return;
        // A retired scheduler's thread is busy with its runaway: what it
        // left in its LIFO slot would wait for ever.
        if (victim->retired() && (found = victim->lifo_.exchange(nullptr, std::memory_order_acq_rel))) return;
        const std::uint32_t n = victim->steal_into(batch);
        if (n == 0) return;
        steals_.add(n);
        for (std::uint32_t k = 1; k < n; ++k) queue_.push(batch[k]);
        found = batch[0];
    });
    return found;
}

// node::suspend holds a process that is no behaviour: when its turn comes
// it is not run but parked, after its signals were taken in (a kill still
// ends it: then it runs, to unwind). True when it was parked on hold; false
// when it must run (resumed meanwhile, or an exit to take). The relation
// lock orders this against node::resume, which schedules it only if it
// finds it parked here, so exactly one side makes it runnable again.
[[gnu::noinline, gnu::cold]] static bool hold(process* p) {
    for (;;) {
        drain_inbox(p);
        if (p->exit_pending) return false;
        std::lock_guard lock(p->relations_lock);
        if (!p->held.load(std::memory_order_relaxed)) return false;
        p->status.store(process_status::suspended, std::memory_order_relaxed);
        publish_queue_head(p);
        if (try_park(p)) {
            p->on_hold = true;
            return true;
        }
        // Something arrived since the drain: take it in, then try again.
    }
}

void scheduler::run(process* p) {
    thread_state& ts = this_thread_state();
    processes_run_.add(1);
    if (p != last_run_) context_switches_.add(1);
    last_run_ = p;
    ts.current = p;
    if (p->held.load(std::memory_order_acquire)) [[unlikely]] {
        if (hold(p)) {
            ts.current = nullptr;
            return;
        }
    }
    // A process woken in a receive first checks whether the wake-up brought
    // what it waits for; if not, it parks again without being resumed.
    if (p->waiting_on && !recheck_wait(p)) {
        for (;;) {
            p->status.store(process_status::waiting, std::memory_order_relaxed);
            publish_queue_head(p); // what the recheck took in waits now
            if (try_park(p)) break;
            if (recheck_wait(p)) goto resume;
        }
        ts.current = nullptr;
        return;
    }
resume:
    p->status.store(process_status::running, std::memory_order_relaxed);
    p->budget = node_.options().slice_reductions;
    ts.outcome = run_outcome::finished;
    ts.run_started_ns = fast_now_ns();
    set_mail_clock(ts.run_started_ns);
    // Scheduling latency, sampled: every 16th run of this scheduler adds how
    // long its process waited runnable (since_ns holds when it became so).
    if ((tick_ & 15) == 0) [[unlikely]] {
        p->latency_samples.add(1);
        if (const std::int64_t waited = ts.run_started_ns - p->since_ns.load(std::memory_order_relaxed); waited > 0)
            p->runnable_wait_ns.add(static_cast<std::uint64_t>(waited));
    }
    // For the watchdog: what runs here, since when.
    run_started_ns_.store(ts.run_started_ns, std::memory_order_release);
    p->since_ns.store(ts.run_started_ns, std::memory_order_relaxed);
    running_.store(p, std::memory_order_release);
    p->resume_point.resume();
    running_.store(nullptr, std::memory_order_release);
    ts.current = nullptr;
    switch (ts.outcome) {
    case run_outcome::parked: break; // p may already run elsewhere: hands off
    case run_outcome::yielded:
        // Behind everything runnable, as Go does with a preempted goroutine:
        // the global queue, which every scheduler looks at.
        p->status.store(process_status::runnable, std::memory_order_relaxed);
        p->since_ns.store(ts.run_started_ns, std::memory_order_relaxed); // leave_thread read the clock
        node_.push_global(p);
        break;
    case run_outcome::finished: finish_process(p, this); break;
    }
}

void scheduler::run_loop() {
    thread_id_.store(current_thread_id(), std::memory_order_release);
    busy_since_ = node_.now_ns();
    while (!node_.stopping() && !retired_.load(std::memory_order_acquire)) {
        if (process* p = next_process()) {
            run(p);
            continue;
        }
        park();
    }
    if (retired_.load(std::memory_order_acquire)) {
        hand_back_leftovers();
        node_.runaway_thread_ended();
        thread_done_.store(true, std::memory_order_release); // the object may be reused from here
    }
}

void scheduler::retire() {
    retired_.store(true, std::memory_order_release);
    demote_thread(thread_id_.load(std::memory_order_acquire));
}

// The runaway came back: what this object still holds goes to the global
// queue, where the schedulers that took over will find it.
void scheduler::hand_back_leftovers() {
    if (process* p = lifo_.exchange(nullptr, std::memory_order_acq_rel)) node_.push_global(p);
    while (process* p = queue_.pop()) node_.push_global(p);
}

void scheduler::reset(unsigned id) {
    id_ = id;
    retired_.store(false, std::memory_order_relaxed);
    thread_done_.store(false, std::memory_order_relaxed);
    wake_word_.store(0, std::memory_order_relaxed);
    last_run_ = nullptr;
}

std::size_t scheduler::run_ready(const process* watch) {
    std::size_t runs = 0;
    while (process* p = next_process()) {
        run(p);
        ++runs;
        // Busy processes never leave the queue empty: a probe waiting on
        // this thread is served as soon as something reaches it.
        if (watch && inbox::holds_envelopes(watch->inbox.load(std::memory_order_acquire))) break;
    }
    return runs;
}

// Spin a little (work often arrives within microseconds), then sleep until
// a pusher wakes us. A spinning scheduler announces itself, so pushers do
// not wake a sleeper for work a spinner will find.
void scheduler::park() {
    node_.spinning_begins();
    for (int i = 0; i < spin_rounds; ++i) {
        if (process* p = next_process()) {
            node_.spinning_ends();
            run(p);
            return;
        }
    }
    node_.spinning_ends();

    wake_word_.store(0, std::memory_order_relaxed);
    node_.enter_idle(this);
    // Re-check after announcing: work published before we were listed
    // would otherwise wait for the next push.
    bool others_have_work = false;
    node_.for_each_scheduler([&](scheduler* s) { others_have_work = others_have_work || (s != this && s->has_local_work()); });
    if (!node_.global_empty() || node_.stopping() || others_have_work) {
        if (node_.leave_idle(this)) return;
    }
    parks_.add(1);
    const std::int64_t idle_from = node_.now_ns();
    busy_ns_.add(static_cast<std::uint64_t>(idle_from - busy_since_));
    node_.scheduler_awake(false);
    wake_word_.wait(0, std::memory_order_acquire);
    node_.scheduler_awake(true);
    busy_since_ = node_.now_ns();
    idle_ns_.add(static_cast<std::uint64_t>(busy_since_ - idle_from));
}

void scheduler::unpark() {
    wake_word_.store(1, std::memory_order_release);
    wake_word_.notify_one();
}

scheduler_stats scheduler::stats() const {
    scheduler_stats s;
    s.id = id_;
    s.busy_ns = busy_ns_.get();
    s.idle_ns = idle_ns_.get();
    s.run_queue_length = queue_.size();
    s.processes_run = processes_run_.get();
    s.context_switches = context_switches_.get();
    s.steals = steals_.get();
    s.parks = parks_.get();
    s.exited_reductions = exited_reductions.get();
    s.exited_messages_sent = exited_messages_sent.get();
    return s;
}

} // namespace ember::detail
