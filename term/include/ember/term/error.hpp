#pragma once
// The one error type of the term library: atoms, parsing, the External Term
// Format and C++ conversions all report failures as a term_error value.

#include <cstddef>
#include <string>
#include <string_view>

#include "ember/term/export.hpp"

namespace ember {

/// What went wrong. Stable names: tools print them (see term_errc_name).
enum class term_errc {
    atom_table_full,   ///< the atom table reached its limit
    atom_too_long,     ///< an atom over 255 characters
    invalid_utf8,      ///< atom text that is not UTF-8
    unknown_atom,      ///< decode with existing_atoms_only met a new atom
    syntax,            ///< parse: text that is not an Erlang term
    truncated,         ///< decode: input ended inside a term
    bad_version,       ///< decode: first byte is not 131
    bad_tag,           ///< decode: a tag this decoder does not know
    too_deep,          ///< nesting over the configured depth limit
    too_large,         ///< input or a length over the configured size limit
    integer_overflow,  ///< an integer outside int64 (no big integers yet)
    bad_float,         ///< a float that is NaN or infinite
    duplicate_key,     ///< decode: a map with the same key twice
    trailing_bytes,    ///< decode: bytes left after the term
    conversion,        ///< a term that does not convert to the C++ type asked for
};

/// Short stable name of an error code, e.g. "truncated".
EMBER_TERM_EXPORT std::string_view term_errc_name(term_errc code) noexcept;

/// An error with where it happened (byte offset into the input, 0 where no
/// input was involved) and a sentence for humans.
struct term_error {
    term_errc code = term_errc::syntax;
    std::size_t offset = 0;
    std::string message;

    /// "truncated at byte 12: list of 3 elements needs at least 3 more bytes"
    EMBER_TERM_EXPORT std::string describe() const;
};

} // namespace ember
