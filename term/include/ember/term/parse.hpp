#pragma once
// Reading terms written in Erlang syntax: what ember::to_string prints and
// what a person types at the Ember shell.
//
//   atoms        ok  'hello world'  'it\'s'
//   numbers      42  -7  16#ff  1_000  3.14  1.0e-3  $a
//   strings      "text" (a list of code points, as in Erlang)
//   binaries     <<"text">>  <<"héllo"/utf8>>  <<1,2,3>>  <<>>
//   containers   {a,b}  [1,2|T]  #{k => v}
//   identifiers  <0.42.0>  #Ref<0.1.2.3>
// One optional trailing '.' is accepted, as typed in an Erlang shell.

#include <cstddef>
#include <string_view>

#include "ember/term/error.hpp"
#include "ember/term/expected.hpp"
#include "ember/term/export.hpp"
#include "ember/term/term.hpp"

namespace ember {

struct parse_options {
    std::size_t max_depth = 512;       ///< nesting of tuples, lists, maps
    bool existing_atoms_only = false;  ///< refuse atoms not yet interned
};

/// Parses one whole term. Errors carry the byte offset and a message that
/// names the line and column; nothing is thrown but std::bad_alloc.
/// Thread-safe.
EMBER_TERM_EXPORT expected<term, term_error> parse(std::string_view text, const parse_options& options = {});

} // namespace ember
