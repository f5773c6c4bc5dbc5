#pragma once
// The process control block and its mailbox.
//
// Mailbox: senders push envelopes onto `inbox`, a lock-free stack; the owner
// takes the whole stack at once (one exchange) and appends it, reversed
// into arrival order, to its private FIFO `queue`. Signals (exit, link,
// monitor, timeout) travel the same way, so they stay ordered with messages
// from the same sender, and are handled as they are taken.
//
// The inbox word also carries the wake-up protocol and guards against pid
// reuse: bits 48..63 hold the low 16 bits of the process's serial, bits
// 0..47 a pointer or one of the states below. A sender whose pid's serial
// does not match the tag, or who finds the inbox closed, knows the process
// is dead; the sender who replaces `parked` must schedule the process.
//
// Thread ownership: fields under "owner" are touched only by the thread
// running the process; counters are atomics written by the owner (relaxed
// load+store, no read-modify-write) and read by anyone; `relations` is
// guarded by `relations_lock` because the tools read it.

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <vector>

#include "ember/runtime/coroutine.hpp"
#include "ember/runtime/process.hpp"
#include "ember/runtime/stats.hpp"
#include "ember/term/term.hpp"

namespace ember::detail {

class node_impl;

enum class envelope_kind : std::uint8_t {
    message,
    exit,        // exit/2 from a process or the node: payload is the reason
    exit_linked, // a linked process died: payload is the reason
    link,
    unlink,
    monitor,     // payload: the reference
    demonitor,   // payload: the reference
    timeout,     // a receive timer fired: payload is the wait token
    reply,       // {Tag, Reply}: kept only while the receiver has Tag open
    down,        // a DOWN message: kept only while the receiver still monitors
    peek,        // node::peek_mailbox: payload {Tag, N}; answered with a reply to the sender
};

/// One message or signal in flight. Pooled per thread (pools.cpp).
struct envelope {
    envelope* next;
    term payload;
    std::uint32_t from_index;
    std::uint32_t from_serial;
    envelope_kind kind;
    /// When it was made, as a mail_clock stamp (fits the padding: the
    /// envelope stays 32 bytes).
    std::uint32_t sent_at;
};

/// Stamps for envelopes: the coarse clock in units of 2^20 ns (about 1.05
/// ms; a shift, not a division, since every run sets it), odd so never 0
/// (0 means none in the fields below), wrapping after 52 days (ages are
/// differences). On a scheduler thread it is the time of the current run's
/// start, which the scheduler read anyway: free, and late by at most the
/// sender's current run. Elsewhere it reads the clock.
inline std::uint32_t mail_stamp(std::int64_t coarse_ns) noexcept {
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(coarse_ns) >> 20) | 1u;
}
/// A difference of two stamps in milliseconds.
inline std::uint64_t mail_stamp_ms(std::uint32_t difference) noexcept { return std::uint64_t{difference} * 1'048'576 / 1'000'000; }
extern thread_local std::uint32_t mail_stamp_now [[gnu::tls_model("initial-exec")]];
std::uint32_t mail_clock_read() noexcept;
inline std::uint32_t mail_clock() noexcept {
    const std::uint32_t s = mail_stamp_now;
    return s ? s : mail_clock_read();
}
/// The scheduler tells mail_clock the time it just read at a run's start.
inline void set_mail_clock(std::int64_t coarse_ns) noexcept { mail_stamp_now = mail_stamp(coarse_ns); }
/// This thread leaves the scheduler: mail_clock reads the clock again.
inline void clear_mail_clock() noexcept { mail_stamp_now = 0; }

envelope* new_envelope(envelope_kind kind, term payload, std::uint32_t from_index = 0, std::uint32_t from_serial = 0);
void free_envelope(envelope* e) noexcept;
/// The inbox is a stack: this turns a taken list into arrival order.
envelope* reverse_envelopes(envelope* e);

