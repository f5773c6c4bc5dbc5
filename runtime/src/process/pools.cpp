// Per-thread pools for envelopes and coroutine frames.
//
// Messages are made on the sender's thread and freed on the receiver's, and
// frames are made and freed at spawn and exit rates, so both come from
// per-thread free lists: no lock, no malloc on the steady path, and memory
// freed by one process is reused by the next (a warm spawn touches no fresh
// page). Each list is capped; beyond it memory goes back to malloc.

#include <cassert>
#include <cstdlib>
#include <new>

#include "node/node_impl.hpp"
#include "platform/fast_clock.hpp"

namespace ember::detail {

namespace {

// A singly linked free list of fixed-size blocks.
struct free_list {
    void* head = nullptr;
    std::size_t count = 0;
    void* pop() noexcept {
        void* p = head;
        if (p) {
            head = *static_cast<void**>(p);
            --count;
        }
        return p;
    }
    void push(void* p) noexcept {
        *static_cast<void**>(p) = head;
        head = p;
        ++count;
    }
};

// Per-thread lists that return every cached block to malloc when the thread
// ends. A block freed after that (a frame destroyed late in thread exit)
// goes straight back to malloc.
template <std::size_t N>
struct free_lists {
    free_list lists[N];
    bool destroyed = false;
    ~free_lists() {
        for (auto& l : lists)
            while (void* p = l.pop()) std::free(p);
        destroyed = true;
    }
};

constexpr std::size_t envelope_cache_limit = 16384;

constexpr std::size_t frame_granule = 32;
constexpr std::size_t frame_classes = 64; // frames up to 2 KiB are pooled
constexpr std::size_t frame_cache_limit = 8192;

free_lists<1>& envelope_pool() {
    thread_local free_lists<1> pool [[gnu::tls_model("initial-exec")]];
    return pool;
}

free_lists<frame_classes>& frame_pool() {
    thread_local free_lists<frame_classes> pool [[gnu::tls_model("initial-exec")]];
    return pool;
}

static_assert(sizeof(envelope) == 32, "the stamp fits the padding");

process* frame_charge_target() noexcept {
    thread_state& ts = this_thread_state();
    return ts.frame_owner ? ts.frame_owner : ts.current;
}

} // namespace

thread_local std::uint32_t mail_stamp_now [[gnu::tls_model("initial-exec")]] = 0;

std::uint32_t mail_clock_read() noexcept { return mail_stamp(fast_now_ns()); }

envelope* new_envelope(envelope_kind kind, term payload, std::uint32_t from_index, std::uint32_t from_serial) {
    auto& pool = envelope_pool();
    void* memory = pool.destroyed ? nullptr : pool.lists[0].pop();
    if (!memory) memory = std::malloc(sizeof(envelope));
    if (!memory) throw std::bad_alloc();
    return new (memory) envelope{nullptr, std::move(payload), from_index, from_serial, kind, mail_clock()};
}

void free_envelope(envelope* e) noexcept {
    auto& pool = envelope_pool();
    e->~envelope();
    if (!pool.destroyed && pool.lists[0].count < envelope_cache_limit) pool.lists[0].push(e);
    else std::free(e);
}

void* allocate_frame(std::size_t size) {
    if (process* p = frame_charge_target()) {
        p->memory.add(size);
        if (p->node) p->node->watch_growth(p);
    }
    const std::size_t cls = (size + frame_granule - 1) / frame_granule;
    if (cls < frame_classes) {
        auto& pool = frame_pool();
        if (void* block = pool.destroyed ? nullptr : pool.lists[cls].pop()) return block;
        void* block = std::malloc(cls * frame_granule);
        if (!block) throw std::bad_alloc();
        return block;
    }
    void* block = std::malloc(size);
    if (!block) throw std::bad_alloc();
    return block;
}

void deallocate_frame(void* frame, std::size_t size) noexcept {
    if (process* p = frame_charge_target()) p->memory.sub(size);
    const std::size_t cls = (size + frame_granule - 1) / frame_granule;
    if (cls < frame_classes) {
        auto& pool = frame_pool();
        if (!pool.destroyed && pool.lists[cls].count < frame_cache_limit) {
            pool.lists[cls].push(frame);
            return;
        }
    }
    std::free(frame);
}

} // namespace ember::detail
