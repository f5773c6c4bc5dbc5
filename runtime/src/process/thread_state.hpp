#pragma once
// What each thread is doing for the runtime: which node and scheduler it
// serves, the process it runs, and the messages it has not delivered yet.
// Defined in thread_state.cpp. Every thread has one; scheduler threads,
// probes and deterministic runs set it through thread_role.

#include <cstdint>

#include "process/process.hpp"

namespace ember::detail {

class node_impl;
class scheduler;

/// Messages a running process sent to one receiver and that are not
/// delivered yet: consecutive sends to the same pid are chained here and
/// pushed with one compare-exchange when the process sends elsewhere,
/// receives, reaches a checkpoint or exits. Fan-in then costs one atomic
/// operation per batch instead of two per message; per-pair order and
/// "delivered by the time the sender waits" both hold.
struct outbox {
    std::uint32_t index = 0;
    std::uint32_t serial = 0;
    envelope* newest = nullptr; // the chain runs newest to oldest, as the inbox stack does
    envelope* oldest = nullptr;
    std::uint32_t count = 0;
    node_impl* node = nullptr;
};

/// What the current thread is doing. Read only through these out-of-line
/// functions: Clang may cache the address of a thread_local across a
/// co_await, and a process can resume on another thread.
struct thread_state {
    outbox out;
    node_impl* node = nullptr;
    scheduler* sched = nullptr;
    process* current = nullptr;
    process* frame_owner = nullptr; // a process being spawned: its frame is charged to it
    run_outcome outcome = run_outcome::finished;
    std::int64_t run_started_ns = 0;
};
[[gnu::noinline]] thread_state& this_thread_state() noexcept;

/// Makes this thread act for `node` (and optionally as `current`) for a
/// scope, then restores what it was: for code that runs process-side work
/// outside a scheduler loop (probes, teardown, deterministic runs). Sends
/// made meanwhile are delivered before the scope ends.
class thread_role {
public:
    thread_role(node_impl* node, scheduler* sched, process* current) : ts_(this_thread_state()), saved_{ts_.node, ts_.sched, ts_.current} {
        ts_.node = node;
        ts_.sched = sched;
        ts_.current = current;
    }
    ~thread_role();
    thread_role(const thread_role&) = delete;
    thread_role& operator=(const thread_role&) = delete;
    void act_as(process* current) noexcept { ts_.current = current; }

private:
    thread_state& ts_;
    struct {
        node_impl* node;
        scheduler* sched;
        process* current;
    } saved_;
};
/// The running process; asserts that there is one.
process& running_process() noexcept;

/// Adds a message for `to` to the thread's outbox (see outbox).
void post(node_impl& n, const pid& to, term message);
/// Delivers the thread's outbox, if it holds anything.
void flush_outbox() noexcept;

} // namespace ember::detail
