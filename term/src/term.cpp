// Term storage: making heap objects, reading them, freeing them.
// Ordering, equality and hashing live in term_order.cpp.

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <new>
#include <stdexcept>
#include <vector>

#include "ember/term/term.hpp"
#include "term_layout.hpp"

namespace ember {

// ---- node identity ------------------------------------------------------

namespace {
struct node_registry {
    std::mutex mutex;
    std::vector<node_identity> by_number{node_identity{}}; // [0] is the local node
};
node_registry& nodes() {
    static auto* r = new node_registry();
    return *r;
}
std::atomic<std::uint32_t> local_name{atoms::nonode_nohost.index()};
std::atomic<std::uint32_t> local_creation{0};
} // namespace

node_identity local_node() noexcept {
    return {atom::from_index(local_name.load(std::memory_order_acquire)),
            local_creation.load(std::memory_order_acquire)};
}

void set_local_node(node_identity id) noexcept {
    local_creation.store(id.creation, std::memory_order_release);
    local_name.store(id.name.index(), std::memory_order_release);
    std::lock_guard lock(nodes().mutex);
    nodes().by_number[0] = id;
}

std::uint32_t node_number(atom node, std::uint32_t creation) {
    const node_identity local = local_node();
    if (node == local.name && creation == local.creation) return 0;
    auto& r = nodes();
    std::lock_guard lock(r.mutex);
    for (std::size_t i = 1; i < r.by_number.size(); ++i)
        if (r.by_number[i].name == node && r.by_number[i].creation == creation) return static_cast<std::uint32_t>(i);
    r.by_number.push_back({node, creation});
    return static_cast<std::uint32_t>(r.by_number.size() - 1);
}

bool node_from_number(std::uint32_t number, node_identity& out) {
    if (number == 0) {
        out = local_node();
        return true;
    }
    auto& r = nodes();
    std::lock_guard lock(r.mutex);
    if (number >= r.by_number.size()) return false;
    out = r.by_number[number];
    return true;
}

// ---- allocation -----------------------------------------------------------

namespace detail {

box_header* allocate_box(box_kind kind, std::uint32_t size, std::size_t payload_bytes) {
    void* memory = ::operator new(box_header_bytes + payload_bytes);
    auto* h = static_cast<box_header*>(memory);
    h->refs.store(1, std::memory_order_relaxed);
    h->size = size;
    h->kind = kind;
    return h;
}

// Frees a box whose count reached zero, and every child that this frees in
// turn. Iterative, so a list of lists a million deep cannot overflow the stack.
void destroy_box(box_header* root) noexcept {
    std::vector<box_header*> pending;
    box_header* h = root;
    for (;;) {
        std::span<const term> children = child_terms(h);
        for (const term& child : children) {
            std::uintptr_t w = child.raw();
            if (w == 0 || (w & 7) != 0) continue;
            auto* c = reinterpret_cast<box_header*>(w);
            if (c->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) pending.push_back(c);
        }
        ::operator delete(h);
        if (pending.empty()) return;
        h = pending.back();
        pending.pop_back();
    }
}

std::span<const term> child_terms(const box_header* h) noexcept {
    switch (h->kind) {
    case box_kind::tuple: return {payload<term>(h), h->size};
    case box_kind::list: return {payload<term>(h), std::size_t{h->size} + 1}; // elements and tail
    case box_kind::map: return {payload<term>(h), std::size_t{h->size} * 2};
    default: return {};
    }
}

std::size_t payload_bytes(const box_header* h) noexcept {
    switch (h->kind) {
    case box_kind::big_integer: return sizeof(std::int64_t);
    case box_kind::float64: return sizeof(double);
    case box_kind::binary: return h->size;
    case box_kind::tuple: return h->size * sizeof(term);
    case box_kind::list: return (std::size_t{h->size} + 1) * sizeof(term);
    case box_kind::map: return std::size_t{h->size} * 2 * sizeof(term);
    case box_kind::pid: return sizeof(pid);
    case box_kind::reference: return sizeof(reference);
    }
    return 0;
}

} // namespace detail

using detail::box_kind;

// ---- making terms -------------------------------------------------------

term term::integer(std::int64_t value) {
    if (value >= small_min && value <= small_max) return term_access::make((static_cast<std::uintptr_t>(value) << 3) | tag_small);
    auto* h = detail::allocate_box(box_kind::big_integer, 0, sizeof(std::int64_t));
    *detail::payload<std::int64_t>(h) = value;
    return term_access::adopt(h);
}

term term::float64(double value) {
    if (!std::isfinite(value)) throw std::invalid_argument("Erlang floats are finite: no NaN or infinity");
    auto* h = detail::allocate_box(box_kind::float64, 0, sizeof(double));
    *detail::payload<double>(h) = value;
    return term_access::adopt(h);
}

term term::binary(std::span<const std::byte> bytes) {
    if (bytes.size() > UINT32_MAX) throw std::length_error("binary over 4 GiB");
    auto* h = detail::allocate_box(box_kind::binary, static_cast<std::uint32_t>(bytes.size()), bytes.size());
    if (!bytes.empty()) std::memcpy(detail::payload<std::byte>(h), bytes.data(), bytes.size());
    return term_access::adopt(h);
}

term term::binary(std::string_view text) { return binary(std::as_bytes(std::span(text.data(), text.size()))); }

term term::tuple(std::span<const term> elements) {
    auto* h = detail::allocate_box(box_kind::tuple, static_cast<std::uint32_t>(elements.size()), elements.size() * sizeof(term));
    std::uninitialized_copy(elements.begin(), elements.end(), detail::payload<term>(h));
    return term_access::adopt(h);
}

term term::list(std::span<const term> elements, const term& tail) {
    // Canonical form: the tail of a list object is never a non-empty list.
    std::span<const term> more = tail.is_box(box_kind::list) ? tail.elements() : std::span<const term>{};
    const term& end = tail.is_box(box_kind::list) ? tail.tail() : tail;
    const std::size_t n = elements.size() + more.size();
    if (n == 0) return end;
    auto* h = detail::allocate_box(box_kind::list, static_cast<std::uint32_t>(n), (n + 1) * sizeof(term));
    term* out = detail::payload<term>(h);
    out = std::uninitialized_copy(elements.begin(), elements.end(), out);
    out = std::uninitialized_copy(more.begin(), more.end(), out);
    new (out) term(end);
    return term_access::adopt(h);
}

term term::map(std::vector<std::pair<term, term>> entries) {
    // Entries are kept in Erlang's map key order (integers before floats:
    // #{1 => a, 0.5 => b} stays 1 first), the order OTP keeps a flatmap in,
    // so encoding and printing follow Erlang. Stable sort keeps insertion
    // order among equal keys; the last one wins.
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& a, const auto& b) { return detail::compare_map_keys(a.first, b.first) < 0; });
    std::size_t unique = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (unique > 0 && entries[unique - 1].first == entries[i].first)
            entries[unique - 1].second = std::move(entries[i].second);
        else
            entries[unique++] = std::move(entries[i]);
    }
    entries.resize(unique);
    return term_access::make_sorted_map(entries);
}

