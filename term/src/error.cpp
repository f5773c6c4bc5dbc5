// Names and descriptions of term_error values.

#include "ember/term/error.hpp"

namespace ember {

std::string_view term_errc_name(term_errc code) noexcept {
    switch (code) {
    case term_errc::atom_table_full: return "atom_table_full";
    case term_errc::atom_too_long: return "atom_too_long";
    case term_errc::invalid_utf8: return "invalid_utf8";
    case term_errc::unknown_atom: return "unknown_atom";
    case term_errc::syntax: return "syntax";
    case term_errc::truncated: return "truncated";
    case term_errc::bad_version: return "bad_version";
    case term_errc::bad_tag: return "bad_tag";
    case term_errc::too_deep: return "too_deep";
    case term_errc::too_large: return "too_large";
    case term_errc::integer_overflow: return "integer_overflow";
    case term_errc::bad_float: return "bad_float";
    case term_errc::duplicate_key: return "duplicate_key";
    case term_errc::trailing_bytes: return "trailing_bytes";
    case term_errc::conversion: return "conversion";
    }
    return "unknown";
}

std::string term_error::describe() const {
    return std::string(term_errc_name(code)) + " at byte " + std::to_string(offset) + ": " + message;
}

} // namespace ember
