#pragma once
// Printing terms in Erlang syntax, as io:format("~p") and "~P" do:
//   {ok,<0.42.0>,#{name => <<"x">>}}
// Whatever this prints, ember::parse reads back to an equal term (unless a
// limit cut it short, which shows as "...").

#include <cstddef>
#include <iosfwd>
#include <string>

#include "ember/term/export.hpp"
#include "ember/term/term.hpp"

namespace ember {

/// Limits for big terms. 0 means no limit.
struct print_options {
    /// Erlang's ~P depth: a container at depth D shows its i-th element
    /// (from 0) with depth D-1-i and stops with "..." when that reaches 0,
    /// so io:format("~P", [[1,2,3,4,5,6], 4]) and ours print [1,2,3|...].
    std::size_t max_depth = 0;
    /// Output is cut near this many characters and ends with "...".
    std::size_t max_chars = 0;
};

/// Appends the text of `t` to `out`. Thread-safe (t is only read).
EMBER_TERM_EXPORT void print_append(std::string& out, const term& t, const print_options& options = {});

/// The text of `t`.
EMBER_TERM_EXPORT std::string to_string(const term& t, const print_options& options = {});

/// An atom's text as Erlang writes it: quoted when it must be ('hello world').
EMBER_TERM_EXPORT std::string quote_atom(atom a);

/// Writes to_string(t) with no limits.
EMBER_TERM_EXPORT std::ostream& operator<<(std::ostream& os, const term& t);

} // namespace ember