term term::from_pid(const pid& p) {
    const node_identity local = local_node();
    if (p.node == local.name && p.creation == local.creation && p.id < (1u << 29))
        return term_access::make((std::uintptr_t{p.serial} << 32) | (std::uintptr_t{p.id} << 3) | tag_local_pid);
    auto* h = detail::allocate_box(box_kind::pid, 0, sizeof(pid));
    new (detail::payload<pid>(h)) pid(p);
    return term_access::adopt(h);
}

term term::from_reference(const reference& r) {
    auto* h = detail::allocate_box(box_kind::reference, 0, sizeof(reference));
    new (detail::payload<reference>(h)) reference(r);
    return term_access::adopt(h);
}

term term_access::make_sorted_map(std::span<const std::pair<term, term>> sorted) {
    const std::size_t n = sorted.size();
    auto* h = detail::allocate_box(box_kind::map, static_cast<std::uint32_t>(n), n * 2 * sizeof(term));
    term* out = detail::payload<term>(h);
    for (const auto& [k, v] : sorted) {
        new (out++) term(k);
        new (out++) term(v);
    }
    return adopt(h);
}

term term_access::make_filled_with_nil(box_kind kind, std::uint32_t size, std::size_t slots) {
    auto* h = detail::allocate_box(kind, size, slots * sizeof(term));
    std::memset(static_cast<void*>(detail::payload<term>(h)), 0, slots * sizeof(term)); // the zero word is []
    return adopt(h);
}

