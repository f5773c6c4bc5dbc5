#pragma once
// Every reply as JSON, for scripts (`ember-ctl --json`): the term the node
// sent, mapped one way for all replies, so JSON keys are the wire's keys
// (docs/protocol.md) and nothing is renamed between the two.
//
//   render::json(page)   {"rows":[{"pid":"<0.42.0>","registered_name":"front_desk",...}],"matched":1,...}
//
// The mapping (json(const term&)):
//   integer, float        number (integers exactly, as 64-bit)
//   true, false           true, false
//   undefined             null (an absent pid, name or state)
//   other atom            its text
//   binary                a string (bytes that are not UTF-8 become U+FFFD)
//   pid, reference        "<0.42.0>", "#Ref<0.1.2.3>"
//   tuple, proper list    an array
//   improper list         its Erlang text, as a string
//   map                   an object; atom and binary keys by their text,
//                         other keys by their Erlang text
// Units stay raw (bytes, ms, us as the field's name says); text.hpp is
// for people.
//
// Pure functions: any thread; nothing is thrown but std::bad_alloc.

#include <string>

#include "ember/render/export.hpp"
#include "ember/term/convert.hpp"

namespace ember::render {

struct json_options {
    /// -1: one line (JSON Lines, for streams such as a trace); N >= 0:
    /// pretty, N spaces a level.
    int indent = -1;
};

/// Any term, by the mapping above.
EMBER_RENDER_EXPORT std::string json(const term& t, const json_options& options = {});

/// A reply struct (processes_page, process_info_reply, system_info,
/// trace_row, ...) or a vector of them (scheduler rows, applications,
/// events, warnings, series): the JSON of its term.
template <class T>
std::string json(const T& reply, const json_options& options = {}) {
    return json(to_term(reply), options);
}

} // namespace ember::render
