// The awaiters' side of receive and checkpoint.
//
// A receive first looks at what is queued. Only when nothing matches does
// it park: it records what it waits for in the process (waiting_on), so
// that a wake-up that brings no match is handled by the scheduler without
// resuming the coroutine at all, and arms a timer if it has a timeout.

#include <cassert>

#include "node/node_impl.hpp"
#include "process/mailbox.hpp"
#include "process/signals.hpp"
#include "platform/fast_clock.hpp"

namespace ember::detail {

namespace {

[[noreturn]] void throw_exit(process& p) {
    p.waiting_on = nullptr;
    throw process_exit(p.exit_reason, true);
}

// A runaway (the watchdog gave it its thread) comes back at its first
// checkpoint or receive: it takes back the flag, or, if it was killed
// meanwhile (a zombie), unwinds. True when it came back from a runaway.
bool back_from_runaway(process& p) {
    if (p.runaway.load(std::memory_order_relaxed) == 0) return false;
    std::uint8_t runaway = 1;
    if (p.runaway.compare_exchange_strong(runaway, 0, std::memory_order_acq_rel)) return true;
    p.waiting_on = nullptr;
    throw process_exit(atoms::killed, true); // a zombie: dead to the node already
}

void charge(process& p, std::int32_t reductions) {
    p.budget -= reductions;
    p.reductions.add(static_cast<std::uint64_t>(reductions));
}

void finish_wait(process& p, receive_state& st) {
    p.waiting_on = nullptr;
    ++p.wait_token; // any timeout still in flight for this wait is now stale
    if (st.timer != 0) {
        p.node->timers().cancel(st.timer);
        st.timer = 0;
    }
}

// Adds the time since the process was resumed to its run time; called by
// every awaiter before the process leaves its thread.
void leave_thread(process& p) {
    thread_state& ts = this_thread_state();
    const std::int64_t now = fast_now_ns();
    p.run_time_ns.add(static_cast<std::uint64_t>(now - ts.run_started_ns));
    p.since_ns.store(0, std::memory_order_relaxed);
    ts.run_started_ns = now;
    // Once per wait or yield rather than per receive: the tools read the
    // queue's head stamp for the age of the oldest waiting message.
    publish_queue_head(&p);
}

} // namespace

bool receive_ready(receive_state& st) {
    process& p = running_process();
    back_from_runaway(p);
    flush_outbox(); // what was sent is delivered before the sender waits
    charge(p, 1);
    drain_inbox(&p);
    if (p.exit_pending) throw_exit(p);
    if (scan_queue(&p, st)) return p.budget > 0; // out of budget: yield first, result kept
    if (st.timeout_ms == 0) {
        st.timed_out = true;
        return true;
    }
    return false;
}

bool receive_suspend(receive_state& st, std::coroutine_handle<> h) {
    process& p = running_process();
    thread_state& ts = this_thread_state();
    p.resume_point = h;
    if (st.matched) {
        leave_thread(p);
        ts.outcome = run_outcome::yielded;
        return true;
    }
    p.waiting_on = &st;
    if (st.timeout_ms > 0 && st.timer == 0)
        st.timer = p.node->timers().start(st.timeout_ms, p.index, p.current_serial(), envelope_kind::timeout,
                                        term::integer(static_cast<std::int64_t>(++p.wait_token)));
    for (;;) {
        leave_thread(p);
        p.status.store(process_status::waiting, std::memory_order_relaxed);
        // After this succeeds another thread may resume the process: touch
        // nothing of it here any more (ts is this thread's, not p's).
        if (try_park(&p)) {
            ts.outcome = run_outcome::parked;
            return true;
        }
        p.status.store(process_status::running, std::memory_order_relaxed);
        p.since_ns.store(ts.run_started_ns, std::memory_order_relaxed);
        if (recheck_wait(&p)) return false; // resume now
    }
}

void receive_resume(receive_state& st) {
    process& p = running_process();
    // The wait ends either way: its timer goes now, not at its deadline.
    finish_wait(p, st);
    if (p.exit_pending) throw_exit(p);
}

bool checkpoint_ready(std::int32_t reductions) {
    process& p = running_process();
    // Back from a runaway: yield, so the process leaves the retired thread
    // for a normal queue and that thread can end.
    if (back_from_runaway(p)) p.budget = 0;
    flush_outbox();
    charge(p, reductions);
    if (inbox::holds_envelopes(p.inbox.load(std::memory_order_relaxed))) {
        drain_inbox(&p);
        // A process that runs on without waiting (a runaway taking its
        // mailbox in at checkpoints) still shows its oldest message's age.
        publish_queue_head(&p);
        if (p.exit_pending) throw_exit(p);
    }
    return p.budget > 0;
}

void yield_suspend(std::coroutine_handle<> h) {
    process& p = running_process();
    p.resume_point = h;
    leave_thread(p);
    this_thread_state().outcome = run_outcome::yielded;
}

void checkpoint_resume() {
    process& p = running_process();
    // A kill may have arrived while the process sat in a run queue.
    if (inbox::holds_envelopes(p.inbox.load(std::memory_order_relaxed))) drain_inbox(&p);
    if (p.exit_pending) throw_exit(p);
}

} // namespace ember::detail
