#pragma once
// A scheduler's local run queue: a fixed ring that only its owner pushes
// to, and that the owner and thieves take from (Go's runq design). The
// owner pushes at the tail without a read-modify-write; takers advance the
// head with a compare-exchange, so a thief can grab half in one step.

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>

namespace ember::detail {

struct process;

class run_queue {
public:
    static constexpr std::uint32_t capacity = 256;

    /// Owner only. False when full (the caller moves work to the global queue).
    bool push(process* p) noexcept {
        const std::uint32_t h = head_.load(std::memory_order_acquire);
        const std::uint32_t t = tail_.load(std::memory_order_relaxed);
        if (t - h >= capacity) return false;
        slots_[t % capacity].store(p, std::memory_order_relaxed);
        tail_.store(t + 1, std::memory_order_release);
        return true;
    }

    /// Owner only: the oldest entry, or nullptr.
    process* pop() noexcept {
        for (;;) {
            std::uint32_t h = head_.load(std::memory_order_acquire);
            const std::uint32_t t = tail_.load(std::memory_order_relaxed);
            if (h == t) return nullptr;
            process* p = slots_[h % capacity].load(std::memory_order_relaxed);
            if (head_.compare_exchange_weak(h, h + 1, std::memory_order_release, std::memory_order_relaxed)) return p;
        }
    }

    /// Owner only: takes up to `n` oldest entries into `out`; returns how many.
    std::uint32_t pop_batch(process** out, std::uint32_t n) noexcept {
        for (;;) {
            std::uint32_t h = head_.load(std::memory_order_acquire);
            const std::uint32_t t = tail_.load(std::memory_order_acquire);
            const std::uint32_t k = std::min(n, t - h);
            for (std::uint32_t i = 0; i < k; ++i) out[i] = slots_[(h + i) % capacity].load(std::memory_order_relaxed);
            if (k == 0) return 0;
            if (head_.compare_exchange_weak(h, h + k, std::memory_order_release, std::memory_order_relaxed)) return k;
        }
    }

    /// Any thread: takes half of this queue (rounded up) into `out`, which
    /// must have room for capacity / 2 + 1 entries; returns how many.
    std::uint32_t steal_half(process** out) noexcept {
        for (;;) {
            std::uint32_t h = head_.load(std::memory_order_acquire);
            const std::uint32_t t = tail_.load(std::memory_order_acquire);
            const std::uint32_t size = t - h;
            if (size == 0 || size > capacity) {
                if (size == 0) return 0;
                continue; // read a torn head/tail pair; try again
            }
            const std::uint32_t k = size - size / 2;
            for (std::uint32_t i = 0; i < k; ++i) out[i] = slots_[(h + i) % capacity].load(std::memory_order_relaxed);
            if (head_.compare_exchange_weak(h, h + k, std::memory_order_release, std::memory_order_relaxed)) return k;
        }
    }

    std::uint32_t size() const noexcept {
        const std::uint32_t h = head_.load(std::memory_order_relaxed);
        const std::uint32_t t = tail_.load(std::memory_order_relaxed);
        return t - h <= capacity ? t - h : 0;
    }

private:
    alignas(64) std::atomic<std::uint32_t> head_{0};
    alignas(64) std::atomic<std::uint32_t> tail_{0};
    std::array<std::atomic<process*>, capacity> slots_{};
};

} // namespace ember::detail
