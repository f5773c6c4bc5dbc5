#pragma once
// A wait with a timeout on a 32-bit atomic, and its wake: what a probe's
// thread sleeps on. std::atomic::wait has no timeout, and its notify may
// skip the system call when no std::atomic waiter is registered, so the two
// sides must use these together. One file per platform: futex_linux.cpp.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace ember::detail {

/// Sleeps while `word` holds `expected`, at most `timeout`; may return
/// early (spurious wake-ups): the caller re-checks.
void futex_wait_for(std::atomic<std::uint32_t>& word, std::uint32_t expected, std::chrono::nanoseconds timeout) noexcept;
/// Wakes one thread sleeping in futex_wait_for on `word`.
void futex_wake_one(std::atomic<std::uint32_t>& word) noexcept;

} // namespace ember::detail
