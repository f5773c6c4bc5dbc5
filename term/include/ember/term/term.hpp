#pragma once
// ember::term: the one value type of Ember. Messages, process state, shell
// input and output and the wire protocol are all terms.
//
// A term is one machine word. Small values live in the word itself (nil,
// integers of 61 bits, atoms, local pids); everything else is an immutable
// heap object with an atomic reference count, so copying a term or sending it
// to another process shares it and never copies its contents.
//
// Thread safety: a term is a value. Distinct term objects may be used from
// any threads at once even when they share storage; one term object follows
// the usual rules for a value (no concurrent writes).
//
// Sections: [types] pid, reference, map_entry; [term] the class; [helpers]
// make_reference, as<T>.

#include <atomic>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <concepts>
#include <initializer_list>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "ember/term/atom.hpp"
#include "ember/term/export.hpp"

namespace ember {

// [types] ---------------------------------------------------------------

/// A process identifier: the node it lives on, an index and a serial that
/// tells apart processes reusing one index, and the node's creation (which
/// incarnation of a node of that name). Printed <0.42.0> for a local pid.
struct pid {
    atom node = atoms::nonode_nohost;
    std::uint32_t id = 0;
    std::uint32_t serial = 0;
    std::uint32_t creation = 0;

    friend bool operator==(const pid&, const pid&) = default;
};

/// A unique reference: node, creation and up to five 32-bit words.
/// Printed #Ref<0.3.2.1> (words from the last to the first, as Erlang does).
struct reference {
    static constexpr std::size_t max_words = 5;
    atom node = atoms::nonode_nohost;
    std::uint32_t creation = 0;
    std::uint32_t length = 3; ///< words used in `words`, 1..5
    std::uint32_t words[max_words] = {};

    friend bool operator==(const reference& a, const reference& b) noexcept {
        if (a.node != b.node || a.creation != b.creation || a.length != b.length) return false;
        for (std::uint32_t i = 0; i < a.length; ++i)
            if (a.words[i] != b.words[i]) return false;
        return true;
    }
};

/// This node's name and creation. Pids and references of this node print
/// with node number 0 and are stored without a heap object.
struct node_identity {
    atom name = atoms::nonode_nohost;
    std::uint32_t creation = 0;
};
/// Thread-safe to read. Set once at start, before any pid is made.
EMBER_TERM_EXPORT node_identity local_node() noexcept;
EMBER_TERM_EXPORT void set_local_node(node_identity id) noexcept;
/// The number a node prints with in <N.id.serial>: 0 for the local node,
/// 1, 2, ... for other nodes in the order they were first seen.
EMBER_TERM_EXPORT std::uint32_t node_number(atom node, std::uint32_t creation);
/// The node behind a printed number, if that number has been given out.
EMBER_TERM_EXPORT bool node_from_number(std::uint32_t number, node_identity& out);

/// Kinds of term, in Erlang's term order (number < atom < reference < fun <
/// port < pid < tuple < map < nil < list < bitstring). Ember has no funs or
/// ports; integer and float rank together as numbers.
enum class term_type : std::uint8_t { integer, float64, atom, reference, pid, tuple, map, nil, list, binary };

class term;

namespace detail {
enum class box_kind : std::uint8_t { big_integer, float64, binary, tuple, list, map, pid, reference };

// Header of every heap term. 16 bytes so payloads stay 16-byte aligned.
struct box_header {
    std::atomic<std::uint32_t> refs;
    std::uint32_t size;  // elements (tuple, list without tail, map pairs) or bytes (binary)
    box_kind kind;
};

EMBER_TERM_EXPORT void destroy_box(box_header* box) noexcept;
} // namespace detail

// [term] ----------------------------------------------------------------

struct map_entry;

/// An immutable Erlang term. Default-constructed: the empty list [].
class term {
public:
    // Largest and smallest integer kept inside the word (61 bits).
    static constexpr std::int64_t small_max = (std::int64_t{1} << 60) - 1;
    static constexpr std::int64_t small_min = -(std::int64_t{1} << 60);

    constexpr term() noexcept : w_(0) {}
    term(const term& other) noexcept : w_(other.w_) { retain(); }
    term(term&& other) noexcept : w_(std::exchange(other.w_, 0)) {}
    term& operator=(const term& other) noexcept {
        term copy(other);
        std::swap(w_, copy.w_);
        return *this;
    }
    term& operator=(term&& other) noexcept {
        term moved(std::move(other));
        std::swap(w_, moved.w_);
        return *this;
    }
    ~term() { release(); }

