// The node's lock-free stats readers (stats.hpp): every figure is read from
// the owner-written counters of the control blocks and schedulers while
// the node runs; nothing here stops or asks a process.

#include <algorithm>

#include "node/node_impl.hpp"
#include "platform/fast_clock.hpp"

namespace ember {

using namespace detail;

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
    return impl_->supervision().find(p);
}

std::vector<pid> node::supervisors() const {
    std::vector<pid> out = impl_->supervision().supervisors();
    std::erase_if(out, [this](const pid& p) {
        if (is_alive(p)) return false;
        impl_->supervision().withdraw(p);
        return true;
    });
    return out;
}

std::vector<application_stats> node::applications() const { return impl_->supervision().applications(); }


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
// The older of the private queue's head and the inbox's first envelope.
std::uint64_t oldest_message_age_ms(const process& p, std::uint32_t now) {
    // The queue's stamp is as of its last wait: all taken since, none waits.
    if (p.mailbox_length() == 0) return 0;
    std::uint32_t oldest = p.queue_first_stamp.load(std::memory_order_relaxed);
    if (inbox::holds_envelopes(p.inbox.load(std::memory_order_relaxed))) {
        const std::uint32_t inbox_first = p.inbox_first_stamp.load(std::memory_order_relaxed);
        // Stamps wrap: compare by their distance from now.
        if (inbox_first && (!oldest || now - inbox_first > now - oldest)) oldest = inbox_first;
    }
    if (!oldest) return 0;
    const std::uint32_t age = now - oldest;
    return age > 0x8000'0000u ? 0 : mail_stamp_ms(age); // (stamped a moment after our clock read: 0)
}

// `now` is mail_clock(), read once per visit rather than once a process.
bool read_stats(const process& p, process_stats& out, std::uint32_t now) {
    const std::uint32_t serial = p.current_serial();
    if (!p.alive.load(std::memory_order_acquire) || p.external) return false;
    out.id = local_pid(p.index, serial);
    out.status = p.is_zombie() ? process_status::zombie : p.status.load(std::memory_order_relaxed);
    if (out.status <= process_status::waiting && (p.suspended.load(std::memory_order_relaxed) || p.held.load(std::memory_order_relaxed)))
        out.status = process_status::suspended;
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
    const std::int64_t since = p.since_ns.load(std::memory_order_relaxed);
    if (since != 0 && (out.status == process_status::running || out.status == process_status::zombie))
        out.run_time_us += static_cast<std::uint64_t>(std::max<std::int64_t>(0, fast_now_ns() - since)) / 1000;
    out.trap_exit = p.trap_exit.load(std::memory_order_relaxed);
    out.behaviour = p.behaviour.load(std::memory_order_relaxed);
    out.latency_samples = p.latency_samples.get();
    out.runnable_wait_us = p.runnable_wait_ns.get() / 1000;
    out.oldest_message_age_ms = oldest_message_age_ms(p, now);
    return p.current_serial() == serial && p.alive.load(std::memory_order_acquire);
}

} // namespace

std::size_t node::process_count() const { return impl_->table().live(); }

system_stats node::system() const {
    system_stats s = system_counts();
    for_each_process([&](const process_stats& p) { s.process_memory_bytes += p.memory_bytes; });
    return s;
}

system_stats node::system_counts() const {
    system_stats s;
    s.process_count = impl_->table().live();
    s.process_limit = impl_->table().limit();
    s.atom_count = atom_count();
    s.uptime_ms = static_cast<std::uint64_t>(impl_->now_ns() / 1'000'000);
    s.schedulers = impl_->slot_count();
    s.runaway_threads = impl_->runaway_threads();
    if (const detail::dirty_pool* pool = impl_->dirty_if_started()) {
        s.dirty_threads = pool->threads();
        s.dirty_running = pool->busy();
        s.dirty_queued = pool->queued();
        s.dirty_completed = pool->completed();
    }
    return s;
}

std::vector<scheduler_stats> node::schedulers() const {
    std::vector<scheduler_stats> out;
    for (unsigned i = 0; i < impl_->slot_count(); ++i) out.push_back(impl_->slot(i)->stats());
    return out;
}

void node::for_each_process(const std::function<void(const process_stats&)>& visit) const {
    visit_processes([&visit](const process_stats& st) { visit(st); });
}

visit_result node::visit_processes_with(detail::visit_fn visit, void* context, const visit_options& o) const {
    visit_result r;
    process_stats st;
    const std::size_t made = impl_->table().made();
    const bool timed = o.max_time != std::chrono::nanoseconds::max();
    const std::int64_t deadline = timed ? fast_now_ns() + std::min<std::int64_t>(o.max_time.count(), std::int64_t{1} << 62) : 0;
    const std::uint32_t now = mail_clock();
    std::size_t i = o.from;
    const std::size_t end = o.max_blocks < made - std::min<std::size_t>(i, made) ? i + o.max_blocks : made;
    for (; i < end; ++i) {
        // Checked only after this visit looked at a block: a chunked walk
        // always moves on, however small its time.
        if (timed && i != o.from && (i & 1023) == 1023 && fast_now_ns() >= deadline) break;
        if (!read_stats(*impl_->table().at(static_cast<std::uint32_t>(i)), st, now)) continue;
        ++r.visited;
        if (visit(context, st) == visit_next::stop) {
            r.stopped = true;
            ++i;
            break;
        }
    }
    r.next = static_cast<std::uint32_t>(i);
    r.complete = i >= made;
    return r;
}

std::optional<process_details> node::process_info(const pid& who) const {
    process* p = impl_->table().find(who);
    process_details d;
    if (!p || !read_stats(*p, d.stats, mail_clock()) || d.stats.id != who) return std::nullopt;
    std::lock_guard lock(p->relations_lock);
    for (const relation& r : p->relations) {
        const pid other = local_pid(r.index, r.serial);
        if (r.kind == relation::link) d.links.push_back(other);
        else if (r.kind == relation::monitoring) d.monitors.push_back(other);
        else d.monitored_by.push_back(other);
    }
    return d;
}

} // namespace ember