namespace inbox {
inline constexpr std::uint64_t empty = 0;
inline constexpr std::uint64_t parked = 1; // empty, and the owner waits to be woken
inline constexpr std::uint64_t closed = 2; // the process is exiting or dead
inline constexpr std::uint64_t pointer_mask = (std::uint64_t{1} << 48) - 1;

inline std::uint64_t tag_of(std::uint32_t serial) { return std::uint64_t{serial & 0xFFFF} << 48; }
inline std::uint64_t state(std::uint64_t word) { return word & pointer_mask; }
inline bool holds_envelopes(std::uint64_t word) { return state(word) > closed; }
inline envelope* first(std::uint64_t word) { return reinterpret_cast<envelope*>(state(word)); }
} // namespace inbox

/// True when `p` names a process of this node (there is no distribution yet).
inline bool is_local(const pid& p) noexcept {
    const node_identity local = local_node();
    return p.node == local.name && p.creation == local.creation;
}

/// The pid of this node's block `index` at `serial`.
inline pid local_pid(std::uint32_t index, std::uint32_t serial) noexcept {
    const node_identity local = local_node();
    return pid{local.name, index, serial, local.creation};
}

/// A relation to another process, as the owner sees it.
struct relation {
    enum kind_t : std::uint8_t { link, monitoring, monitored_by } kind;
    std::uint32_t index;
    std::uint32_t serial;
    term ref; // monitors only
};

/// How a run of a process ended; set by the awaiter that suspended it.
enum class run_outcome : std::uint8_t { finished, parked, yielded };

/// A small spin lock for rarely contended data (the relation list).
class spin_lock {
public:
    void lock() noexcept {
        while (flag_.exchange(true, std::memory_order_acquire))
            while (flag_.load(std::memory_order_relaxed)) {}
    }
    void unlock() noexcept { flag_.store(false, std::memory_order_release); }

private:
    std::atomic<bool> flag_{false};
};