// ---- reading terms ------------------------------------------------------

term_type term::type() const noexcept {
    if (w_ == 0) return term_type::nil;
    switch (w_ & tag_mask) {
    case tag_small: return term_type::integer;
    case tag_atom: return term_type::atom;
    case tag_local_pid: return term_type::pid;
    default: break;
    }
    switch (box()->kind) {
    case box_kind::big_integer: return term_type::integer;
    case box_kind::float64: return term_type::float64;
    case box_kind::binary: return term_type::binary;
    case box_kind::tuple: return term_type::tuple;
    case box_kind::list: return term_type::list;
    case box_kind::map: return term_type::map;
    case box_kind::pid: return term_type::pid;
    case box_kind::reference: return term_type::reference;
    }
    return term_type::nil;
}

bool term::is_proper_list() const noexcept { return w_ == 0 || (is_box(box_kind::list) && tail().is_nil()); }

std::int64_t term::as_integer() const noexcept {
    if ((w_ & tag_mask) == tag_small) return static_cast<std::int64_t>(w_) >> 3;
    return *detail::payload<std::int64_t>(box());
}

double term::as_float() const noexcept { return *detail::payload<double>(box()); }

double term::as_number() const noexcept { return is_float() ? as_float() : static_cast<double>(as_integer()); }

pid term::as_pid() const noexcept {
    if ((w_ & tag_mask) == tag_local_pid) {
        const node_identity local = local_node();
        return pid{local.name, static_cast<std::uint32_t>((w_ >> 3) & ((1u << 29) - 1)), static_cast<std::uint32_t>(w_ >> 32), local.creation};
    }
    return *detail::payload<pid>(box());
}

reference term::as_reference() const noexcept { return *detail::payload<reference>(box()); }

std::span<const std::byte> term::bytes() const noexcept {
    if (!is_binary()) return {};
    return {detail::payload<std::byte>(box()), box()->size};
}

std::string_view term::text() const noexcept {
    auto b = bytes();
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::span<const term> term::elements() const noexcept {
    if (is_tuple() || is_box(box_kind::list)) return {detail::payload<term>(box()), box()->size};
    return {};
}

const term& term::tail() const noexcept {
    static const term nil;
    if (!is_box(box_kind::list)) return nil;
    return detail::payload<term>(box())[box()->size];
}

std::span<const map_entry> term::entries() const noexcept {
    if (!is_map()) return {};
    return {detail::payload<map_entry>(box()), box()->size};
}

const term* term::find(const term& key) const noexcept {
    auto e = entries();
    auto it = std::lower_bound(e.begin(), e.end(), key,
                               [](const map_entry& m, const term& k) { return detail::compare_map_keys(m.key, k) < 0; });
    if (it == e.end() || it->key != key) return nullptr;
    return &it->value;
}

std::size_t term::size() const noexcept {
    if (!boxed()) return 0;
    switch (box()->kind) {
    case box_kind::binary:
    case box_kind::tuple:
    case box_kind::list:
    case box_kind::map: return box()->size;
    default: return 0;
    }
}

std::size_t term::heap_bytes() const noexcept {
    if (!boxed()) return 0;
    std::size_t total = 0;
    std::vector<const detail::box_header*> pending{box()};
    while (!pending.empty()) {
        const auto* h = pending.back();
        pending.pop_back();
        total += detail::box_header_bytes + detail::payload_bytes(h);
        for (const term& c : detail::child_terms(h))
            if (c.boxed()) pending.push_back(c.box());
    }
    return total;
}

reference make_reference() {
    // 96 bits from a counter: unique for the life of the OS process. The
    // node's creation tells apart references of earlier incarnations.
    static std::atomic<std::uint64_t> counter{1};
    const std::uint64_t n = counter.fetch_add(1, std::memory_order_relaxed);
    const node_identity local = local_node();
    reference r;
    r.node = local.name;
    r.creation = local.creation;
    r.length = 3;
    r.words[0] = static_cast<std::uint32_t>(n & 0x3FFFF);
    r.words[1] = static_cast<std::uint32_t>(n >> 18);
    r.words[2] = static_cast<std::uint32_t>(n >> 50);
    return r;
}

} // namespace ember
