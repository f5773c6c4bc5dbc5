// ember::probe: a mailbox for a thread that is not a process. Its block is
// marked external: it is never scheduled; a sender that finds it parked
// wakes its thread through a futex instead.

#include <algorithm>

#include "node/node_access.hpp"
#include "node/node_impl.hpp"
#include "platform/futex.hpp"
#include "process/mailbox.hpp"
#include "process/signals.hpp"

namespace ember {

using namespace detail;

probe::probe(node& n) : node_(&node_access::impl(n)) {
    process_ = node_->table().allocate(nullptr);
    if (!process_) throw spawn_failure(spawn_error{spawn_errc::process_limit, "process limit reached"});
    process_->external = true;
    process_->trap_exit = true; // a thread cannot be killed: exit signals arrive as messages
    process_->status.store(process_status::waiting, std::memory_order_relaxed);
}

probe::~probe() {
    // A normal exit, as a process whose function returned.
    {
        thread_role role(node_, nullptr, process_);
        close_mailbox(process_);
        signal_exit(process_, atoms::normal);
    }
    process_->external = false;
    node_->table().release(process_, nullptr);
}

pid probe::self() const { return process_->id(); }

std::optional<pid> probe::whereis(atom name) const { return node_->whereis(name); }

std::optional<term> probe::receive(std::chrono::milliseconds timeout) { return receive_matching(nullptr, nullptr, timeout); }

std::optional<term> probe::receive_matching(match_fn match, const void* context, std::chrono::milliseconds timeout) {
    // Longer than any test or agent waits, and far from overflow when
    // added to a clock (milliseconds::max() is "for ever").
    timeout = std::min(timeout, std::chrono::milliseconds(std::int64_t{1} << 40));
    receive_state st;
    st.match = match;
    st.context = context;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    // Deterministic mode: virtual time, run on this thread, up to the
    // timeout and only until something reaches the probe.
    const bool virtual_time = node_->options().deterministic;
    const std::int64_t virtual_deadline = virtual_time ? node_->now_ns() + std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count() : 0;
    bool idle = false;
    for (;;) {
        {
            thread_role role(node_, nullptr, process_);
            drain_inbox(process_);
            if (scan_queue(process_, st)) return std::move(st.result);
        }
        if (virtual_time) {
            if (idle) return std::nullopt;
            idle = !node_->run_until(virtual_deadline, process_).watched_woke;
            continue;
        }
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        process_->probe_wake.store(0, std::memory_order_relaxed);
        if (!try_park(process_)) continue; // something arrived meanwhile
        // Sleep until woken or the deadline, then un-park: the next turn
        // drains and scans.
        for (auto now = std::chrono::steady_clock::now(); process_->probe_wake.load(std::memory_order_acquire) == 0 && now < deadline;
             now = std::chrono::steady_clock::now())
            futex_wait_for(process_->probe_wake, 0, deadline - now);
        std::uint64_t parked = inbox::tag_of(process_->current_serial()) | inbox::parked;
        process_->inbox.compare_exchange_strong(parked, inbox::tag_of(process_->current_serial()) | inbox::empty);
    }
}

void probe::send(const pid& to, term message) {
    process_->messages_out.add(1);
    node_->deliver(to, new_envelope(envelope_kind::message, std::move(message), process_->index, process_->current_serial()));
}

void probe::link(const pid& other) {
    thread_role role(node_, nullptr, process_);
    link_to(process_, other); // a probe traps exits: a dead pid gives an 'EXIT' message
}

reference probe::monitor(const pid& other) {
    thread_role role(node_, nullptr, process_);
    return monitor_of(process_, other);
}

void probe::demonitor(const reference& ref, bool flush) {
    thread_role role(node_, nullptr, process_);
    demonitor_of(process_, ref, flush);
}

void probe::open_reply_tag(const reference& tag) { detail::open_reply_tag(process_, term::from_reference(tag)); }

void probe::close_reply_tag(const reference& tag) {
    thread_role role(node_, nullptr, process_);
    detail::close_reply_tag(process_, term::from_reference(tag));
}

} // namespace ember
