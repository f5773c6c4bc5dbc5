#pragma once
// ember-ctl's command line: the table of commands (their arguments,
// options and one-line help) and the parser that turns argv into an
// invocation. No connection here: parsing is checked before any is made.

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ember/term/expected.hpp"

namespace ember::ctl {

struct command_spec {
    std::string_view name;
    std::string_view arguments; ///< for the usage line: "PID REASON"
    std::size_t min_args = 0;
    std::size_t max_args = 0; ///< SIZE_MAX: any number
    std::vector<std::string_view> options; ///< "--sort" ..., each taking a value
    std::string_view summary;
};

/// Every command, in the order --help lists them.
std::span<const command_spec> commands();

/// What a command line asked for.
struct invocation {
    std::string connect; ///< HOST:PORT
    std::string token_file;
    bool json = false;
    bool help = false; ///< --help or `help`: print usage, connect nowhere
    std::optional<std::chrono::milliseconds> timeout;
    std::optional<std::size_t> width;
    const command_spec* command = nullptr; ///< null with help and no command
    std::vector<std::string> args; ///< positional arguments after the command
    std::map<std::string, std::string, std::less<>> options; ///< the command's own options, by name ("--sort")
};

/// Parses the arguments (program name excluded). Global options (--connect,
/// --token-file, --json, --timeout, --width, --help) go anywhere; a
/// command's options after it; "--opt=value" and "--opt value" both work;
/// "--" ends options. The error is one line for the user.
expected<invocation, std::string> parse_command_line(std::span<const std::string> args);

/// The whole --help text, or one command's usage line and summary.
std::string usage();
std::string usage(const command_spec& c);

} // namespace ember::ctl
