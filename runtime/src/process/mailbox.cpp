// The owner's side of the mailbox: taking the inbox, handling signals,
// selective receive scanning, and parking. See process.hpp for the design.

#include <cassert>

#include "node/node_impl.hpp"
#include "process/signals.hpp"

namespace ember::detail {

namespace {

void append_message(process* p, envelope* e) {
    e->next = nullptr;
    *p->queue_tail = e;
    p->queue_tail = &e->next;
}

// Signals act on the owner's state now; messages join the private queue.
void handle(process* p, envelope* e) {
    switch (e->kind) {
    case envelope_kind::message: append_message(p, e); return;
    case envelope_kind::timeout:
        if (p->waiting_on && e->payload.as_integer() == static_cast<std::int64_t>(p->wait_token)) p->waiting_on->timed_out = true;
        break;
    case envelope_kind::exit: on_exit_signal(p, e->from_index, e->from_serial, e->payload, false); break;
    case envelope_kind::exit_linked: on_exit_signal(p, e->from_index, e->from_serial, e->payload, true); break;
    case envelope_kind::link: on_link(p, e->from_index, e->from_serial); break;
    case envelope_kind::unlink: on_unlink(p, e->from_index, e->from_serial); break;
    case envelope_kind::monitor: on_monitor(p, e->from_index, e->from_serial, e->payload); break;
    case envelope_kind::demonitor: on_demonitor(p, e->payload); break;
    }
    free_envelope(e);
}

} // namespace

envelope* reverse_envelopes(envelope* e) {
    envelope* out = nullptr;
    while (e) {
        envelope* next = e->next;
        e->next = out;
        out = e;
        e = next;
    }
    return out;
}

void drain_inbox(process* p) {
    const std::uint64_t tag = inbox::tag_of(p->current_serial());
    std::uint64_t word = p->inbox.load(std::memory_order_acquire);
    if (!inbox::holds_envelopes(word)) return;
    word = p->inbox.exchange(tag | inbox::empty, std::memory_order_acquire);
    for (envelope* e = reverse_envelopes(inbox::first(word)); e;) {
        envelope* next = e->next;
        handle(p, e);
        e = next;
    }
}

void close_mailbox(process* p) {
    const std::uint64_t word = p->inbox.exchange(inbox::tag_of(p->current_serial()) | inbox::closed, std::memory_order_acq_rel);
    for (envelope* e = inbox::holds_envelopes(word) ? reverse_envelopes(inbox::first(word)) : nullptr; e;) {
        envelope* next = e->next;
        switch (e->kind) {
        case envelope_kind::link: on_link(p, e->from_index, e->from_serial); break;
        case envelope_kind::unlink: on_unlink(p, e->from_index, e->from_serial); break;
        case envelope_kind::monitor: on_monitor(p, e->from_index, e->from_serial, e->payload); break;
        case envelope_kind::demonitor: on_demonitor(p, e->payload); break;
        default: break; // messages, exits and timeouts mean nothing to the dead
        }
        free_envelope(e);
        e = next;
    }
    while (envelope* m = p->queue_head) {
        p->queue_head = m->next;
        free_envelope(m);
    }
    p->queue_tail = &p->queue_head;
}

bool scan_queue(process* p, receive_state& st) {
    auto** link = st.scan_link ? static_cast<envelope**>(st.scan_link) : &p->queue_head;
    while (envelope* e = *link) {
        if (!st.match || st.match(st.context, e->payload)) {
            *link = e->next;
            if (p->queue_tail == &e->next) p->queue_tail = link;
            st.result = std::move(e->payload);
            st.matched = true;
            st.scan_link = nullptr;
            free_envelope(e);
            p->messages_taken.add(1);
            return true;
        }
        link = &e->next;
    }
    // New messages are appended at *link: the next scan starts there.
    st.scan_link = link;
    return false;
}

bool try_park(process* p) {
    const std::uint64_t tag = inbox::tag_of(p->current_serial());
    std::uint64_t expected = tag | inbox::empty;
    return p->inbox.compare_exchange_strong(expected, tag | inbox::parked, std::memory_order_acq_rel, std::memory_order_acquire);
}

bool recheck_wait(process* p) {
    receive_state& st = *p->waiting_on;
    drain_inbox(p);
    // A message that matches wins over a timeout that fired meanwhile.
    return p->exit_pending || scan_queue(p, st) || st.timed_out;
}

} // namespace ember::detail
