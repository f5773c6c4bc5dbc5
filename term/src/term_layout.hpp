#pragma once
// Private: how heap terms are laid out, for the files of the term library.
// A heap term is a 16-byte box_header followed by its payload:
//   big_integer int64 | float64 double | binary bytes[size]
//   tuple term[size]  | list term[size] then the tail | map {key, value}[size]
//   pid struct pid    | reference struct reference

#include <compare>
#include <span>
#include <utility>

#include "ember/term/term.hpp"

namespace ember {
namespace detail {

inline constexpr std::size_t box_header_bytes = 16;
static_assert(sizeof(box_header) <= box_header_bytes, "payloads start 16 bytes into a box");
static_assert(sizeof(map_entry) == 2 * sizeof(term), "a map payload is read as map_entry[]");

template <class T>
T* payload(const box_header* h) noexcept {
    return reinterpret_cast<T*>(reinterpret_cast<char*>(const_cast<box_header*>(h)) + box_header_bytes);
}

/// A box with one reference and an uninitialised payload.
box_header* allocate_box(box_kind kind, std::uint32_t size, std::size_t payload_bytes);
/// The terms a box holds (a list's tail included).
std::span<const term> child_terms(const box_header* h) noexcept;
/// Payload size in bytes.
std::size_t payload_bytes(const box_header* h) noexcept;
/// Erlang's map key order, the order map entries are stored in: term order,
/// except that every integer sorts before every float, at any depth (1 < 3 <
/// 0.5, {1} < {0.5}). Equal exactly when the terms are ==. See term_order.cpp.
std::strong_ordering compare_map_keys(const term& a, const term& b) noexcept;

} // namespace detail

/// The term library's back door into ember::term's representation.
struct term_access {
    static term make(std::uintptr_t word) noexcept {
        term t;
        t.w_ = word;
        return t;
    }
    /// Takes over the one reference a freshly allocated box holds.
    static term adopt(detail::box_header* h) noexcept { return make(reinterpret_cast<std::uintptr_t>(h)); }
    static const detail::box_header* box(const term& t) noexcept { return t.boxed() ? t.box() : nullptr; }
    /// Entries already in map key order with no duplicates (the decoder checks).
    static term make_sorted_map(std::span<const std::pair<term, term>> sorted);
    /// A tuple (slots = size) or map (slots = 2 * size) whose slots are all
    /// [] until the caller fills them through slots(); for building in place.
    /// A map must be left in map key order with no duplicates.
    static term make_filled_with_nil(detail::box_kind kind, std::uint32_t size, std::size_t slots);
    static term* slots(term& t) noexcept { return detail::payload<term>(t.box()); }
};

} // namespace ember
