// Erlang's term order, map key order, exact equality and hashing.
//
// Order of types: number < atom < reference < pid < tuple < map < nil < list
// < binary. Numbers compare by value; an integer and a float of equal value
// order integer first, which makes the order total and consistent with
// exact equality (Erlang's =:=).
//
// Map key order (detail::compare_map_keys) is Erlang's exact comparison
// (erts_cmp with exact set, what OTP sorts flatmap keys by): the same except
// that every integer sorts before every float, at any depth, whatever their
// values: 1 < 3 < 0.5 < 2.5, {1} < {0.5}. Map entries are stored in this
// order, so maps encode and print as Erlang/OTP writes them. Erlang compares
// maps by size, then keys in map key order, then values (in the order of
// the comparison being made); compare_maps does the same.

#include <bit>
#include <cmath>
#include <cstring>
#include <functional>

#include "ember/term/term.hpp"
#include "term_layout.hpp"

namespace ember {
namespace {

int type_rank(term_type t) noexcept {
    switch (t) {
    case term_type::integer:
    case term_type::float64: return 0;
    case term_type::atom: return 1;
    case term_type::reference: return 2;
    case term_type::pid: return 3;
    case term_type::tuple: return 4;
    case term_type::map: return 5;
    case term_type::nil: return 6;
    case term_type::list: return 7;
    case term_type::binary: return 8;
    }
    return 9;
}

// Exact comparison of an int64 with a finite double.
std::strong_ordering compare_int_float(std::int64_t i, double d) noexcept {
    constexpr double two63 = 9223372036854775808.0;
    if (d >= two63) return std::strong_ordering::less;
    if (d < -two63) return std::strong_ordering::greater;
    const double whole = std::trunc(d);
    const auto w = static_cast<std::int64_t>(whole);
    if (i != w) return i <=> w;
    if (d > whole) return std::strong_ordering::less;
    if (d < whole) return std::strong_ordering::greater;
    return std::strong_ordering::less; // equal value: integer first
}

// Term order (term::compare) or map key order (compare_map_keys).
enum class order_kind : bool { term, map_key };

std::strong_ordering compare_terms(const term& a, const term& b, order_kind kind) noexcept;

std::strong_ordering compare_numbers(const term& a, const term& b, order_kind kind) noexcept {
    const bool af = a.is_float(), bf = b.is_float();
    if (!af && !bf) return a.as_integer() <=> b.as_integer();
    if (kind == order_kind::map_key && af != bf) return af ? std::strong_ordering::greater : std::strong_ordering::less;
    if (af && bf) {
        const double x = a.as_float(), y = b.as_float();
        if (x < y) return std::strong_ordering::less;
        if (x > y) return std::strong_ordering::greater;
        return std::strong_ordering::equal;
    }
    if (!af) return compare_int_float(a.as_integer(), b.as_float());
    return 0 <=> compare_int_float(b.as_integer(), a.as_float());
}

std::strong_ordering compare_pids(const pid& a, const pid& b) noexcept {
    if (a.node != b.node) return a.node <=> b.node;
    if (a.serial != b.serial) return a.serial <=> b.serial;
    if (a.id != b.id) return a.id <=> b.id;
    return a.creation <=> b.creation;
}

std::strong_ordering compare_refs(const reference& a, const reference& b) noexcept {
    if (a.node != b.node) return a.node <=> b.node;
    if (a.length != b.length) return a.length <=> b.length;
    for (std::uint32_t i = a.length; i-- > 0;)
        if (a.words[i] != b.words[i]) return a.words[i] <=> b.words[i];
    return a.creation <=> b.creation;
}

std::strong_ordering compare_bytes(std::span<const std::byte> a, std::span<const std::byte> b) noexcept {
    const std::size_t n = std::min(a.size(), b.size());
    if (n > 0)
        if (int c = std::memcmp(a.data(), b.data(), n); c != 0) return c <=> 0;
    return a.size() <=> b.size();
}

std::strong_ordering compare_lists(const term& a, const term& b, order_kind kind) noexcept {
    auto ea = a.elements(), eb = b.elements();
    const std::size_t n = std::min(ea.size(), eb.size());
    for (std::size_t i = 0; i < n; ++i)
        if (auto c = compare_terms(ea[i], eb[i], kind); c != 0) return c;
    // One side ran out of elements: its tail meets the rest of the other
    // list, which is a non-empty list (canonical form: tails are not lists).
    if (ea.size() < eb.size()) return type_rank(a.tail().type()) <=> type_rank(term_type::list);
    if (ea.size() > eb.size()) return type_rank(term_type::list) <=> type_rank(b.tail().type());
    return compare_terms(a.tail(), b.tail(), kind);
}

// Keys always in map key order (the order they are stored in, so this is
// Erlang's comparison: #{1 => a} < #{0.5 => a}); values in `kind`.
std::strong_ordering compare_maps(const term& a, const term& b, order_kind kind) noexcept {
    auto ea = a.entries(), eb = b.entries();
    if (ea.size() != eb.size()) return ea.size() <=> eb.size();
    for (std::size_t i = 0; i < ea.size(); ++i)
        if (auto c = compare_terms(ea[i].key, eb[i].key, order_kind::map_key); c != 0) return c;
    for (std::size_t i = 0; i < ea.size(); ++i)
        if (auto c = compare_terms(ea[i].value, eb[i].value, kind); c != 0) return c;
    return std::strong_ordering::equal;
}

std::size_t mix(std::size_t h, std::size_t v) noexcept {
    return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

std::strong_ordering compare_terms(const term& a, const term& b, order_kind kind) noexcept {
    if (a.raw() == b.raw()) return std::strong_ordering::equal;
    const term_type ta = a.type(), tb = b.type();
    if (int ra = type_rank(ta), rb = type_rank(tb); ra != rb) return ra <=> rb;
    switch (ta) {
    case term_type::integer:
    case term_type::float64: return compare_numbers(a, b, kind);
    case term_type::atom: return a.as_atom() <=> b.as_atom();
    case term_type::reference: return compare_refs(a.as_reference(), b.as_reference());
    case term_type::pid: return compare_pids(a.as_pid(), b.as_pid());
    case term_type::tuple: {
        auto ea = a.elements(), eb = b.elements();
        if (ea.size() != eb.size()) return ea.size() <=> eb.size();
        for (std::size_t i = 0; i < ea.size(); ++i)
            if (auto c = compare_terms(ea[i], eb[i], kind); c != 0) return c;
        return std::strong_ordering::equal;
    }
    case term_type::map: return compare_maps(a, b, kind);
    case term_type::nil: return std::strong_ordering::equal;
    case term_type::list: return compare_lists(a, b, kind);
    case term_type::binary: return compare_bytes(a.bytes(), b.bytes());
    }
    return std::strong_ordering::equal;
}

} // namespace

std::strong_ordering detail::compare_map_keys(const term& a, const term& b) noexcept {
    return compare_terms(a, b, order_kind::map_key);
}

std::strong_ordering term::compare(const term& other) const noexcept {
    return compare_terms(*this, other, order_kind::term);
}

bool term::equals(const term& other) const noexcept {
    if (w_ == other.w_) return true;
    // Different immediates, or an immediate and a box, are never equal:
    // each value has one representation (small integers are never boxed,
    // local pids never boxed).
    if (!boxed() || !other.boxed()) return false;
    if (box()->kind != other.box()->kind) return false;
    return compare(other) == 0;
}

std::size_t term::hash() const noexcept {
    const term_type t = type();
    std::size_t h = static_cast<std::size_t>(t) * 0x100000001b3ULL;
    switch (t) {
    case term_type::nil: return h;
    case term_type::integer: return mix(h, std::hash<std::int64_t>{}(as_integer()));
    case term_type::float64: {
        double d = as_float();
        if (d == 0.0) d = 0.0; // -0.0 == 0.0
        return mix(h, std::hash<std::uint64_t>{}(std::bit_cast<std::uint64_t>(d)));
    }
    case term_type::atom: return mix(h, as_atom().index());
    case term_type::pid: {
        const pid p = as_pid();
        return mix(mix(mix(h, p.node.index()), p.id), (std::size_t{p.serial} << 32) | p.creation);
    }
    case term_type::reference: {
        const reference r = as_reference();
        h = mix(mix(h, r.node.index()), r.creation);
        for (std::uint32_t i = 0; i < r.length; ++i) h = mix(h, r.words[i]);
        return h;
    }
    case term_type::binary: return mix(h, std::hash<std::string_view>{}(text()));
    case term_type::tuple:
    case term_type::list:
        for (const term& e : elements()) h = mix(h, e.hash());
        return mix(h, tail().hash());
    case term_type::map:
        for (const map_entry& e : entries()) h = mix(mix(h, e.key.hash()), e.value.hash());
        return h;
    }
    return h;
}

} // namespace ember
