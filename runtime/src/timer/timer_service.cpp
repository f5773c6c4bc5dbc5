// Timing wheel with exact deadlines; see timer_service.hpp.
// Sections: [starting and cancelling] [target lists] [firing]

#include "timer/timer_service.hpp"

#include <bit>
#include <limits>

#include "node/node_impl.hpp"

namespace ember::detail {

timer_service::timer_service(node_impl& node, bool deterministic) : node_(node), deterministic_(deterministic) {
    if (!deterministic_) thread_ = std::thread([this] { run(); });
}

timer_service::~timer_service() { stop(); }

void timer_service::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::int64_t timer_service::now_ns() const {
    if (deterministic_) {
        std::lock_guard lock(mutex_);
        return virtual_now_;
    }
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - epoch_).count();
}

// [starting and cancelling] -------------------------------------------------

std::uint64_t timer_service::start(std::int64_t delay_ms, std::uint32_t index, std::uint32_t serial, envelope_kind kind, term payload) {
    const std::int64_t deadline = now_ns() + delay_ms * slot_ns;
    // Only a message timer is listed under its target. A timeout's target
    // is the caller, alive, and cancels it itself: no lookup, no list.
    const bool listed = kind == envelope_kind::message;
    process* const target = listed ? node_.table().at(index) : nullptr;
    std::uint64_t id;
    bool earliest;
    {
        std::lock_guard lock(mutex_);
        // Under the lock, so it is ordered with drop_message_timers: a dying
        // target clears its alive flag before it takes the lock to drop.
        // Either this start sees it dead and makes nothing, or it links the
        // timer before the drop, which then finds it.
        if (listed && !target_alive(target, serial)) return 0;
        std::uint32_t slot_entry;
        if (free_entries_.empty()) {
            slot_entry = static_cast<std::uint32_t>(entries_.size());
            entries_.emplace_back();
        } else {
            slot_entry = free_entries_.back();
            free_entries_.pop_back();
        }
        entry& e = entries_[slot_entry];
        e.deadline = deadline;
        e.index = index;
        e.serial = serial;
        e.kind = kind;
        e.payload = std::move(payload);
        e.pending = true;
        if (++e.generation == 0) e.generation = 1; // so no id is ever 0
        place_locked(slot_entry);
        if (listed) link_locked(target, slot_entry);
        ++pending_;
        earliest = deadline < sleeping_until_;
        // Read under the lock: another start may grow (move) entries_ at once.
        id = (std::uint64_t{e.generation} << 32) | slot_entry;
    }
    if (earliest) wake_.notify_one(); // the thread sleeps until a later deadline
    return id;
}

void timer_service::place_locked(std::uint32_t slot_entry) {
    const std::int64_t ms = std::max(entries_[slot_entry].deadline / slot_ns, processed_ms_ + 1);
    const std::size_t slot = static_cast<std::size_t>(ms) % slot_count;
    entries_[slot_entry].slot = static_cast<std::uint16_t>(slot);
    entries_[slot_entry].slot_pos = static_cast<std::uint32_t>(slots_[slot].size());
    slots_[slot].push_back(slot_entry);
    occupied_[slot / 64] |= std::uint64_t{1} << (slot % 64);
}

bool timer_service::cancel(std::uint64_t id) {
    const auto slot_entry = static_cast<std::uint32_t>(id);
    const auto generation = static_cast<std::uint32_t>(id >> 32);
    std::lock_guard lock(mutex_);
    if (slot_entry >= entries_.size()) return false;
    entry& e = entries_[slot_entry];
    if (!e.pending || e.generation != generation) return false;
    if (e.kind == envelope_kind::message) unlink_locked(slot_entry);
    remove_locked(slot_entry);
    return true;
}

// Out of its slot now: cancelled timers (every call that got its reply)
// would otherwise pile up until the wheel reaches them.
[[gnu::always_inline]] inline void timer_service::remove_locked(std::uint32_t slot_entry) {
    entry& e = entries_[slot_entry];
    auto& list = slots_[e.slot];
    const std::uint32_t moved = list.back();
    list[e.slot_pos] = moved;
    entries_[moved].slot_pos = e.slot_pos;
    list.pop_back();
    if (list.empty()) occupied_[e.slot / 64] &= ~(std::uint64_t{1} << (e.slot % 64));
    e.pending = false;
    e.payload = term();
    --pending_;
    free_entries_.push_back(slot_entry);
}

void timer_service::drop_message_timers(process* target) {
    // Nearly every process dies with no timer aimed at it: then no lock.
    // The dying process cleared `alive` (seq_cst) before this load (seq_cst),
    // and a start checks `alive` (seq_cst) before it links (seq_cst store):
    // in their one total order either the start sees it dead and makes
    // nothing, or this load sees the link and takes the lock below.
    if (first_of(target, target->current_serial()) == no_entry) return;
    std::lock_guard lock(mutex_);
    // Its serial moves on only when the block is released, after this.
    for (std::uint32_t i = first_of(target, target->current_serial()); i != no_entry;) {
        entry& e = entries_[i];
        const std::uint32_t next = e.target_next;
        e.target_prev = e.target_next = no_entry;
        remove_locked(i);
        i = next;
    }
    target->message_timers.store(0, std::memory_order_seq_cst);
}

std::size_t timer_service::pending() const {
    std::lock_guard lock(mutex_);
    return pending_;
}

// [target lists] -------------------------------------------------------------
// process::message_timers holds serial << 32 | (first entry + 1). The serial
// makes a list that outlived its process harmless: a probe ends without
// finish_process, so its block may be reused with a head still set. Such a
// list counts as empty for the block's new process; its entries stay
// linked among themselves until they fire (into a dead pid, dropped) or
// are cancelled, and never write the head again (unlink_locked checks it).

