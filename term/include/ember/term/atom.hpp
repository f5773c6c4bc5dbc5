#pragma once
// Atoms: interned names, compared by index for equality and by text for
// Erlang's term order. One table per OS process, shared by all threads.

#include <compare>
#include <cstdint>
#include <optional>
#include <string_view>

#include "ember/term/error.hpp"
#include "ember/term/expected.hpp"
#include "ember/term/export.hpp"

namespace ember {

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

} // namespace ember
