// Control of processes from outside: suspend and resume (sys for
// behaviours, a hold for the rest) and a bounded peek at a mailbox. Each
// runs on a thread that is not a process and waits with a probe.

#include <algorithm>

#include "ember/runtime/block_on.hpp"
#include "ember/runtime/sys.hpp"
#include "node/node_impl.hpp"
#include "process/mailbox.hpp"
#include "process/signals.hpp"

namespace ember {

using namespace detail;

namespace {

constexpr std::size_t max_peek = 1000;

const call_error no_process{call_errc::noproc, atoms::noproc};

call_error refused(const char* why) { return {call_errc::refused, atom(why)}; }

// A sys request through block_on, its two layers of error made one.
template <class Request>
expected<void, call_error> through_sys(node& n, Request request) {
    auto answer = block_on(n, std::move(request));
    if (!answer) return unexpected(call_error{answer.error().code == block_errc::stopping ? call_errc::noproc : call_errc::exited, answer.error().reason});
    if (!*answer) return unexpected(answer->error());
    return {};
}

} // namespace

expected<void, call_error> node::suspend(const pid& who, std::chrono::milliseconds timeout) {
    assert_not_in_process();
    process* p = impl_->table().find(who);
    if (!p) return unexpected(no_process);
    if (p->external.load(std::memory_order_relaxed)) return unexpected(refused("not_supported"));
    if (p->behaviour.load(std::memory_order_relaxed))
        return through_sys(*this, [who, timeout] { return sys::suspend(who, timeout); });
    // Held from its next turn on: the scheduler parks it instead of running
    // it (scheduler.cpp, hold). One that waits now is held when it next wakes.
    std::lock_guard lock(p->relations_lock);
    if (p->serial.load(std::memory_order_acquire) != who.serial) return unexpected(no_process);
    p->held.store(true, std::memory_order_release);
    return {};
}

expected<void, call_error> node::resume(const pid& who, std::chrono::milliseconds timeout) {
    assert_not_in_process();
    process* p = impl_->table().find(who);
    if (!p) return unexpected(no_process);
    if (p->external.load(std::memory_order_relaxed)) return unexpected(refused("not_supported"));
    if (p->behaviour.load(std::memory_order_relaxed) && !p->held.load(std::memory_order_acquire))
        return through_sys(*this, [who, timeout] { return sys::resume(who, timeout); });
    bool parked_on_hold = false;
    {
        std::lock_guard lock(p->relations_lock);
        if (p->serial.load(std::memory_order_acquire) != who.serial) return unexpected(no_process);
        if (!p->held.load(std::memory_order_relaxed)) return unexpected(refused("not_suspended"));
        p->held.store(false, std::memory_order_release);
        parked_on_hold = std::exchange(p->on_hold, false);
    }
    // Parked by the hold: whoever takes `parked` away schedules it. A
    // message may have done so already; then it runs (and is not held).
    if (parked_on_hold) {
        std::uint64_t parked = inbox::tag_of(who.serial) | inbox::parked;
        if (p->inbox.compare_exchange_strong(parked, inbox::tag_of(who.serial) | inbox::empty, std::memory_order_acq_rel))
            impl_->schedule(p);
    }
    return {};
}

expected<mailbox_peek, call_error> node::peek_mailbox(const pid& who, std::size_t max_messages, std::chrono::milliseconds timeout) {
    assert_not_in_process();
    probe via(*this);
    // The monitor ends the wait early if `who` is dead or dies.
    const reference mon = via.monitor(who);
    const term tag = term::from_reference(mon);
    via.open_reply_tag(mon);
    const pid me = via.self();
    const term request = term::tuple({tag, term::integer(static_cast<std::int64_t>(std::min(max_messages, max_peek)))});
    impl_->deliver(who, new_envelope(envelope_kind::peek, request, me.id, me.serial));
    const auto answered = [&tag](const term& m) {
        return m.is_tuple() && ((m.size() == 2 && m[0] == tag) || (m.size() == 5 && m[0] == term(atoms::DOWN) && m[1] == tag));
    };
    std::optional<term> answer = via.receive(answered, timeout);
    via.close_reply_tag(mon);
    via.demonitor(mon, true);
    if (!answer) return unexpected(call_error{call_errc::timeout, atoms::timeout});
    if (answer->size() == 5) {
        const term& reason = (*answer)[4];
        if (reason == term(atoms::noproc)) return unexpected(no_process);
        return unexpected(call_error{call_errc::exited, reason});
    }
    const term& body = (*answer)[1];
    mailbox_peek out;
    out.length = static_cast<std::uint64_t>(body[0].as_integer());
    const auto first = body[1].elements();
    out.first.assign(first.begin(), first.end());
    return out;
}

} // namespace ember
