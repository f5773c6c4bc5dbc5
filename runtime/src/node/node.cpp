// ember::node and ember::probe: the public face of node_impl, spawning,
// and the lock-free stats readers.

#include <cassert>

#include "node/node_impl.hpp"
#include "process/signals.hpp"
#include "sys/fast_clock.hpp"
#include "sys/futex.hpp"

namespace ember {

using namespace detail;

// ---- spawning -----------------------------------------------------------------

namespace detail {

node_impl& current_node() { return *running_process().node; }

expected<process*, spawn_error> begin_spawn(node_impl& n, const spawn_options& o) {
    if (n.stopping.load(std::memory_order_acquire)) return unexpected(spawn_error{spawn_errc::stopping, "the node is stopping"});
    thread_state& ts = this_thread_state();
    if (ts.node == &n && ts.current && ts.current->is_zombie())
        return unexpected(spawn_error{spawn_errc::killed, "the spawning process was killed (a zombie)"});
    if (o.name != atoms::undefined && n.whereis(o.name))
        return unexpected(spawn_error{spawn_errc::name_taken, "name '" + std::string(o.name.name()) + "' is registered already"});
    process* p = n.table.allocate(ts.sched && ts.node == &n ? &ts.sched->free_cache : nullptr);
    if (!p) return unexpected(spawn_error{spawn_errc::process_limit, "process limit of " + std::to_string(n.table.limit()) + " reached"});
    p->memory.value.store(sizeof(process), std::memory_order_relaxed);
    ts.frame_owner = p; // the coroutine frame made next is p's
    return p;
}

void abort_spawn(node_impl& n, process* p) noexcept {
    thread_state& ts = this_thread_state();
    ts.frame_owner = nullptr;
    n.table.release(p, ts.sched && ts.node == &n ? &ts.sched->free_cache : nullptr);
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
    p->messages_taken.value.store(0, std::memory_order_relaxed);
    p->messages_out.value.store(0, std::memory_order_relaxed);
    p->reductions.value.store(0, std::memory_order_relaxed);
    p->run_time_ns.value.store(0, std::memory_order_relaxed);
    p->started_ns.store(static_cast<std::uint64_t>(fast_now_ns() - n.coarse_epoch_ns), std::memory_order_relaxed);
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

// ---- node -------------------------------------------------------------------

node::node(node_options options) : impl_(std::make_unique<node_impl>(options)) { impl_->start(); }

node::~node() {
    impl_->stop();
    // Destroy what is left. Their destructors may call runtime functions,
    // so each runs as the current process; no signals go out (the node is
    // going away as a whole).
    thread_role role(impl_.get(), nullptr, nullptr);
    for (std::size_t i = 0; i < impl_->table.made(); ++i) {
        process* p = impl_->table.at(static_cast<std::uint32_t>(i));
        if (!p->alive.load(std::memory_order_acquire) || p->external) continue;
        role.act_as(p);
        if (p->top) p->top.destroy();
        p->top = {};
        close_mailbox(p);
        flush_outbox(); // what a destructor sent: to processes closing anyway
    }
}

void node::send(const pid& to, term message) { impl_->deliver(to, new_envelope(envelope_kind::message, std::move(message))); }

bool node::send(atom name, term message) {
    auto to = impl_->whereis(name);
    if (!to) return false;
    send(*to, std::move(message));
    return true;
}

void node::exit(const pid& target, term reason) {
    if (reason == term(atoms::kill))
        if (process* t = impl_->table.find(target); t && impl_->kill_runaway(t)) return;
    // From outside any process, the signal comes from the node itself (<0.0.0>).
    process* self = impl_->node_process();
    impl_->deliver(target, new_envelope(envelope_kind::exit, std::move(reason), self->index, self->current_serial()));
}

std::optional<pid> node::whereis(atom name) const { return impl_->whereis(name); }

bool node::is_alive(const pid& p) const { return impl_->table.find(p) != nullptr; }

void node::stop() { impl_->stop(); }

std::size_t node::run_until_idle(std::chrono::milliseconds horizon) {
    assert(impl_->options.deterministic && "run_until_idle is for deterministic nodes");
    return impl_->run_until_idle(std::chrono::duration_cast<std::chrono::nanoseconds>(horizon).count());
}

// ---- stats ------------------------------------------------------------------

std::string_view event_kind_name(event_kind k) noexcept {
    switch (k) {
    case event_kind::long_schedule: return "long_schedule";
    case event_kind::long_message_queue: return "long_message_queue";
    case event_kind::large_memory: return "large_memory";
    case event_kind::restart_limit_near: return "restart_limit_near";
    }
    return "unknown";
}

std::vector<runtime_event> node::events() const { return impl_->events(); }

// A supervisor killed outright never withdraws its entry: liveness decides.
std::optional<supervisor_stats> node::supervisor_info(const pid& p) const {
    if (!is_alive(p)) return std::nullopt;
    return impl_->supervision.find(p);
}

std::vector<pid> node::supervisors() const {
    std::vector<pid> out = impl_->supervision.supervisors();
    std::erase_if(out, [this](const pid& p) {
        if (is_alive(p)) return false;
        impl_->supervision.withdraw(p);
        return true;
    });
    return out;
}

std::vector<application_stats> node::applications() const { return impl_->supervision.applications(); }


std::string_view process_status_name(process_status s) noexcept {
    switch (s) {
    case process_status::runnable: return "runnable";
    case process_status::running: return "running";
    case process_status::waiting: return "waiting";
    case process_status::suspended: return "suspended";
    case process_status::exiting: return "exiting";
    case process_status::zombie: return "zombie";
    }
    return "unknown";
}

namespace {

// Reads one block's counters. The serial read before and after tells
// whether the block changed owner meanwhile (then the figures are mixed).
bool read_stats(const process& p, process_stats& out) {
    const std::uint32_t serial = p.current_serial();
    if (!p.alive.load(std::memory_order_acquire) || p.external) return false;
    out.id = local_pid(p.index, serial);
    out.status = p.is_zombie() ? process_status::zombie : p.status.load(std::memory_order_relaxed);
    if (out.status <= process_status::waiting && p.suspended.load(std::memory_order_relaxed)) out.status = process_status::suspended;
    out.prio = p.prio.load(std::memory_order_relaxed);
    out.registered_name = atom::from_index(p.registered_name.load(std::memory_order_relaxed));
    const char* init = p.initial_call.load(std::memory_order_relaxed);
    const char* cur = p.current_label.load(std::memory_order_relaxed);
    out.initial_call = init ? init : "";
    out.current = cur ? cur : "";
    out.reductions = p.reductions.get();
    out.messages_in = p.messages_in.load(std::memory_order_relaxed);
    out.messages_out = p.messages_out.get();
    out.mailbox_length = p.mailbox_length();
    out.memory_bytes = p.memory.get() + out.mailbox_length * sizeof(envelope);
    const std::uint64_t parent = p.parent.load(std::memory_order_relaxed);
    out.parent = local_pid(static_cast<std::uint32_t>(parent >> 32), static_cast<std::uint32_t>(parent));
    out.started_us = p.started_ns.load(std::memory_order_relaxed) / 1000;
    out.run_time_us = p.run_time_ns.get() / 1000;
    // A run in progress counts too (a dead block's stale start does not:
    // only a running process or a zombie is mid-run).
    const std::int64_t since = p.running_since_ns.load(std::memory_order_relaxed);
    if (since != 0 && (out.status == process_status::running || out.status == process_status::zombie))
        out.run_time_us += static_cast<std::uint64_t>(std::max<std::int64_t>(0, fast_now_ns() - since)) / 1000;
    out.trap_exit = p.trap_exit.load(std::memory_order_relaxed);
    return p.current_serial() == serial && p.alive.load(std::memory_order_acquire);
}

} // namespace

std::size_t node::process_count() const { return impl_->table.live(); }

system_stats node::system() const {
    system_stats s;
    s.process_count = impl_->table.live();
    s.process_limit = impl_->table.limit();
    s.atom_count = atom_count();
    s.uptime_ms = static_cast<std::uint64_t>(impl_->now_ns() / 1'000'000);
    s.schedulers = impl_->slot_count();
    s.runaway_threads = impl_->runaway_threads.load(std::memory_order_relaxed);
    if (const detail::dirty_pool* pool = impl_->dirty_if_started()) {
        s.dirty_threads = pool->threads();
        s.dirty_running = pool->busy();
        s.dirty_queued = pool->queued();
        s.dirty_completed = pool->completed();
    }
    for_each_process([&](const process_stats& p) { s.process_memory_bytes += p.memory_bytes; });
    return s;
}

std::vector<scheduler_stats> node::schedulers() const {
    std::vector<scheduler_stats> out;
    for (unsigned i = 0; i < impl_->slot_count(); ++i) out.push_back(impl_->slot(i)->stats());
    return out;
}

void node::for_each_process(const std::function<void(const process_stats&)>& visit) const {
    process_stats st;
    const std::size_t made = impl_->table.made();
    for (std::size_t i = 0; i < made; ++i)
        if (read_stats(*impl_->table.at(static_cast<std::uint32_t>(i)), st)) visit(st);
}

std::optional<process_details> node::process_info(const pid& who) const {
    process* p = impl_->table.find(who);
    process_details d;
    if (!p || !read_stats(*p, d.stats) || d.stats.id != who) return std::nullopt;
    std::lock_guard lock(p->relations_lock);
    for (const relation& r : p->relations) {
        const pid other = local_pid(r.index, r.serial);
        if (r.kind == relation::link) d.links.push_back(other);
        else if (r.kind == relation::monitoring) d.monitors.push_back(other);
        else d.monitored_by.push_back(other);
    }
    return d;
}

// ---- probe --------------------------------------------------------------------

probe::probe(node& n) : node_(&n.impl()) {
    process_ = node_->table.allocate(nullptr);
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
    node_->table.release(process_, nullptr);
}

pid probe::self() const { return process_->id(); }

std::optional<pid> probe::whereis(atom name) const { return node_->whereis(name); }

std::optional<term> probe::receive(std::chrono::milliseconds timeout) { return receive_matching(nullptr, nullptr, timeout); }

std::optional<term> probe::receive_matching(match_fn match, const void* context, std::chrono::milliseconds timeout) {
    receive_state st;
    st.match = match;
    st.context = context;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool ran_node = false;
    for (;;) {
        {
            thread_role role(node_, nullptr, process_);
            drain_inbox(process_);
            if (scan_queue(process_, st)) return std::move(st.result);
        }
        if (node_->options.deterministic) {
            // Virtual time: run the node as far as the timeout reaches, once.
            if (ran_node) return std::nullopt;
            ran_node = true;
            node_->run_until_idle(std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count());
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
    node_->deliver(to, new_envelope(envelope_kind::message, std::move(message)));
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