    /// An atom is a term: `term t = atoms::ok;`
    constexpr term(atom a) noexcept : w_(atom_word(a)) {}

    // --- making terms (allocation failure throws std::bad_alloc) ---
    EMBER_TERM_EXPORT static term integer(std::int64_t value);
    /// `value` must be finite: Erlang has no NaN or infinity (throws
    /// std::invalid_argument otherwise).
    EMBER_TERM_EXPORT static term float64(double value);
    EMBER_TERM_EXPORT static term binary(std::span<const std::byte> bytes);
    EMBER_TERM_EXPORT static term binary(std::string_view text);
    EMBER_TERM_EXPORT static term tuple(std::span<const term> elements);
    static term tuple(std::initializer_list<term> elements) { return tuple(std::span(elements.begin(), elements.size())); }
    /// A list of `elements` ending in `tail` ([] for a proper list). A tail
    /// that is itself a list is joined on, so [1|[2,3]] and [1,2,3] are one term.
    EMBER_TERM_EXPORT static term list(std::span<const term> elements, const term& tail = term());
    static term list(std::initializer_list<term> elements, const term& tail = term()) { return list(std::span(elements.begin(), elements.size()), tail); }
    /// A map; when a key appears twice the later value wins (as in #{a=>1, a=>2}).
    EMBER_TERM_EXPORT static term map(std::vector<std::pair<term, term>> entries);
    EMBER_TERM_EXPORT static term from_pid(const pid& p);
    EMBER_TERM_EXPORT static term from_reference(const reference& r);

    // --- what it is ---
    EMBER_TERM_EXPORT term_type type() const noexcept;
    bool is_nil() const noexcept { return w_ == 0; }
    bool is_atom() const noexcept { return (w_ & tag_mask) == tag_atom; }
    bool is_integer() const noexcept { return (w_ & tag_mask) == tag_small || is_box(detail::box_kind::big_integer); }
    bool is_float() const noexcept { return is_box(detail::box_kind::float64); }
    bool is_number() const noexcept { return is_integer() || is_float(); }
    bool is_binary() const noexcept { return is_box(detail::box_kind::binary); }
    bool is_tuple() const noexcept { return is_box(detail::box_kind::tuple); }
    /// True for [] and for non-empty lists (proper or not).
    bool is_list() const noexcept { return w_ == 0 || is_box(detail::box_kind::list); }
    bool is_map() const noexcept { return is_box(detail::box_kind::map); }
    bool is_pid() const noexcept { return (w_ & tag_mask) == tag_local_pid || is_box(detail::box_kind::pid); }
    bool is_reference() const noexcept { return is_box(detail::box_kind::reference); }
    /// True for [] and lists whose tail is [].
    EMBER_TERM_EXPORT bool is_proper_list() const noexcept;

    // --- reading it (each requires the matching is_...() to be true) ---
    EMBER_TERM_EXPORT std::int64_t as_integer() const noexcept;
    EMBER_TERM_EXPORT double as_float() const noexcept;
    /// Integer or float, as a double.
    EMBER_TERM_EXPORT double as_number() const noexcept;
    atom as_atom() const noexcept { return atom::from_index(static_cast<std::uint32_t>(w_ >> 3)); }
    EMBER_TERM_EXPORT pid as_pid() const noexcept;
    EMBER_TERM_EXPORT reference as_reference() const noexcept;
    /// Binary contents; valid while any term sharing this binary lives.
    EMBER_TERM_EXPORT std::span<const std::byte> bytes() const noexcept;
    EMBER_TERM_EXPORT std::string_view text() const noexcept;
    /// Tuple or list elements ([] gives an empty span).
    EMBER_TERM_EXPORT std::span<const term> elements() const noexcept;
    /// The tail of a list: [] for a proper list or for [] itself.
    EMBER_TERM_EXPORT const term& tail() const noexcept;
    /// Map entries, sorted by key in Erlang's map key order: term order,
    /// except that all integers sort before all floats (1, 3, 0.5, 2.5).
    EMBER_TERM_EXPORT std::span<const map_entry> entries() const noexcept;
    /// Map lookup in O(log n); nullptr when absent or when this is no map.
    EMBER_TERM_EXPORT const term* find(const term& key) const noexcept;
    /// Tuple arity, list length, map size, binary byte count; 0 otherwise.
    EMBER_TERM_EXPORT std::size_t size() const noexcept;
    const term& operator[](std::size_t i) const noexcept { return elements()[i]; }

