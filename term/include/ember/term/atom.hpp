#pragma once
// Atoms: interned names, compared by index for equality and by text for
// Erlang's term order. One table per OS process, shared by all threads.
//
// Naming an atom in code: `atoms::ok` for the built-in ones (constants);
// `"next"_atom` or `static_atom<"next">()` for any other, interned once on
// first use and then read from a per-name cache (one atomic load), so a
// callback that runs per message does not hash and look the name up each
// time; `atom("next")` does, on every call (fine at start-up).
//
// Sections: [atom] [builtins] [named once]

#include <atomic>
#include <compare>
#include <cstdint>
#include <optional>
#include <string_view>

#include "ember/term/error.hpp"
#include "ember/term/expected.hpp"
#include "ember/term/export.hpp"

namespace ember {

// [atom] --------------------------------------------------------------------

namespace detail {
// Atoms every part of Ember uses, interned at start-up at these fixed
// indexes so that `atoms::ok` is a compile-time constant. Order matters:
// an atom's index is its position here.
inline constexpr std::string_view builtin_atom_names[] = {
    "undefined", "ok", "error", "true", "false", "normal", "kill", "killed",
    "EXIT", "DOWN", "process", "noproc", "nonode@nohost", "timeout",
    "badarg", "infinity", "shutdown", "", "nil",
};

consteval std::uint32_t builtin_atom_index(std::string_view name) {
    for (std::uint32_t i = 0; i < std::size(builtin_atom_names); ++i)
        if (builtin_atom_names[i] == name) return i;
    throw "not a builtin atom"; // a compile error when reached in consteval
}
} // namespace detail

/// An interned atom. Trivially copyable, one 32-bit index.
/// Thread-safe: any thread may create atoms and read their names.
class atom {
public:
    /// Longest atom in characters (code points), as in Erlang.
    static constexpr std::size_t max_length = 255;

    /// The atom `undefined`.
    constexpr atom() noexcept = default;

    /// Interns `name`. Throws std::invalid_argument when the name is too long
    /// or not UTF-8, std::length_error when the table is full: meant for names
    /// written in code. Use intern() for names that come from input.
    EMBER_TERM_EXPORT explicit atom(std::string_view name);

    /// Interns `name`, or says why it cannot.
    EMBER_TERM_EXPORT static expected<atom, term_error> intern(std::string_view name);

    /// The atom with this name if it was interned already (never creates one).
    EMBER_TERM_EXPORT static std::optional<atom> existing(std::string_view name);

    /// Internal: the atom at a known index. The index must exist.
    static constexpr atom from_index(std::uint32_t index) noexcept { atom a; a.index_ = index; return a; }

    /// The atom's text; valid for the life of the OS process.
    EMBER_TERM_EXPORT std::string_view name() const noexcept;
    constexpr std::uint32_t index() const noexcept { return index_; }

