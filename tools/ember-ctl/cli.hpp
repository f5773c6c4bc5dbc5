#pragma once
// ember-ctl's command line: its own options (where the node is, which
// token, how long to wait, how wide to print) around one command of
// ember::commands, which holds the command table and checks the command's
// arguments. No connection here: the whole line is checked before any is
// made.

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>

#include "ember/commands/commands.hpp"
#include "ember/term/expected.hpp"

namespace ember::ctl {

/// What an ember-ctl command line asked for.
struct invocation {
    std::string connect;    ///< HOST:PORT; "" when not given
    std::string token_file; ///< "" when not given
    std::optional<std::chrono::milliseconds> timeout;
    std::optional<std::size_t> width;
    commands::invocation command; ///< the command, its arguments, --json, --help
};

/// Parses the arguments (program name excluded). ember-ctl's options
/// (--connect, --token-file, --timeout, --width) go anywhere, as "--opt
/// value" or "--opt=value"; the rest is the command, read by
/// commands::parse (which takes --json and --help anywhere too). "--" ends
/// options. The error is one line for the user. Any thread.
expected<invocation, std::string> parse_command_line(std::span<const std::string> args);

/// The whole --help text: ember-ctl's usage line and options around the
/// commands' help (commands::usage).
std::string usage();

} // namespace ember::ctl