// Alive first, with acquire, then the serial: a block released and taken
// again since is seen either dead, or alive with its new serial (the
// allocation that set alive came after the release that moved the serial).
bool timer_service::target_alive(const process* target, std::uint32_t serial) {
    return target && target->alive.load(std::memory_order_seq_cst) && target->current_serial() == serial && !target->is_zombie();
}

std::uint32_t timer_service::first_of(const process* target, std::uint32_t serial) const {
    const std::uint64_t head = target->message_timers.load(std::memory_order_seq_cst);
    if ((head >> 32) != serial || static_cast<std::uint32_t>(head) == 0) return no_entry;
    return static_cast<std::uint32_t>(head) - 1;
}

void timer_service::link_locked(process* target, std::uint32_t slot_entry) {
    entry& e = entries_[slot_entry];
    const std::uint32_t first = first_of(target, e.serial);
    e.target_prev = no_entry;
    e.target_next = first;
    if (first != no_entry) entries_[first].target_prev = slot_entry;
    target->message_timers.store((std::uint64_t{e.serial} << 32) | (slot_entry + 1), std::memory_order_seq_cst);
}

void timer_service::unlink_locked(std::uint32_t slot_entry) {
    entry& e = entries_[slot_entry];
    if (e.target_prev != no_entry) {
        entries_[e.target_prev].target_next = e.target_next;
    } else if (process* target = node_.table().at(e.index); target && first_of(target, e.serial) == slot_entry) {
        target->message_timers.store(e.target_next == no_entry ? 0 : (std::uint64_t{e.serial} << 32) | (e.target_next + 1), std::memory_order_seq_cst);
    }
    if (e.target_next != no_entry) entries_[e.target_next].target_prev = e.target_prev;
    e.target_prev = e.target_next = no_entry;
}

// [firing] -------------------------------------------------------------------

// Slots are visited in time order from the first unprocessed millisecond;
// the first slot holding an entry of this revolution holds the earliest
// deadline. Entries a revolution or more away are found by the fallback.
std::optional<std::int64_t> timer_service::next_deadline_locked() const {
    if (pending_ == 0) return std::nullopt;
    const std::int64_t from = processed_ms_ + 1;
    for (std::int64_t ms = from; ms < from + static_cast<std::int64_t>(slot_count);) {
        const std::size_t slot = static_cast<std::size_t>(ms) % slot_count;
        const std::uint64_t word = occupied_[slot / 64] >> (slot % 64);
        if (word == 0) {
            ms += static_cast<std::int64_t>(64 - slot % 64);
            continue;
        }
        const auto skip = std::countr_zero(word);
        ms += skip;
        const std::size_t s = static_cast<std::size_t>(ms) % slot_count;
        std::optional<std::int64_t> best;
        for (std::uint32_t i : slots_[s]) {
            const entry& e = entries_[i];
            if (e.pending && e.deadline / slot_ns <= ms && (!best || e.deadline < *best)) best = e.deadline;
        }
        if (best) return best;
        ++ms;
    }
    std::optional<std::int64_t> best;
    for (const entry& e : entries_)
        if (e.pending && (!best || e.deadline < *best)) best = e.deadline;
    return best;
}

void timer_service::collect_due_locked(std::int64_t now, std::vector<due>& out) {
    const std::int64_t now_ms = now / slot_ns;
    std::int64_t first = processed_ms_ + 1;
    // After a long sleep, one pass over the wheel visits every slot.
    const std::int64_t last = std::min(now_ms, first + static_cast<std::int64_t>(slot_count) - 1);
    for (std::int64_t ms = first; ms <= last; ++ms) {
        const std::size_t s = static_cast<std::size_t>(ms) % slot_count;
        auto& list = slots_[s];
        std::size_t keep = 0;
        for (std::uint32_t i : list) {
            entry& e = entries_[i];
            if (!e.pending) {
                free_entries_.push_back(i);
            } else if (e.deadline <= now) {
                if (e.kind == envelope_kind::message) unlink_locked(i);
                out.push_back({e.index, e.serial, e.kind, std::move(e.payload)});
                e.pending = false;
                --pending_;
                free_entries_.push_back(i);
            } else {
                e.slot_pos = static_cast<std::uint32_t>(keep);
                list[keep++] = i;
            }
        }
        list.resize(keep);
        if (keep == 0) occupied_[s / 64] &= ~(std::uint64_t{1} << (s % 64));
    }
    // The current millisecond stays unprocessed: more of its timers may
    // come due within it.
    processed_ms_ = std::max(processed_ms_, now_ms - 1);
}

void timer_service::deliver(std::vector<due>& fired) {
    for (due& d : fired) node_.deliver(d.index, d.serial, new_envelope(d.kind, std::move(d.payload)));
    fired.clear();
}

void timer_service::run() {
    std::vector<due> fired;
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        collect_due_locked(now_ns(), fired);
        if (!fired.empty()) {
            lock.unlock();
            deliver(fired);
            lock.lock();
            continue;
        }
        auto next = next_deadline_locked();
        sleeping_until_ = next ? *next : std::numeric_limits<std::int64_t>::max();
        if (!next) wake_.wait(lock);
        else wake_.wait_until(lock, epoch_ + std::chrono::nanoseconds(*next));
        sleeping_until_ = 0;
    }
}

std::optional<std::int64_t> timer_service::next_deadline() {
    std::lock_guard lock(mutex_);
    return next_deadline_locked();
}

void timer_service::advance_to(std::int64_t t) {
    std::vector<due> fired;
    {
        std::lock_guard lock(mutex_);
        virtual_now_ = std::max(virtual_now_, t);
        collect_due_locked(virtual_now_, fired);
    }
    deliver(fired);
}

} // namespace ember::detail
