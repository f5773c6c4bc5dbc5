#pragma once
// The process table: every control block the node ever made, indexed by
// pid index. Blocks are made in chunks and never freed while the node
// lives, so a tool reading a block that was just reused reads valid memory
// (of the new process; the serial tells). Freed blocks are reused, which
// also reuses their memory: a warm spawn touches no fresh page.

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "process/process.hpp"

namespace ember::detail {

class process_table {
public:
    static constexpr std::size_t chunk_size = 1024;
    /// Blocks a cache keeps before it gives a batch back to the shared list.
    static constexpr std::size_t cache_limit = 1024;
    /// Caches at most (one per scheduler object: node_impl makes no more
    /// than this many).
    static constexpr std::size_t max_caches = 256;

    process_table(node_impl& node, std::size_t limit);
    ~process_table();

    /// A free block with `alive` set and a fresh serial, or nullptr at the
    /// limit. `cache` is the caller's private free list (a scheduler's), or
    /// nullptr to use only the shared one.
    process* allocate(std::vector<process*>* cache);
    /// Returns a dead process's block; its serial moves on.
    void release(process* p, std::vector<process*>* cache);

    /// The block at `index`, or nullptr beyond what was ever made.
    process* at(std::uint32_t index) const noexcept {
        const std::size_t chunk = index / chunk_size;
        if (chunk >= max_chunks_) return nullptr;
        process* c = chunks_[chunk].load(std::memory_order_acquire);
        return c ? c + (index % chunk_size) : nullptr;
    }
    /// The live process `p` names, or nullptr.
    process* find(const pid& p) const noexcept;

    std::size_t live() const noexcept { return live_.load(std::memory_order_relaxed); }
    std::size_t limit() const noexcept { return limit_; }
    std::size_t made() const noexcept { return made_.load(std::memory_order_acquire); }

private:
    node_impl& node_;
    std::size_t limit_;
    std::size_t max_chunks_;
    std::unique_ptr<std::atomic<process*>[]> chunks_;
    std::atomic<std::size_t> made_{0};
    std::atomic<std::size_t> live_{0};
    std::mutex mutex_;           // guards free_ and chunk creation
    std::vector<process*> free_;
};

} // namespace ember::detail
