#pragma once
// Timers of a node: receive timeouts, sleep_for and send_after.
//
// A hashed timing wheel of 4096 one-millisecond slots: starting and
// cancelling a timer is O(1) (a slab entry and a slot push; cancel marks
// the entry). Deadlines keep nanosecond precision: the timer thread sleeps
// until the earliest deadline, found by scanning the slots' occupancy
// bitmap from the current slot, and fires everything due. A timer fires by
// pushing an envelope into its target's inbox, like any sender.
//
// Why one thread for the node rather than a wheel per scheduler: a timer
// then fires on time even when every scheduler is busy or a runaway holds
// one, and parked schedulers need no timed waits.
//
// Deterministic mode: no thread and a virtual clock that only
// advance_to() moves.
//
// Message timers (send_after) die with their target, as Erlang's: a timer
// to a dead pid is never made, and a target's exit (finish_process) drops
// the timers aimed at it. For that the message timers of one target form
// a doubly linked list through their slab entries, its head in the
// target's process block (process::message_timers). Why intrusive rather
// than a map from target to timers: start and cancel stay O(1) with no
// allocation (a periodic tick would otherwise insert and erase a map node
// per period), and the blocks are never freed, so the head is always
// there to write. Receive timeouts are not in any list: the owner cancels
// them itself, and they cost what they cost before. Since the heads live
// in the blocks, message timers to a node's processes belong in that
// node's one service (tests that make a second one use it on probes only).
//
// Locking: `mutex_` guards the members declared after it (the wheel, the
// slab, the counts) and every process block's `message_timers`, which only
// this class touches. start, cancel and drop_message_timers run on any
// thread (the dying process's scheduler for a drop); the timer thread
// fires under it and delivers after letting go. It is a leaf lock: nothing
// under it takes another lock (table().at() is lock-free) or delivers.

#include <array>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "process/process.hpp"

namespace ember::detail {

class node_impl;

class timer_service {
public:
    timer_service(node_impl& node, bool deterministic);
    ~timer_service();

    /// Node time in nanoseconds (virtual in deterministic mode).
    std::int64_t now_ns() const;

    /// Pushes an envelope of `kind` with `payload` to the process at
    /// (index, serial) after `delay_ms`. Returns an id for cancel, never 0
    /// except for a message timer whose target is dead (or a zombie) now:
    /// then nothing is made and 0 is returned (cancel(0) is false). A
    /// timeout is not checked: its target is the caller. Any thread.
    std::uint64_t start(std::int64_t delay_ms, std::uint32_t index, std::uint32_t serial, envelope_kind kind, term payload);
    /// True when the timer was pending and now never fires. Any thread.
    bool cancel(std::uint64_t id);
    /// Drops every message timer aimed at `target`, which is dying: its
    /// alive flag is cleared already (so no start adds one after this) and
    /// its serial not moved on yet. Called by finish_process on the dying
    /// process's thread. Timers it started to others are left alone.
    void drop_message_timers(process* target);
    /// Timers pending (not fired, not cancelled, not dropped). Any thread;
    /// for tests and tools.
    std::size_t pending() const;

    /// Deterministic mode: the earliest pending deadline, if any.
    std::optional<std::int64_t> next_deadline();
    /// Deterministic mode: moves the virtual clock to `t` and fires what is due.
    void advance_to(std::int64_t t);

    void stop();

private:
    static constexpr std::size_t slot_count = 4096;
    static constexpr std::int64_t slot_ns = 1'000'000;

    static constexpr std::uint32_t no_entry = 0xFFFF'FFFF;

    struct entry {
        std::int64_t deadline = 0;
        std::uint32_t generation = 0;
        std::uint32_t index = 0;
        std::uint32_t serial = 0;
        envelope_kind kind = envelope_kind::message;
        bool pending = false;
        std::uint16_t slot = 0;     // where it waits, so a cancel can take
        std::uint32_t slot_pos = 0; // it out at once (a call's timer nearly always is)
        // Message timers only: the other pending message timers of the
        // same target (index, serial); no_entry ends the list.
        std::uint32_t target_prev = no_entry;
        std::uint32_t target_next = no_entry;
        term payload;
    };
    struct due {
        std::uint32_t index, serial;
        envelope_kind kind;
        term payload;
    };

    void run();
    void collect_due_locked(std::int64_t now, std::vector<due>& out);
    std::optional<std::int64_t> next_deadline_locked() const;
    void deliver(std::vector<due>& fired);
    void place_locked(std::uint32_t slot_entry);
    void remove_locked(std::uint32_t slot_entry);
    // The target's list of message timers (see the top of this file).
    static bool target_alive(const process* target, std::uint32_t serial);
    std::uint32_t first_of(const process* target, std::uint32_t serial) const;
    void link_locked(process* target, std::uint32_t slot_entry);
    void unlink_locked(std::uint32_t slot_entry);

    node_impl& node_;
    const bool deterministic_;
    const std::chrono::steady_clock::time_point epoch_ = std::chrono::steady_clock::now();
    std::int64_t virtual_now_ = 0;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<entry> entries_;
    std::vector<std::uint32_t> free_entries_;
    std::array<std::vector<std::uint32_t>, slot_count> slots_;
    std::array<std::uint64_t, slot_count / 64> occupied_{};
    std::int64_t processed_ms_ = -1; // every slot up to this millisecond is done
    std::size_t pending_ = 0;
    // The deadline the thread sleeps until (INT64_MAX: no deadline; 0:
    // awake): a new timer wakes it only when it is due before that.
    std::int64_t sleeping_until_ = 0;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace ember::detail
