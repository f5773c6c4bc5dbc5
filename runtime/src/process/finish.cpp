// A process's end: its exit reason, the signals it sends, its block's return.

#include "node/node_impl.hpp"
#include "process/finish.hpp"
#include "process/mailbox.hpp"
#include "process/signals.hpp"

namespace ember::detail {

namespace {

// The exit reason of a finished coroutine: normal, the reason given to
// exit(), or {exception, <<"type">>, <<"what()">>} for an escaping exception.
term exit_reason_of(process* p) {
    std::exception_ptr e = p->top.promise().exception;
    if (!e) return atoms::normal;
    try {
        std::rethrow_exception(e);
    } catch (const process_exit& x) {
        return x.reason();
    } catch (...) {
        return current_exception_reason();
    }
}

} // namespace

void finish_process(process* p, scheduler* s) {
    flush_outbox(); // messages sent before the exit arrive before its signals
    p->status.store(process_status::exiting, std::memory_order_relaxed);
    const term reason = exit_reason_of(p);
    thread_state& ts = this_thread_state();
    ts.current = p; // frames freed below are charged to p
    if (s) { // the node's totals outlive the process (scheduler_stats), counted before anyone hears of its end
        s->exited_reductions.add(p->reductions.get());
        s->exited_messages_sent.add(p->messages_out.get());
    }

    // A zombie was declared dead by its killer (node_impl::kill_runaway):
    // its mailbox, name and signals are done already.
    const bool zombie = p->runaway.exchange(0, std::memory_order_acq_rel) == 2;
    // From here on senders see a dead process. Signals that arrived before
    // are answered as if they came after the death.
    if (!zombie) close_mailbox(p);
    // Dead to the node before anyone hears of it: whoever gets the DOWN or
    // the exit signal finds it gone (is_alive, whereis).
    p->alive.store(false, std::memory_order_seq_cst); // seq_cst: see drop_message_timers
    // Its send_after timers go with it (Erlang cancels a timer whose target
    // dies), before the DOWN, so that whoever hears of the death finds them
    // gone. After the store above: a start that comes later sees it dead
    // (both sides take the timer lock). A zombie's timers wait till here,
    // when its code has unwound; meanwhile they fire into a closed inbox.
    p->node->timers().drop_message_timers(p);
    if (p->traced.load(std::memory_order_relaxed)) p->node->clear_tracer(p, nullptr);
    if (!zombie) {
        p->node->unregister_process(p);
        signal_exit(p, reason);
    }

    p->top.destroy();
    p->top = {};
    p->resume_point = {};
    p->waiting_on = nullptr;
    p->exit_pending = false;
    p->exit_reason = term();
    p->trap_exit = false;
    p->memory.value.store(0, std::memory_order_relaxed);
    ts.current = nullptr;
    p->node->table().release(p, s ? &s->free_cache : nullptr);
}

} // namespace ember::detail
