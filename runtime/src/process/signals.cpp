// Exit signals, links and monitors, following Erlang:
// - an exit signal `kill` sent with exit/2 cannot be trapped; the process
//   dies with reason `killed`, and its links see `killed`;
// - a process that exits with reason `kill` by itself (exit(kill)) sends
//   `kill` along its links, where it is an ordinary, trappable reason: a
//   chain of linked processes dies with `kill` all along (signal_SUITE's
//   kill2killed); only the target of exit(Pid, kill) turns it into `killed`;
// - a trapping process gets exit signals as {'EXIT', From, Reason};
// - otherwise `normal` is ignored and any other reason kills with it;
// - linking or monitoring a dead process gives noproc at once.

#include "process/signals.hpp"

#include <algorithm>

#include "node/node_impl.hpp"
#include "process/mailbox.hpp"

namespace ember::detail {

void add_relation(process* p, relation r) {
    std::lock_guard lock(p->relations_lock);
    p->relations.push_back(std::move(r));
}

bool remove_relation(process* p, relation::kind_t kind, std::uint32_t index, std::uint32_t serial) {
    std::lock_guard lock(p->relations_lock);
    auto it = std::find_if(p->relations.begin(), p->relations.end(),
                           [&](const relation& r) { return r.kind == kind && r.index == index && r.serial == serial; });
    if (it == p->relations.end()) return false;
    p->relations.erase(it);
    return true;
}

bool remove_monitor(process* p, relation::kind_t kind, const term& ref, relation* removed) {
    std::lock_guard lock(p->relations_lock);
    auto it = std::find_if(p->relations.begin(), p->relations.end(), [&](const relation& r) { return r.kind == kind && r.ref == ref; });
    if (it == p->relations.end()) return false;
    if (removed) *removed = std::move(*it);
    p->relations.erase(it);
    return true;
}

void mark_exit(process* p, term reason) {
    if (p->exit_pending) return; // the first reason stands
    p->exit_pending = true;
    p->exit_reason = std::move(reason);
}

void mark_doomed(process* p, std::uint32_t serial) {
    // Under the lock finish_spawn resets it with: a block reused meanwhile
    // has a new serial, and its new process is not doomed by mistake.
    std::lock_guard lock(p->relations_lock);
    if (p->serial.load(std::memory_order_acquire) == serial) p->doomed.store(true, std::memory_order_release);
}

term down_message(const term& ref, const pid& who, const term& reason) {
    return term::tuple({atoms::DOWN, ref, atoms::process, term::from_pid(who), reason});
}

void on_exit_signal(process* p, std::uint32_t from_index, std::uint32_t from_serial, const term& reason, bool linked) {
    if (linked && !remove_relation(p, relation::link, from_index, from_serial)) return; // unlinked meanwhile
    if (!linked && reason == term(atoms::kill)) return mark_exit(p, atoms::killed);
    if (p->trap_exit.load(std::memory_order_relaxed)) {
        envelope* e = new_envelope(envelope_kind::message, term::tuple({atoms::EXIT, term::from_pid(local_pid(from_index, from_serial)), reason}));
        e->next = nullptr;
        *p->queue_tail = e;
        p->queue_tail = &e->next;
        p->messages_in.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    if (reason == term(atoms::normal)) {
        if (!linked && from_index == p->index && from_serial == p->current_serial()) mark_exit(p, reason);
        return;
    }
    mark_exit(p, reason);
}

void on_link(process* p, std::uint32_t from_index, std::uint32_t from_serial) {
    std::lock_guard lock(p->relations_lock);
    for (const relation& r : p->relations)
        if (r.kind == relation::link && r.index == from_index && r.serial == from_serial) return;
    p->relations.push_back({relation::link, from_index, from_serial, term()});
}

void on_unlink(process* p, std::uint32_t from_index, std::uint32_t from_serial) {
    remove_relation(p, relation::link, from_index, from_serial);
}

void on_monitor(process* p, std::uint32_t from_index, std::uint32_t from_serial, const term& ref) {
    add_relation(p, {relation::monitored_by, from_index, from_serial, ref});
}

void on_demonitor(process* p, const term& ref) { remove_monitor(p, relation::monitored_by, ref); }

void link_to(process* self, const pid& other) {
    if (other == self->id()) return;
    {
        std::lock_guard lock(self->relations_lock);
        for (const relation& r : self->relations)
            if (r.kind == relation::link && r.index == other.id && r.serial == other.serial) return;
        self->relations.push_back({relation::link, other.id, other.serial, term()});
    }
    if (!self->node->deliver(other, new_envelope(envelope_kind::link, term(), self->index, self->current_serial()))) {
        remove_relation(self, relation::link, other.id, other.serial);
        // Erlang: linking to a dead process is an exit signal noproc from it.
        on_exit_signal(self, other.id, other.serial, atoms::noproc, false);
    }
}

reference monitor_of(process* self, const pid& other) {
    const reference ref = make_reference();
    const term ref_term = term::from_reference(ref);
    add_relation(self, {relation::monitoring, other.id, other.serial, ref_term});
    if (!self->node->deliver(other, new_envelope(envelope_kind::monitor, ref_term, self->index, self->current_serial()))) {
        remove_monitor(self, relation::monitoring, ref_term);
        self->node->deliver(self->index, self->current_serial(), new_envelope(envelope_kind::message, down_message(ref_term, other, atoms::noproc)));
    }
    return ref;
}

void signal_exit(process* p, const term& reason) {
    std::vector<relation> relations;
    {
        std::lock_guard lock(p->relations_lock);
        relations.swap(p->relations);
    }
    node_impl& n = *p->node;
    const pid me = p->id();
    for (relation& r : relations) {
        switch (r.kind) {
        case relation::link:
            n.deliver(r.index, r.serial, new_envelope(envelope_kind::exit_linked, reason, p->index, me.serial));
            break;
        case relation::monitored_by:
            n.deliver(r.index, r.serial, new_envelope(envelope_kind::down, down_message(r.ref, me, reason)));
            break;
        case relation::monitoring:
            n.deliver(r.index, r.serial, new_envelope(envelope_kind::demonitor, r.ref, p->index, me.serial));
            break;
        }
    }
}

void demonitor_of(process* self, const reference& ref, bool flush, void* from) {
    process& p = *self;
    const term ref_term = term::from_reference(ref);
    relation removed;
    if (remove_monitor(&p, relation::monitoring, ref_term, &removed))
        p.node->deliver(removed.index, removed.serial, new_envelope(envelope_kind::demonitor, ref_term, p.index, p.current_serial()));
    if (!flush) return;
    drain_inbox(&p);
    receive_state st;
    st.match = [](const void* ctx, const term& m) {
        return m.is_tuple() && m.size() == 5 && m[0] == term(atoms::DOWN) && m[1] == *static_cast<const term*>(ctx);
    };
    st.context = &ref_term;
    st.scan_link = from;
    scan_queue(&p, st);
}

} // namespace ember::detail