    friend constexpr bool operator==(atom a, atom b) noexcept { return a.index_ == b.index_; }
    /// Erlang's order: by text, byte-wise (UTF-8 keeps code point order).
    friend std::strong_ordering operator<=>(atom a, atom b) noexcept {
        if (a.index_ == b.index_) return std::strong_ordering::equal;
        return a.name().compare(b.name()) <=> 0;
    }

private:
    std::uint32_t index_ = 0;
};

/// Number of atoms interned so far, and the limit. Thread-safe.
EMBER_TERM_EXPORT std::size_t atom_count() noexcept;
EMBER_TERM_EXPORT std::size_t atom_limit() noexcept;
/// Lowers or raises the limit (never below the current count; at most
/// 16,777,216). Meant for start-up configuration and tests.
EMBER_TERM_EXPORT void set_atom_limit(std::size_t limit) noexcept;

// [builtins] ----------------------------------------------------------------

namespace atoms {
inline constexpr atom undefined = atom::from_index(detail::builtin_atom_index("undefined"));
inline constexpr atom ok = atom::from_index(detail::builtin_atom_index("ok"));
inline constexpr atom error = atom::from_index(detail::builtin_atom_index("error"));
inline constexpr atom true_ = atom::from_index(detail::builtin_atom_index("true"));
inline constexpr atom false_ = atom::from_index(detail::builtin_atom_index("false"));
inline constexpr atom normal = atom::from_index(detail::builtin_atom_index("normal"));
inline constexpr atom kill = atom::from_index(detail::builtin_atom_index("kill"));
inline constexpr atom killed = atom::from_index(detail::builtin_atom_index("killed"));
inline constexpr atom EXIT = atom::from_index(detail::builtin_atom_index("EXIT"));
inline constexpr atom DOWN = atom::from_index(detail::builtin_atom_index("DOWN"));
inline constexpr atom process = atom::from_index(detail::builtin_atom_index("process"));
inline constexpr atom noproc = atom::from_index(detail::builtin_atom_index("noproc"));
inline constexpr atom nonode_nohost = atom::from_index(detail::builtin_atom_index("nonode@nohost"));
inline constexpr atom timeout = atom::from_index(detail::builtin_atom_index("timeout"));
inline constexpr atom badarg = atom::from_index(detail::builtin_atom_index("badarg"));
inline constexpr atom infinity = atom::from_index(detail::builtin_atom_index("infinity"));
inline constexpr atom shutdown = atom::from_index(detail::builtin_atom_index("shutdown"));
inline constexpr atom empty = atom::from_index(detail::builtin_atom_index(""));
inline constexpr atom nil = atom::from_index(detail::builtin_atom_index("nil"));
} // namespace atoms

// [named once] ----------------------------------------------------------------

namespace detail {
inline constexpr std::uint32_t no_builtin = ~std::uint32_t{0};

// constexpr, not consteval: Clang 14 refuses a consteval call on a
// template parameter object (static_atom's Name).
constexpr std::uint32_t find_builtin_atom(std::string_view name) noexcept {
    for (std::uint32_t i = 0; i < std::size(builtin_atom_names); ++i)
        if (builtin_atom_names[i] == name) return i;
    return no_builtin;
}

constexpr std::size_t code_points(std::string_view s) noexcept {
    std::size_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

/// static_atom's first use, out of line so the cached path stays a load and
/// a compare: interns `name` (throwing as atom(name) does), stores its index
/// in `cache` and returns it.
EMBER_TERM_EXPORT std::uint32_t intern_into(std::atomic<std::uint32_t>& cache, std::string_view name);

/// A string literal as a template argument: what static_atom and _atom take.
template <std::size_t N>
struct atom_text {
    char chars[N] = {};
    consteval atom_text(const char (&text)[N]) { // NOLINT: implicit on purpose
        for (std::size_t i = 0; i < N; ++i) chars[i] = text[i];
    }
    constexpr std::string_view view() const noexcept { return {chars, N - 1}; }
};
} // namespace detail

/// The atom `Name`, interned on the first call and cached per name after:
/// later calls cost one atomic load (acquire: a plain load on x86), no lock.
/// A built-in name (`static_atom<"ok">()`) is the constant itself, no cache.
/// Any thread. Throws as atom(name) does on the first call (invalid UTF-8,
/// full table: nothing is cached then, the next call tries again); a name
/// over 255 characters does not compile. Each shared library that uses a
/// name may keep its own cache of it; all of them hold the same atom.
template <detail::atom_text Name>
atom static_atom() {
    static_assert(detail::code_points(Name.view()) <= atom::max_length, "an atom has at most 255 characters");
    constexpr std::uint32_t builtin = detail::find_builtin_atom(Name.view());
    if constexpr (builtin != detail::no_builtin) {
        return atom::from_index(builtin);
    } else {
        // Index 0 is `undefined`, a built-in, so 0 can mean "not yet". The
        // release/acquire pair makes the table's entry for the index visible
        // to a thread that only ever saw the index through this cache (it may
        // call name() on it). Two threads racing here store the same index.
        static constinit std::atomic<std::uint32_t> cached{0};
        std::uint32_t index = cached.load(std::memory_order_acquire);
        if (index == 0) [[unlikely]]
            index = detail::intern_into(cached, Name.view());
        return atom::from_index(index);
    }
}

inline namespace literals {
inline namespace atom_literals {
/// `"next"_atom` is static_atom<"next">(): `if (request == "next"_atom)`.
/// Found with `using namespace ember;` or `using namespace ember::literals;`.
template <detail::atom_text Name>
atom operator""_atom() {
    return static_atom<Name>();
}
} // namespace atom_literals
} // namespace literals

} // namespace ember
