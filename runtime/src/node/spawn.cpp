// The three steps of a spawn (node.hpp's detail::spawn_in strings them
// together): a block from the table, the coroutine made while the block is
// charged for its frame, then relations, name and the first scheduling.

#include <mutex>

#include "node/node_impl.hpp"
#include "platform/fast_clock.hpp"
#include "process/signals.hpp"

namespace ember {

using namespace detail;

namespace detail {

node_impl& current_node() { return *running_process().node; }

expected<process*, spawn_error> begin_spawn(node_impl& n, const spawn_options& o) {
    if (n.stopping()) return unexpected(spawn_error{spawn_errc::stopping, "the node is stopping"});
    thread_state& ts = this_thread_state();
    if (ts.node == &n && ts.current && ts.current->is_zombie())
        return unexpected(spawn_error{spawn_errc::killed, "the spawning process was killed (a zombie)"});
    if (o.name != atoms::undefined && n.whereis(o.name))
        return unexpected(spawn_error{spawn_errc::name_taken, "name '" + std::string(o.name.name()) + "' is registered already"});
    process* p = n.table().allocate(ts.sched && ts.node == &n ? &ts.sched->free_cache : nullptr);
    if (!p) return unexpected(spawn_error{spawn_errc::process_limit, "process limit of " + std::to_string(n.table().limit()) + " reached"});
    p->memory.value.store(sizeof(process), std::memory_order_relaxed);
    ts.frame_owner = p; // the coroutine frame made next is p's
    return p;
}

void abort_spawn(node_impl& n, process* p) noexcept {
    thread_state& ts = this_thread_state();
    ts.frame_owner = nullptr;
    n.table().release(p, ts.sched && ts.node == &n ? &ts.sched->free_cache : nullptr);
}

spawned finish_spawn(node_impl& n, process* p, std::coroutine_handle<process_task::promise_type> h, const spawn_options& o) {
    thread_state& ts = this_thread_state();
    ts.frame_owner = nullptr;
    p->top = h;
    p->resume_point = h;
    p->prio = o.prio;
    p->trap_exit = o.trap_exit;
    p->initial_call.store(o.label, std::memory_order_relaxed);
    p->current_label.store(nullptr, std::memory_order_relaxed);
    p->messages_in.store(0, std::memory_order_relaxed);
    p->alarms.store(0, std::memory_order_relaxed);
    p->suspended.store(false, std::memory_order_relaxed);
    p->behaviour.store(false, std::memory_order_relaxed);
    {
        // Under the lock node::suspend and resume take: one that found the
        // block's previous process either finished first (this reset wins)
        // or sees the new serial and answers noproc.
        std::lock_guard lock(p->relations_lock);
        p->held.store(false, std::memory_order_relaxed);
        p->on_hold = false;
        p->doomed.store(false, std::memory_order_relaxed);
    }
    p->messages_taken.value.store(0, std::memory_order_relaxed);
    p->messages_out.value.store(0, std::memory_order_relaxed);
    p->reductions.value.store(0, std::memory_order_relaxed);
    p->run_time_ns.value.store(0, std::memory_order_relaxed);
    p->latency_samples.value.store(0, std::memory_order_relaxed);
    p->runnable_wait_ns.value.store(0, std::memory_order_relaxed);
    p->started_ns.store(static_cast<std::uint64_t>(fast_now_ns() - n.coarse_epoch_ns()), std::memory_order_relaxed);
    const pid me = p->id();

    spawned result{me, {}};
    process* parent = ts.node == &n ? ts.current : nullptr;
    p->parent.store(parent ? (std::uint64_t{parent->index} << 32 | parent->current_serial()) : (std::uint64_t{p->index} << 32 | me.serial),
                    std::memory_order_relaxed);
    // The child has not run: its relations can be set directly.
    if (parent && o.link) {
        add_relation(parent, {relation::link, p->index, me.serial, term()});
        add_relation(p, {relation::link, parent->index, parent->current_serial(), term()});
    }
    if (parent && o.monitor) {
        result.monitor = make_reference();
        const term ref = term::from_reference(result.monitor);
        add_relation(parent, {relation::monitoring, p->index, me.serial, ref});
        add_relation(p, {relation::monitored_by, parent->index, parent->current_serial(), ref});
    }
    if (o.name != atoms::undefined && !n.register_name(o.name, p)) {
        // Lost a race for the name after begin_spawn checked it; the process
        // runs unnamed rather than vanish (documented).
    }
    n.schedule(p);
    return result;
}

} // namespace detail

} // namespace ember
