// node_impl: global queues, idle schedulers, delivery, registry.

#include "node/node_impl.hpp"
#include "process/mailbox.hpp"
#include "process/signals.hpp"
#include "platform/fast_clock.hpp"
#include "platform/futex.hpp"

#include <algorithm>
#include <cassert>

namespace ember::detail {

node_impl::node_impl(const node_options& o)
    : options_(o), table_(*this, o.process_limit), timers_(*this, o.deterministic), coarse_epoch_ns_(fast_now_ns()) {
    if (options_.deterministic) options_.schedulers = 1;
    if (options_.schedulers == 0) options_.schedulers = std::max(1u, std::thread::hardware_concurrency());
    options_.schedulers = std::min(options_.schedulers, max_scheduler_objects / 2);
    slots_ = std::make_unique<std::atomic<scheduler*>[]>(options_.schedulers);
    for (unsigned i = 0; i < options_.schedulers; ++i) slots_[i].store(make_scheduler(i));
    node_process_ = table_.allocate(nullptr);
    node_process_->external = true;
    node_process_->inbox.store(inbox::tag_of(node_process_->current_serial()) | inbox::closed);
}

std::size_t node_impl::run_until_idle(std::int64_t horizon_ns) { return run_until(now_ns() + horizon_ns, nullptr).runs; }

node_impl::run_report node_impl::run_until(std::int64_t limit_ns, const process* watch) {
    thread_role role(this, slot(0), nullptr);
    run_report r;
    for (;;) {
        r.runs += slot(0)->run_ready(watch);
        // The watched probe got something: stop before time moves on, as a
        // real node would have woken its thread then.
        if (watch && inbox::holds_envelopes(watch->inbox.load(std::memory_order_acquire))) {
            r.watched_woke = true;
            break;
        }
        auto next = timers_.next_deadline();
        if (!next || *next > limit_ns) break;
        timers_.advance_to(*next);
    }
    return r;
}

node_impl::~node_impl() { stop(); }

// A retired object whose thread has ended is reused; otherwise a new one.
// Only the constructor and the watchdog make schedulers, never at once.
scheduler* node_impl::make_scheduler(unsigned id) {
    const unsigned n = object_count_.load(std::memory_order_acquire);
    for (unsigned i = 0; i < n; ++i) {
        scheduler* s = objects_[i].load(std::memory_order_acquire);
        if (s->reusable()) {
            s->reset(id);
            return s;
        }
    }
    if (n == max_scheduler_objects) return nullptr;
    auto owned = std::make_unique<scheduler>(*this, id);
    scheduler* s = owned.get();
    {
        std::lock_guard lock(threads_mutex_);
        owned_.push_back(std::move(owned));
    }
    objects_[n].store(s, std::memory_order_release);
    object_count_.store(n + 1, std::memory_order_release);
    return s;
}

void node_impl::start_thread(scheduler* s) {
    std::lock_guard lock(threads_mutex_);
    threads_.emplace_back([this, s] {
        thread_state& ts = this_thread_state();
        ts.node = this;
        ts.sched = s;
        scheduler_awake(true);
        s->run_loop();
        scheduler_awake(false);
        flush_outbox();
        ts.node = nullptr;
        ts.sched = nullptr;
        ts.current = nullptr;
    });
}

void node_impl::start() {
    if (options_.deterministic) return;
    for (unsigned i = 0; i < options_.schedulers; ++i) start_thread(slot(i));
    watchdog_ = std::thread([this] { watchdog_loop(); });
}

void node_impl::stop() {
    if (stopping_.exchange(true)) return;
    for_each_scheduler([](scheduler* s) { s->unpark(); });
    awake_.fetch_add(1);
    awake_.notify_all(); // the watchdog may wait for an awake scheduler
    if (watchdog_.joinable()) watchdog_.join();
    // A retired thread still running a runaway is joined too: the node
    // waits for that code to return (there is no safe way to stop a thread).
    for (;;) {
        std::thread t;
        {
            std::lock_guard lock(threads_mutex_);
            if (threads_.empty()) break;
            t = std::move(threads_.back());
            threads_.pop_back();
        }
        t.join();
    }
    // Jobs running now finish (their results reach processes that still
    // exist); queued ones are dropped.
    {
        std::lock_guard lock(dirty_mutex_);
        if (dirty_) dirty_->stop();
    }
    timers_.stop();
    stopped_.store(true, std::memory_order_release);
}

dirty_pool& node_impl::dirty() {
    if (dirty_pool* pool = dirty_started_.load(std::memory_order_acquire)) return *pool;
    std::lock_guard lock(dirty_mutex_);
    if (!dirty_) {
        dirty_ = std::make_unique<dirty_pool>(options_.dirty_threads ? options_.dirty_threads : std::max(1u, options_.schedulers));
        dirty_started_.store(dirty_.get(), std::memory_order_release);
    }
    return *dirty_;
}

// ---- runaways -------------------------------------------------------------------

void node_impl::scheduler_awake(bool awake) noexcept {
    if (awake) {
        if (awake_.fetch_add(1, std::memory_order_acq_rel) == 0) awake_.notify_one();
    } else {
        awake_.fetch_sub(1, std::memory_order_acq_rel);
    }
}

// Every millisecond while any scheduler is awake: a scheduler whose current
// run started more than the threshold ago, and is still the same run, holds
// a runaway. Sleeps while every scheduler sleeps.
void node_impl::watchdog_loop() {
    const std::int64_t threshold = std::chrono::duration_cast<std::chrono::nanoseconds>(options_.runaway_threshold).count();
    while (!stopping()) {
        if (awake_.load(std::memory_order_acquire) == 0) {
            awake_.wait(0, std::memory_order_acquire);
            continue;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        const std::int64_t now = fast_now_ns();
        for (unsigned i = 0; i < options_.schedulers; ++i) {
            scheduler* s = slot(i);
            process* p = s->running();
            if (!p) continue;
            const std::int64_t started = s->run_started_ns();
            if (now - started > threshold && s->running() == p && s->run_started_ns() == started) take_over(i, s, p, now - started);
        }
    }
}

void node_impl::take_over(unsigned slot_index, scheduler* held, process* runaway, std::int64_t ran_ns) {
    std::uint8_t normal = 0;
    if (!runaway->runaway.compare_exchange_strong(normal, 1, std::memory_order_acq_rel)) return;
    scheduler* fresh = make_scheduler(held->id());
    if (!fresh) { // no object left: the runaway keeps its scheduler
        runaway->runaway.store(0, std::memory_order_release);
        return;
    }
    runaway_threads_.fetch_add(1, std::memory_order_relaxed);
    held->retire(); // its thread now belongs to the runaway, at idle priority
    slots_[slot_index].store(fresh, std::memory_order_release);
    start_thread(fresh);
    record_event({event_kind::long_schedule, runaway->id(), held->id(),
                  static_cast<std::uint64_t>((fast_now_ns() - coarse_epoch_ns_) / 1'000'000),
                  static_cast<std::uint64_t>(ran_ns / 1'000'000), static_cast<std::uint64_t>(options_.runaway_threshold.count())});
}

bool node_impl::kill_runaway(process* target) {
    std::uint8_t runaway = 1;
    if (!target->runaway.compare_exchange_strong(runaway, 2, std::memory_order_acq_rel)) return false;
    // The owner's code runs on, but it touches its mailbox only after taking
    // back the runaway flag, which now fails: these are ours to close.
    thread_role role(this, nullptr, target);
    target->status.store(process_status::zombie, std::memory_order_relaxed);
    close_mailbox(target);
    unregister_process(target);
    signal_exit(target, atoms::killed);
    return true;
}

void node_impl::raise_growth_alarms(process* p) {
    const auto raise = [&](growth_alarm bit, event_kind kind, std::uint64_t value, std::uint64_t limit) {
        if (!limit || value < limit || (p->alarms.fetch_or(bit, std::memory_order_relaxed) & bit)) return;
        record_event({kind, p->id(), 0, static_cast<std::uint64_t>((fast_now_ns() - coarse_epoch_ns_) / 1'000'000), value, limit});
    };
    raise(long_queue_alarm, event_kind::long_message_queue, p->mailbox_length(), options_.long_message_queue);
    raise(large_memory_alarm, event_kind::large_memory, p->memory_bytes(), options_.large_memory_bytes);
}

void node_impl::rearm_alarms(process* p) {
    std::uint8_t clear = 0;
    if (p->mailbox_length() < options_.long_message_queue / 2) clear |= long_queue_alarm;
    if (p->memory_bytes() < options_.large_memory_bytes / 2) clear |= large_memory_alarm;
    if (clear) p->alarms.fetch_and(static_cast<std::uint8_t>(~clear), std::memory_order_relaxed);
}

std::vector<runtime_event> node_impl::events() const {
    std::lock_guard lock(events_mutex_);
    return {events_.begin(), events_.end()};
}

void node_impl::record_event(const runtime_event& e) {
    std::lock_guard lock(events_mutex_);
    events_.push_back(e);
    if (events_.size() > 1024) events_.pop_front();
}

// ---- scheduling -------------------------------------------------------------

void node_impl::schedule(process* p) {
    p->status.store(process_status::runnable, std::memory_order_relaxed);
    thread_state& ts = this_thread_state();
    // A process waking another holds a fresh coarse time already.
    p->since_ns.store(ts.current ? ts.run_started_ns : fast_now_ns(), std::memory_order_relaxed);
    if (p->prio.load(std::memory_order_relaxed) == priority::normal && ts.sched && ts.node == this) {
        // On one of our schedulers: run it next on this thread, where the
        // data it was sent is still in cache.
        ts.sched->push_local(p, true);
        return;
    }
    push_global(p);
}

void node_impl::push_global(process* p) {
    const int prio = static_cast<int>(p->prio.load(std::memory_order_relaxed));
    {
        std::lock_guard lock(global_mutex_);
        global_[prio].push(p);
        per_prio_count_[prio].fetch_add(1, std::memory_order_relaxed);
        global_count_.fetch_add(1, std::memory_order_release);
    }
    wake_one();
}

void node_impl::push_global_batch(process* const* batch, std::uint32_t n) {
    const int normal = static_cast<int>(priority::normal);
    {
        std::lock_guard lock(global_mutex_);
        for (std::uint32_t i = 0; i < n; ++i) global_[normal].push(batch[i]);
        per_prio_count_[normal].fetch_add(n, std::memory_order_relaxed);
        global_count_.fetch_add(n, std::memory_order_release);
    }
    wake_one();
}

std::uint32_t node_impl::pop_global_batch(process** out, std::uint32_t max) {
    const int normal = static_cast<int>(priority::normal);
    if (per_prio_count_[normal].load(std::memory_order_acquire) == 0) return 0;
    std::lock_guard lock(global_mutex_);
    std::uint32_t n = 0;
    while (n < max)
        if (process* p = global_[normal].pop()) out[n++] = p;
        else break;
    per_prio_count_[normal].fetch_sub(n, std::memory_order_relaxed);
    global_count_.fetch_sub(n, std::memory_order_relaxed);
    return n;
}

process* node_impl::pop_global(priority prio) {
    const int i = static_cast<int>(prio);
    if (per_prio_count_[i].load(std::memory_order_acquire) == 0) return nullptr;
    std::lock_guard lock(global_mutex_);
    process* p = global_[i].pop();
    if (p) {
        per_prio_count_[i].fetch_sub(1, std::memory_order_relaxed);
        global_count_.fetch_sub(1, std::memory_order_relaxed);
    }
    return p;
}

// The pusher published its work before calling this. Both this and
// enter_idle make a read-modify-write of idle_count_, so one of the two
// comes second and sees the other: either the pusher sees the sleeper, or
// the sleeper's re-check sees the work. (RMWs rather than fences, which
// ThreadSanitizer cannot follow.)
void node_impl::wake_one() {
    if (idle_count_.fetch_add(0, std::memory_order_seq_cst) == 0 || spinning_.load(std::memory_order_relaxed) > 0) return;
    scheduler* s = nullptr;
    {
        std::lock_guard lock(idle_mutex_);
        if (idle_.empty()) return;
        s = idle_.back();
        idle_.pop_back();
        idle_count_.fetch_sub(1, std::memory_order_relaxed);
    }
    s->unpark();
}

void node_impl::enter_idle(scheduler* s) {
    {
        std::lock_guard lock(idle_mutex_);
        idle_.push_back(s);
        idle_count_.fetch_add(1, std::memory_order_seq_cst);
    }
}

bool node_impl::leave_idle(scheduler* s) {
    std::lock_guard lock(idle_mutex_);
    auto it = std::find(idle_.begin(), idle_.end(), s);
    if (it == idle_.end()) return false;
    idle_.erase(it);
    idle_count_.fetch_sub(1, std::memory_order_relaxed);
    return true;
}

// ---- delivery ---------------------------------------------------------------

bool node_impl::deliver(std::uint32_t index, std::uint32_t serial, envelope* e) {
    flush_outbox();
    e->next = nullptr;
    return deliver_chain(index, serial, e, e, e->kind == envelope_kind::message ? 1 : 0);
}

void node_impl::trace_chain(process* p, std::uint32_t index, std::uint32_t serial, envelope* newest, envelope* oldest, std::uint32_t messages) {
    if (!messages || p->current_serial() != serial) return;
    const pid to = local_pid(index, serial);
    for (envelope* e = newest;; e = e->next) {
        if (e->kind == envelope_kind::message) trace_message(local_pid(e->from_index, e->from_serial), to, e->payload, p);
        if (e == oldest) break;
    }
}

bool node_impl::deliver_chain(std::uint32_t index, std::uint32_t serial, envelope* newest, envelope* oldest, std::uint32_t messages) {
    process* p = table_.at(index);
    const std::uint64_t tag = inbox::tag_of(serial);
    const std::uint32_t oldest_stamp = oldest->sent_at; // the owner may free it once pushed
    if (p && p->traced.load(std::memory_order_relaxed)) [[unlikely]]
        trace_chain(p, index, serial, newest, oldest, messages);
    std::uint64_t word = p ? p->inbox.load(std::memory_order_acquire) : 0;
    for (;;) {
        // A different tag: the block belongs to a later process now.
        if (!p || (word & ~inbox::pointer_mask) != tag || inbox::state(word) == inbox::closed || p->current_serial() != serial) {
            for (envelope* e = newest; e;) {
                envelope* next = e == oldest ? nullptr : e->next;
                free_envelope(e);
                e = next;
            }
            return false;
        }
        oldest->next = inbox::holds_envelopes(word) ? inbox::first(word) : nullptr;
        if (p->inbox.compare_exchange_weak(word, tag | reinterpret_cast<std::uint64_t>(newest), std::memory_order_release, std::memory_order_acquire))
            break;
    }
    // The envelopes are the receiver's now: only p's own fields from here.
    // Pushed onto an inbox that held none: the inbox's oldest is ours. (A
    // sampler reading between the push and this store sees the stamp of an
    // earlier batch for a moment; the engine's warnings want two samples.)
    if (!inbox::holds_envelopes(word)) p->inbox_first_stamp.store(oldest_stamp, std::memory_order_relaxed);
    if (messages) p->messages_in.fetch_add(messages, std::memory_order_relaxed);
    if (inbox::state(word) == inbox::parked) wake(p);
    return true;
}

bool node_impl::deliver(const pid& to, envelope* e) {
    if (!is_local(to)) { // no distribution yet
        free_envelope(e);
        return false;
    }
    return deliver(to.id, to.serial, e);
}

void node_impl::wake(process* p) {
    if (p->external.load(std::memory_order_relaxed)) {
        p->probe_wake.store(1, std::memory_order_release);
        futex_wake_one(p->probe_wake);
        return;
    }
    schedule(p);
}

// ---- registry ---------------------------------------------------------------

bool node_impl::register_name(atom name, process* p) {
    if (name == atoms::undefined) return false;
    std::lock_guard lock(registry_mutex_);
    if (names_.contains(name.index()) || p->registered_name.load(std::memory_order_relaxed) != 0) return false;
    names_.emplace(name.index(), p->id());
    p->registered_name.store(name.index(), std::memory_order_seq_cst);
    // A process dying meanwhile clears `alive`, then takes its name back
    // (unregister_process), both seq_cst: either it sees the name set here
    // and removes it, or this sees it dead and undoes the registration. A
    // name never stays with a dead pid.
    if (!p->alive.load(std::memory_order_seq_cst) || p->is_zombie()) {
        names_.erase(name.index());
        p->registered_name.store(0, std::memory_order_relaxed);
        return false;
    }
    return true;
}

bool node_impl::unregister_name(atom name) {
    std::lock_guard lock(registry_mutex_);
    auto it = names_.find(name.index());
    if (it == names_.end()) return false;
    if (process* p = table_.find(it->second)) p->registered_name.store(0, std::memory_order_relaxed);
    names_.erase(it);
    return true;
}

void node_impl::unregister_process(process* p) {
    const std::uint32_t name = p->registered_name.exchange(0, std::memory_order_seq_cst); // see register_name
    if (name == 0) return;
    std::lock_guard lock(registry_mutex_);
    auto it = names_.find(name);
    if (it != names_.end() && it->second.id == p->index) names_.erase(it);
}

std::optional<pid> node_impl::whereis(atom name) const {
    std::lock_guard lock(registry_mutex_);
    auto it = names_.find(name.index());
    if (it == names_.end()) return std::nullopt;
    return it->second;
}

} // namespace ember::detail