    /// True when both terms share one heap object (sends share, never copy).
    bool same_storage(const term& other) const noexcept { return w_ == other.w_; }
    /// Heap bytes reachable from this term, counting shared objects once
    /// per path; 0 for immediate values. For memory counters.
    EMBER_TERM_EXPORT std::size_t heap_bytes() const noexcept;

    /// Exact equality (Erlang's =:=): 1 and 1.0 differ.
    EMBER_TERM_EXPORT bool equals(const term& other) const noexcept;
    /// Erlang's term order, made total: where numbers are equal in value an
    /// integer sorts before a float (1 < 1.0). Maps compare as in Erlang:
    /// size, then keys in map key order, then values.
    EMBER_TERM_EXPORT std::strong_ordering compare(const term& other) const noexcept;
    friend bool operator==(const term& a, const term& b) noexcept { return a.w_ == b.w_ || a.equals(b); }
    /// `m == atoms::ok`, `m != "next"_atom`: atoms live in the word, so this
    /// is one compare, with no term made and no call.
    friend bool operator==(const term& t, atom a) noexcept { return t.w_ == atom_word(a); }
    friend std::strong_ordering operator<=>(const term& a, const term& b) noexcept { return a.compare(b); }
    /// Consistent with ==.
    EMBER_TERM_EXPORT std::size_t hash() const noexcept;

    /// Internal: the raw word (tags and pointers), for the codec and tests.
    std::uintptr_t raw() const noexcept { return w_; }

private:
    friend struct term_access;
    static constexpr std::uintptr_t tag_mask = 7, tag_box = 0, tag_small = 1, tag_atom = 2, tag_local_pid = 3;
    static constexpr std::uintptr_t atom_word(atom a) noexcept { return (std::uintptr_t{a.index()} << 3) | tag_atom; }

    bool boxed() const noexcept { return w_ != 0 && (w_ & tag_mask) == tag_box; }
    detail::box_header* box() const noexcept { return reinterpret_cast<detail::box_header*>(w_); }
    bool is_box(detail::box_kind k) const noexcept { return boxed() && box()->kind == k; }
    void retain() const noexcept {
        if (boxed()) box()->refs.fetch_add(1, std::memory_order_relaxed);
    }
    void release() noexcept {
        // acq_rel: the thread that frees must see every write of the others.
        if (boxed() && box()->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) detail::destroy_box(box());
    }

    std::uintptr_t w_ = 0;
};

/// One key-value pair of a map.
struct map_entry {
    term key;
    term value;
};

// [helpers] -------------------------------------------------------------

/// A new reference unique within this OS process (and, with the node's
/// creation, across restarts of a named node). Thread-safe.
EMBER_TERM_EXPORT reference make_reference();

/// How a C++ type converts to and from terms: specialised in convert.hpp
/// for the standard types and by users for their own (see there).
template <class T>
struct term_traits;

/// `t` as a T, or nullopt when it is not one: `if (auto d = as<down_message>(m))`.
/// Cheap enough for receive predicates: atom, pid, reference and integers
/// are read here, and a T whose traits have `static std::optional<T>
/// match(const term&) noexcept` goes through it (the runtime's message
/// types do), so a mismatch costs a few compares and allocates nothing.
/// Any other T goes through term_traits<T>::from_term (include convert.hpp),
/// which builds an error text on a mismatch only to drop it here.
/// Any thread (`t` is only read).
template <class T>
std::optional<T> as(const term& t) {
    if constexpr (requires { { term_traits<T>::match(t) } -> std::same_as<std::optional<T>>; }) {
        return term_traits<T>::match(t);
    } else if constexpr (std::is_same_v<T, atom>) {
        return t.is_atom() ? std::optional<T>(t.as_atom()) : std::nullopt;
    } else if constexpr (std::is_same_v<T, pid>) {
        return t.is_pid() ? std::optional<T>(t.as_pid()) : std::nullopt;
    } else if constexpr (std::is_same_v<T, reference>) {
        return t.is_reference() ? std::optional<T>(t.as_reference()) : std::nullopt;
    } else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        if (!t.is_integer()) return std::nullopt;
        const std::int64_t v = t.as_integer();
        return std::in_range<T>(v) ? std::optional<T>(static_cast<T>(v)) : std::nullopt;
    } else {
        auto v = term_traits<T>::from_term(t);
        if (!v) return std::nullopt;
        return std::optional<T>(std::move(*v));
    }
}

} // namespace ember

namespace std {
template <>
struct hash<ember::term> {
    std::size_t operator()(const ember::term& t) const noexcept { return t.hash(); }
};
} // namespace std
