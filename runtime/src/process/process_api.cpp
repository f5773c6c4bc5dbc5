// The functions process code calls (process.hpp), on the running process.

#include <cassert>

#include "node/node_impl.hpp"
#include "process/mailbox.hpp"
#include "process/signals.hpp"

namespace ember {

using detail::envelope_kind;
using detail::new_envelope;
using detail::process;
using detail::relation;
using detail::running_process;

namespace detail {
pid process::id() const noexcept { return local_pid(index, current_serial()); }
} // namespace detail

// What a zombie (killed while a runaway: node_impl::kill_runaway) still
// asks of others is dropped below: its links and monitors have fired
// already, and a message from it would come after its DOWN. It unwinds at
// its next receive or checkpoint; these calls cannot throw to unwind it
// sooner, since destructors make them.

pid self() { return running_process().id(); }

namespace {
[[gnu::cold, gnu::noinline]] void trace_send(process& p, const pid& to, const term& message) { p.node->trace_message(p.id(), to, message, &p); }
} // namespace

void send(const pid& to, term message) {
    process& p = running_process();
    if (p.is_zombie()) [[unlikely]] return;
    p.budget -= 1;
    p.reductions.add(1);
    p.messages_out.add(1);
    if (p.traced.load(std::memory_order_relaxed)) [[unlikely]]
        trace_send(p, to, message);
    detail::post(*p.node, to, std::move(message));
}

bool send(atom name, term message) {
    auto to = running_process().node->whereis(name);
    if (!to) return false;
    send(*to, std::move(message));
    return true;
}

void open_reply_tag(const reference& tag) { detail::open_reply_tag(&running_process(), term::from_reference(tag)); }

void close_reply_tag(const reference& tag) { detail::close_reply_tag(&running_process(), term::from_reference(tag)); }

void send_reply(const pid& to, const reference& tag, term reply) {
    process& p = running_process();
    if (p.is_zombie()) [[unlikely]] return;
    p.budget -= 1;
    p.reductions.add(1);
    p.messages_out.add(1);
    p.node->deliver(to, new_envelope(envelope_kind::reply, term::tuple({term::from_reference(tag), std::move(reply)})));
}

void detail::show_suspended(bool on) { running_process().suspended.store(on, std::memory_order_relaxed); }

void detail::mark_behaviour() { running_process().behaviour.store(true, std::memory_order_relaxed); }

void set_label(const char* label) { running_process().current_label.store(label, std::memory_order_relaxed); }

timer_ref send_after(std::chrono::nanoseconds delay, const pid& to, term message) {
    process& p = running_process();
    if (!detail::is_local(to) || p.is_zombie()) return {};
    return {p.node->timers().start(detail::to_ms(delay), to.id, to.serial, envelope_kind::message, std::move(message))};
}

bool cancel_timer(timer_ref t) { return running_process().node->timers().cancel(t.id); }

void link(const pid& other) {
    process& p = running_process();
    if (p.is_zombie()) return;
    detail::link_to(&p, other);
    // A dead `other` not trapped: the noproc signal ends the caller here, as
    // Erlang's link/1 raises, rather than at its next receive.
    if (p.exit_pending) throw process_exit(p.exit_reason, true);
}

void unlink(const pid& other) {
    process& p = running_process();
    if (detail::remove_relation(&p, relation::link, other.id, other.serial))
        p.node->deliver(other, new_envelope(envelope_kind::unlink, term(), p.index, p.current_serial()));
}

reference monitor(const pid& other) {
    process& p = running_process();
    return p.is_zombie() ? make_reference() : detail::monitor_of(&p, other);
}

void demonitor(const reference& ref, bool flush) { detail::demonitor_of(&running_process(), ref, flush); }

detail::mailbox_mark detail::mark_mailbox() { return {mark_queue(&running_process())}; }

void detail::close_reply_tag(const reference& tag, mailbox_mark from) {
    detail::close_reply_tag(&running_process(), term::from_reference(tag), from.link);
}

void detail::demonitor_flush(const reference& ref, mailbox_mark from) { detail::demonitor_of(&running_process(), ref, true, from.link); }

bool trap_exit(bool on) {
    process& p = running_process();
    return p.trap_exit.exchange(on, std::memory_order_relaxed);
}

bool is_trapping_exits() { return running_process().trap_exit.load(std::memory_order_relaxed); }

void exit(term reason) { throw process_exit(std::move(reason)); }

void exit(const pid& target, term reason) {
    process& p = running_process();
    if (p.is_zombie()) return;
    // To itself, and not trapped: the process ends here, before its next
    // statement (Erlang's exit(self(), Reason); even `normal` ends it). It
    // is a throw of process_exit, which `catch (const std::exception&)`
    // does not take. Trapped, it becomes an 'EXIT' message like any signal.
    if (target == p.id()) {
        if (reason == atoms::kill) throw process_exit(atoms::killed, true);
        if (!p.trap_exit.load(std::memory_order_relaxed)) throw process_exit(std::move(reason), true);
    }
    if (reason == atoms::kill) {
        process* t = p.node->table().find(target);
        if (t && p.node->kill_runaway(t)) return;
        // Dead to its killer from here on (Erlang: is_process_alive after
        // exit(P, kill) is false), though it unwinds at its next checkpoint.
        if (t) detail::mark_doomed(t, target.serial);
    }
    p.node->deliver(target, new_envelope(envelope_kind::exit, std::move(reason), p.index, p.current_serial()));
}

bool register_name(atom name, const pid& who) {
    process& p = running_process();
    process* target = p.node->table().find(who);
    return target && !p.is_zombie() && p.node->register_name(name, target);
}

bool unregister_name(atom name) { return running_process().node->unregister_name(name); }

std::optional<pid> whereis(atom name) { return running_process().node->whereis(name); }

} // namespace ember