/// Relaxed counter written by one thread, read by any.
struct owner_counter {
    std::atomic<std::uint64_t> value{0};
    void add(std::uint64_t n) noexcept { value.store(value.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
    void sub(std::uint64_t n) noexcept { value.store(value.load(std::memory_order_relaxed) - n, std::memory_order_relaxed); }
    std::uint64_t get() const noexcept { return value.load(std::memory_order_relaxed); }
};

struct process {
    // --- written by other threads ---
    std::atomic<std::uint64_t> inbox{inbox::empty};
    std::atomic<std::uint64_t> messages_in{0};
    // The stamp of the oldest envelope in the inbox, stored by the sender
    // who pushed onto an inbox that held none; meaningful only while the
    // inbox word holds envelopes (so nobody ever clears it).
    std::atomic<std::uint32_t> inbox_first_stamp{0};

    // --- identity (the PCB keeps its index for ever; serial grows on reuse) ---
    std::uint32_t index = 0;
    std::atomic<std::uint32_t> serial{0};
    std::atomic<bool> alive{false};
    node_impl* node = nullptr;

    // --- owner ---
    std::coroutine_handle<process_task::promise_type> top;
    std::coroutine_handle<> resume_point;
    envelope* queue_head = nullptr;

    // --- what the tools read (node_stats.cpp's read_stats): together, so
    // that a scan of a million processes reads three cache lines of each
    // (this one, the one above and the identity above it), not five.
    // Flags and counters are written by the owner (or, for the flags, as
    // their comments say) and read by anyone, hence atomic (relaxed:
    // figures, not sync).
    std::atomic<process_status> status{process_status::runnable};
    std::atomic<bool> trap_exit{false};
    std::atomic<bool> external{false}; // a probe: woken through probe_wake, never scheduled
    std::atomic<bool> suspended{false}; // sys-suspended: the tools show it so until it resumes
    std::atomic<bool> behaviour{false}; // answers sys requests (gen_server and what is built on it)
    // Held by node::suspend (a process that is no behaviour): its scheduler
    // does not run it until node::resume, but still takes in its signals,
    // so a kill ends it. `on_hold` (under relations_lock) says it is parked
    // for that reason, so that resume schedules it exactly once.
    std::atomic<bool> held{false};
    std::atomic<priority> prio{priority::normal};
    // --- runaways: 0 normal, 1 runaway (its thread was handed to it),
    // 2 zombie (killed while a runaway). Set by the watchdog and killers,
    // taken back by the owner at its next checkpoint or receive.
    std::atomic<std::uint8_t> runaway{0};
    owner_counter reductions, messages_out, messages_taken, memory, run_time_ns;
    // Scheduling latency, sampled (scheduler::run): runs sampled, and the
    // time spent runnable before them.
    owner_counter latency_samples, runnable_wait_ns;
    // Fast-clock time of the state it is in: while running, when the run
    // began (run_time_ns grows only when a run ends, and a runaway's never
    // does, yet `top` must show it climbing); while runnable, when it became
    // so (stored by whoever made it runnable); 0 while it waits.
    std::atomic<std::int64_t> since_ns{0};
    std::atomic<const char*> initial_call{nullptr};
    std::atomic<const char*> current_label{nullptr};
    std::atomic<std::uint32_t> registered_name{0}; // atom index; 0 ('undefined') is none
    // The stamp of the private queue's head as of its last wait (0: empty
    // then); with inbox_first_stamp, the age of the oldest waiting message.
    std::atomic<std::uint32_t> queue_first_stamp{0};
    std::atomic<std::uint64_t> parent{0};           // index << 32 | serial
    std::atomic<std::uint64_t> started_ns{0};

    // --- owner ---
    envelope** queue_tail = &queue_head;
    receive_state* waiting_on = nullptr;
    std::uint64_t wait_token = 0;
    std::int32_t budget = 0;
    bool exit_pending = false;
    bool on_hold = false;
    // node::trace: its sends and deliveries go to the node's tracer table.
    std::atomic<bool> traced{false};
    // A kill was sent to it (mark_doomed): node::is_alive says false though
    // it has not unwound yet. Set and reset under relations_lock.
    std::atomic<bool> doomed{false};
    term exit_reason;
    process* next_runnable = nullptr; // link in the node's global queues
    std::vector<term> reply_tags;     // open reply tags (open_reply_tag); few, often one
    // Events already raised for this process and not yet rearmed (bits of
    // growth_alarm): set by whoever sees a threshold crossed, cleared by the
    // owner when the figure falls below half of it.
    std::atomic<std::uint8_t> alarms{0};

    // --- relations ---
    spin_lock relations_lock;
    std::vector<relation> relations;

    // --- timers: the send_after timers aimed at this process, a list
    // through the timer service's slab, as serial << 32 | (first entry + 1);
    // 0, or a serial not this process's (a list an earlier user of the
    // block left: a probe ends without finish_process), is none. Only
    // timer_service touches it, under its mutex, except one lock-free read
    // when the process dies (drop_message_timers' fast path), hence atomic.
    std::atomic<std::uint64_t> message_timers{0};

    /// Dead to the node (links and monitors told, name freed) though its
    /// code still runs.
    bool is_zombie() const noexcept { return runaway.load(std::memory_order_acquire) == 2; }

    // --- probes only ---
    std::atomic<std::uint32_t> probe_wake{0};

    pid id() const noexcept;
    std::uint32_t current_serial() const noexcept { return serial.load(std::memory_order_relaxed); }
    // A sender counts a message after pushing it, so for a moment the
    // owner may have taken more than were counted in.
    std::uint64_t mailbox_length() const noexcept {
        const std::uint64_t taken = messages_taken.get(), in = messages_in.load(std::memory_order_relaxed);
        return in > taken ? in - taken : 0;
    }
    /// Memory as the tools count it: frames plus queued envelopes.
    std::size_t memory_bytes() const noexcept { return memory.get() + mailbox_length() * sizeof(envelope); }
};

/// Publishes the stamp of the private queue's head (mailbox.cpp). Owner.
inline void publish_queue_head(process* p) noexcept {
    p->queue_first_stamp.store(p->queue_head ? p->queue_head->sent_at : 0, std::memory_order_relaxed);
}

/// Bits of process::alarms.
enum growth_alarm : std::uint8_t { long_queue_alarm = 1, large_memory_alarm = 2 };

} // namespace ember::detail
