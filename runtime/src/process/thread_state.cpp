// The thread state (thread_state.hpp): who this thread acts for, and its
// outbox of undelivered sends.

#include "process/thread_state.hpp"

#include "node/node_impl.hpp"
#include "platform/assert.hpp"

namespace ember::detail {

namespace {
// initial-exec: the runtime library is loaded at program start, so its
// thread-locals can be reached without __tls_get_addr (8% of a ping-pong).
thread_local thread_state state [[gnu::tls_model("initial-exec")]];

[[noreturn, gnu::cold, gnu::noinline]] void no_running_process() {
    assert_failed("this_thread_state().current", "this Ember function must be called from inside a running process (not from a plain thread: use a probe or block_on)",
                  __FILE__, __LINE__);
}
} // namespace

thread_state& this_thread_state() noexcept { return state; }

// Every process function starts here: the thread-local read directly (no
// call), and the check costs a test and a branch never taken.
process& running_process() noexcept {
    process* p = state.current;
    if (!p) [[unlikely]] no_running_process();
    return *p;
}

thread_role::~thread_role() {
    flush_outbox();
    clear_mail_clock(); // this thread may leave the scheduler (deterministic mode)
    ts_.node = saved_.node;
    ts_.sched = saved_.sched;
    ts_.current = saved_.current;
}

void post(node_impl& n, const pid& to, term message) {
    thread_state& ts = this_thread_state();
    outbox& o = ts.out;
    if (o.newest && (o.index != to.id || o.serial != to.serial || o.node != &n)) flush_outbox();
    if (!is_local(to)) return; // no distribution yet: dropped
    // The sender rides along for a trace of the receiver (node::trace).
    envelope* e = ts.current ? new_envelope(envelope_kind::message, std::move(message), ts.current->index, ts.current->current_serial())
                             : new_envelope(envelope_kind::message, std::move(message));
    e->next = o.newest;
    if (!o.newest) {
        o.oldest = e;
        o.index = to.id;
        o.serial = to.serial;
        o.node = &n;
    }
    o.newest = e;
    // Bounded, so a long burst still reaches the receiver in pieces.
    if (++o.count >= 4096) flush_outbox();
}

void flush_outbox() noexcept {
    outbox& o = this_thread_state().out;
    if (!o.newest) return;
    const outbox batch = o;
    o.newest = o.oldest = nullptr;
    o.count = 0;
    batch.node->deliver_chain(batch.index, batch.serial, batch.newest, batch.oldest, batch.count);
}

} // namespace ember::detail
