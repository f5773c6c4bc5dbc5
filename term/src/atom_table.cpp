// The atom table: one per OS process.
//
// Reading a name by index is the hot path (printing, ordering) and takes no
// lock: names live in fixed chunks that never move, and an entry is written
// before the count that makes it visible is published (release/acquire).
// Interning takes a shared lock to look up and an exclusive one to insert.

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "ember/term/atom.hpp"
#include "utf8.hpp"

namespace ember {
namespace {

constexpr std::size_t chunk_bits = 16;
constexpr std::size_t chunk_size = std::size_t{1} << chunk_bits;
constexpr std::size_t max_chunks = 256;
constexpr std::size_t hard_limit = chunk_size * max_chunks; // 16,777,216
constexpr std::size_t default_limit = 1'048'576;            // Erlang's default

class atom_table {
public:
    atom_table() {
        for (std::string_view name : detail::builtin_atom_names) insert_locked(name);
    }

    std::string_view name(std::uint32_t index) const noexcept {
        const auto& chunk = chunks_[index >> chunk_bits];
        return chunk.load(std::memory_order_acquire)[index & (chunk_size - 1)];
    }

    std::optional<atom> find(std::string_view name) const {
        std::shared_lock lock(mutex_);
        auto it = index_.find(name);
        if (it == index_.end()) return std::nullopt;
        return atom::from_index(it->second);
    }

    expected<atom, term_error> intern(std::string_view name) {
        if (auto found = find(name)) return *found;
        if (!utf8::valid(name))
            return unexpected(term_error{term_errc::invalid_utf8, 0, "atom text is not valid UTF-8"});
        if (utf8::length(name) > atom::max_length)
            return unexpected(term_error{term_errc::atom_too_long, 0,
                                         "atom of " + std::to_string(utf8::length(name)) +
                                             " characters; the limit is 255"});
        std::unique_lock lock(mutex_);
        if (auto it = index_.find(name); it != index_.end()) return atom::from_index(it->second);
        if (count_.load(std::memory_order_relaxed) >= limit_.load(std::memory_order_relaxed))
            return unexpected(term_error{term_errc::atom_table_full, 0,
                                         "atom table full (" + std::to_string(limit_.load()) +
                                             " atoms); raise it with set_atom_limit"});
        return atom::from_index(insert_locked(name));
    }

    std::size_t count() const noexcept { return count_.load(std::memory_order_acquire); }
    std::size_t limit() const noexcept { return limit_.load(std::memory_order_relaxed); }
    void set_limit(std::size_t n) noexcept {
        std::unique_lock lock(mutex_);
        limit_.store(std::clamp(n, count(), hard_limit), std::memory_order_relaxed);
    }

private:
    std::uint32_t insert_locked(std::string_view name) {
        const std::size_t index = count_.load(std::memory_order_relaxed);
        auto& chunk = chunks_[index >> chunk_bits];
        if (!chunk.load(std::memory_order_relaxed))
            chunk.store(new std::string_view[chunk_size], std::memory_order_release);
        std::string_view stored = store_text(name);
        chunk.load(std::memory_order_relaxed)[index & (chunk_size - 1)] = stored;
        index_.emplace(stored, static_cast<std::uint32_t>(index));
        count_.store(index + 1, std::memory_order_release);
        return static_cast<std::uint32_t>(index);
    }

    // Names are packed into 64 KiB blocks that live as long as the process.
    std::string_view store_text(std::string_view name) {
        constexpr std::size_t block_size = 64 * 1024;
        if (name.empty()) return std::string_view("", 0);
        if (block_used_ + name.size() > block_size || !block_) {
            block_ = new char[block_size];
            block_used_ = 0;
        }
        char* at = block_ + block_used_;
        std::memcpy(at, name.data(), name.size());
        block_used_ += name.size();
        return {at, name.size()};
    }

    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string_view, std::uint32_t> index_;
    std::array<std::atomic<std::string_view*>, max_chunks> chunks_{};
    std::atomic<std::size_t> count_{0};
    std::atomic<std::size_t> limit_{default_limit};
    char* block_ = nullptr;
    std::size_t block_used_ = 0;
};

// Never destroyed: atoms are read from static destructors of other objects.
atom_table& table() {
    static atom_table* t = new atom_table();
    return *t;
}

} // namespace

atom::atom(std::string_view name) {
    auto a = intern(name);
    if (!a) {
        if (a.error().code == term_errc::atom_table_full) throw std::length_error(a.error().message);
        throw std::invalid_argument(a.error().message);
    }
    index_ = a->index();
}

// Decoders and parsers intern the same few atoms over and over; a small
// per-thread cache answers those without the table's lock. Entries only
// point at atoms that exist, and atoms are never removed, so a stale entry
// is merely a miss.
expected<atom, term_error> atom::intern(std::string_view name) {
    struct cache_entry {
        std::uint32_t index = 0;
        bool used = false;
    };
    thread_local std::array<cache_entry, 256> cache;
    const std::size_t h = std::hash<std::string_view>{}(name) & (cache.size() - 1);
    cache_entry& e = cache[h];
    if (e.used && table().name(e.index) == name) return atom::from_index(e.index);
    auto a = table().intern(name);
    if (a) e = {a->index(), true};
    return a;
}
std::optional<atom> atom::existing(std::string_view name) { return table().find(name); }

// Release: a thread that reads the index from `cache` (acquire) and calls
// name() on it must see the table's entry written before it.
std::uint32_t detail::intern_into(std::atomic<std::uint32_t>& cache, std::string_view name) {
    const std::uint32_t index = atom(name).index();
    cache.store(index, std::memory_order_release);
    return index;
}
std::string_view atom::name() const noexcept { return table().name(index_); }

std::size_t atom_count() noexcept { return table().count(); }
std::size_t atom_limit() noexcept { return table().limit(); }
void set_atom_limit(std::size_t limit) noexcept { table().set_limit(limit); }

} // namespace ember
