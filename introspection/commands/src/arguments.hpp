#pragma once
// The values a command line carries, read one way for parse(), run() and
// complete(): numbers in range, sort keys, resolutions, terms, and how a
// typed process name becomes the term the node resolves. Private to
// ember::commands. Pure functions: any thread.

#include <cstddef>
#include <string>
#include <string_view>

#include "ember/commands/commands.hpp"
#include "ember/protocol/request.hpp"

namespace ember::commands::detail {

/// True for "<0.42.0>" and "0.42.0": three dot-separated numbers, with or
/// without the brackets.
bool looks_like_pid(std::string_view text) noexcept;

/// What the user typed, for quoting in a one-line error: control bytes
/// (a newline in an argv word) written \xNN, and cut after 80 bytes.
std::string shown(std::string_view text);

/// A process as the node resolves it (query's engine::resolve, the agent
/// alike): a pid's text or a registered name, both sent as a binary, so no
/// atom is made for a name on either side. "0.42.0" gets its brackets.
term process_term(std::string_view text);

/// How run() names a process it was told of in an error line: "<0.42.0>"
/// for a pid, "named 'front_desk'" for a name.
std::string process_words(std::string_view text);


/// A sort key by its protocol name or an alias; the error lists the keys.
expected<protocol::process_sort, std::string> sort_key(std::string_view text);

/// `what` ("TERM", "REASON") read in Erlang syntax:
/// "cannot read TERM '{a,' as an Erlang term: input ended; ... (line 1, column 4)".
expected<term, std::string> term_argument(std::string_view what, std::string_view text, bool make_atoms);

/// The bounds of the options whose value is a number: {min, max}, and
/// whether `option` is one.
struct number_bounds {
    std::size_t min = 0;
    std::size_t max = 0;
};
bool number_option(std::string_view option, number_bounds& out) noexcept;

/// What an option's value is called in usage lines: KEY, N, TEXT, ...
std::string_view value_name(std::string_view option) noexcept;

/// Checks one option's value and returns it as stored in an invocation
/// (sort aliases become protocol names), or the one-line error.
expected<std::string, std::string> option_value(std::string_view option, std::string_view text);

/// An invocation's number option, or `fallback` when absent (or, in an
/// invocation made by hand rather than by parse(), unreadable).
std::size_t size_option(const invocation& inv, std::string_view option, std::size_t fallback);
/// Its --sort, or `fallback` likewise.
protocol::process_sort sort_option(const invocation& inv, protocol::process_sort fallback);

} // namespace ember::commands::detail
