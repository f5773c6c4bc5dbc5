// The owner's side of the mailbox: taking the inbox, handling signals,
// selective receive scanning, and parking. See process.hpp for the design.

#include <algorithm>
#include <cassert>
#include <vector>

#include "node/node_impl.hpp"
#include "process/mailbox.hpp"
#include "process/signals.hpp"

namespace ember::detail {

namespace {

void append_message(process* p, envelope* e) {
    e->next = nullptr;
    *p->queue_tail = e;
    p->queue_tail = &e->next;
}


bool holds_open_tag(const process* p, const term& reply) {
    if (!reply.is_tuple() || reply.size() != 2) return false;
    for (const term& tag : p->reply_tags)
        if (tag == reply[0]) return true;
    return false;
}

// node::peek_mailbox: answers {Tag, {Length, [First N messages]}} to the
// asker. A signal, so it sees exactly the messages that arrived before it,
// and only the owner ever walks its queue. N is capped by the asker.
[[gnu::noinline, gnu::cold]] void answer_peek(process* p, const envelope* e) {
    const term& tag = e->payload[0];
    const auto max = static_cast<std::size_t>(e->payload[1].as_integer());
    std::vector<term> first;
    for (const envelope* m = p->queue_head; m && first.size() < max; m = m->next) first.push_back(m->payload);
    // A sender counts a message just after pushing it: never report fewer
    // than were seen.
    const std::uint64_t length = std::max<std::uint64_t>(p->mailbox_length(), first.size());
    const term answer = term::tuple({tag, term::tuple({term::integer(static_cast<std::int64_t>(length)), term::list(first)})});
    p->node->deliver(e->from_index, e->from_serial, new_envelope(envelope_kind::reply, answer));
}

// Signals act on the owner's state now; messages join the private queue.
// True when a message joined it.
[[gnu::noinline]] bool handle(process* p, envelope* e) {
    switch (e->kind) {
    case envelope_kind::message: append_message(p, e); return true;
    case envelope_kind::reply:
        if (!holds_open_tag(p, e->payload)) break; // its caller gave up: dropped
        p->messages_in.fetch_add(1, std::memory_order_relaxed);
        append_message(p, e);
        return true;
    case envelope_kind::down:
        // Demonitored meanwhile: dropped, as Erlang guarantees. Otherwise the
        // monitor ends here.
        if (!remove_monitor(p, relation::monitoring, e->payload[1])) break;
        p->messages_in.fetch_add(1, std::memory_order_relaxed);
        append_message(p, e);
        return true;
    case envelope_kind::timeout:
        if (p->waiting_on && e->payload.as_integer() == static_cast<std::int64_t>(p->wait_token)) p->waiting_on->timed_out = true;
        break;
    case envelope_kind::exit: on_exit_signal(p, e->from_index, e->from_serial, e->payload, false); break;
    case envelope_kind::exit_linked: on_exit_signal(p, e->from_index, e->from_serial, e->payload, true); break;
    case envelope_kind::link: on_link(p, e->from_index, e->from_serial); break;
    case envelope_kind::unlink: on_unlink(p, e->from_index, e->from_serial); break;
    case envelope_kind::monitor: on_monitor(p, e->from_index, e->from_serial, e->payload); break;
    case envelope_kind::demonitor: on_demonitor(p, e->payload); break;
    case envelope_kind::peek: answer_peek(p, e); break;
    }
    free_envelope(e);
    return false;
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
    bool grew = false;
    for (envelope* e = reverse_envelopes(inbox::first(word)); e;) {
        envelope* next = e->next;
        if (e->kind == envelope_kind::message) [[likely]] { // the common case, without the switch
            append_message(p, e);
            grew = true;
        } else {
            grew |= handle(p, e);
        }
        e = next;
    }
    if (grew && p->node) p->node->watch_growth(p);
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
    p->queue_first_stamp.store(0, std::memory_order_relaxed);
    p->reply_tags.clear();
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
            if (p->alarms.load(std::memory_order_relaxed)) [[unlikely]] p->node->rearm_alarms(p);
            return true;
        }
        link = &e->next;
    }
    // New messages are appended at *link: the next scan starts there.
    st.scan_link = link;
    return false;
}

void open_reply_tag(process* p, const term& tag) { p->reply_tags.push_back(tag); }

void close_reply_tag(process* p, const term& tag, void* from) {
    std::erase(p->reply_tags, tag);
    // A reply taken in before the tag closed is dropped too.
    drain_inbox(p);
    receive_state st;
    st.match = [](const void* ctx, const term& m) { return m.is_tuple() && m.size() == 2 && m[0] == *static_cast<const term*>(ctx); };
    st.context = &tag;
    st.scan_link = from;
    scan_queue(p, st);
}

void* mark_queue(process* p) {
    drain_inbox(p);
    return p->queue_tail;
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
