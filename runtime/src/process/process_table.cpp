// Process table: chunked, never shrinking, with per-scheduler free caches.

#include "process/process_table.hpp"

#include <algorithm>
#include <cassert>

#include "ember/term/term.hpp"

namespace ember::detail {
namespace {
constexpr std::size_t transfer_batch = 256; // blocks moved per lock between cache and shared list
}

// Free blocks can sit in the schedulers' caches while the shared list is
// dry, so the table may need chunks beyond what `limit` live processes fill:
// room for every cache held full, on top of the limit. Only the pointer
// array is sized for it; chunks are made when needed.
process_table::process_table(node_impl& node, std::size_t limit)
    : node_(node), limit_(limit), max_chunks_((limit + max_caches * cache_limit + chunk_size - 1) / chunk_size),
      chunks_(std::make_unique<std::atomic<process*>[]>(max_chunks_)) {}

process_table::~process_table() {
    for (std::size_t i = 0; i < max_chunks_; ++i) delete[] chunks_[i].load();
}

process* process_table::allocate(std::vector<process*>* cache) {
    if (live_.fetch_add(1, std::memory_order_relaxed) >= limit_) {
        live_.fetch_sub(1, std::memory_order_relaxed);
        return nullptr;
    }
    process* p = nullptr;
    if (cache && !cache->empty()) {
        p = cache->back();
        cache->pop_back();
    } else {
        std::lock_guard lock(mutex_);
        if (free_.empty()) {
            // A new chunk: its blocks go to the shared list, except the ones
            // handed out below.
            const std::size_t first = made_.load(std::memory_order_relaxed);
            if (first / chunk_size >= max_chunks_) { // more caches than max_caches: never write past the array
                live_.fetch_sub(1, std::memory_order_relaxed);
                return nullptr;
            }
            auto* chunk = new process[chunk_size];
            for (std::size_t i = 0; i < chunk_size; ++i) {
                chunk[i].index = static_cast<std::uint32_t>(first + i);
                chunk[i].node = &node_;
            }
            chunks_[first / chunk_size].store(chunk, std::memory_order_release);
            made_.store(first + chunk_size, std::memory_order_release);
            for (std::size_t i = chunk_size; i-- > 0;) free_.push_back(&chunk[i]);
        }
        // Refill the caller's cache too, so the next spawns take no lock.
        const std::size_t batch = cache ? std::min<std::size_t>(free_.size() - 1, transfer_batch) : 0;
        for (std::size_t i = 0; i < batch; ++i) {
            cache->push_back(free_.back());
            free_.pop_back();
        }
        p = free_.back();
        free_.pop_back();
    }
    p->inbox.store(inbox::tag_of(p->current_serial()) | inbox::empty, std::memory_order_relaxed);
    p->alive.store(true, std::memory_order_release);
    return p;
}

void process_table::release(process* p, std::vector<process*>* cache) {
    p->alive.store(false, std::memory_order_release);
    p->serial.store(p->current_serial() + 1, std::memory_order_release);
    live_.fetch_sub(1, std::memory_order_relaxed);
    if (!cache) {
        std::lock_guard lock(mutex_);
        free_.push_back(p);
        return;
    }
    cache->push_back(p);
    if (cache->size() < cache_limit) return;
    // Full: a batch goes to the shared list under one lock.
    std::lock_guard lock(mutex_);
    free_.insert(free_.end(), cache->end() - transfer_batch, cache->end());
    cache->resize(cache->size() - transfer_batch);
}

process* process_table::find(const pid& id) const noexcept {
    if (!is_local(id)) return nullptr;
    process* p = at(id.id);
    if (!p || p->current_serial() != id.serial || !p->alive.load(std::memory_order_acquire)) return nullptr;
    if (p->is_zombie()) return nullptr;
    return p;
}

} // namespace ember::detail
