#pragma once
// ember-ctl as a function, so tests run it against a fake node and main.cpp
// stays a thin shell (signals, the terminal):
//
//   std::ostringstream out, err;
//   int status = ember::ctl::run({"--connect", "127.0.0.1:7070", "--token-file", "t", "ps", "--limit", "5"}, out, err);
//
// The commands are ember::commands' (the SSH shell runs the same); this
// adds the connection: ember::client behind a commands::port
// (client_port.hpp) and the streams behind a commands::console
// (stream_console.hpp).
//
// Exit status: 0 done; 1 the node or the connection failed (one line on
// `err`: unreachable node, bad token, noproc, needs_admin, timeout, ...);
// 2 bad usage (one line on `err`). docs/ember-ctl.md is the manual.

#include <atomic>
#include <cstddef>
#include <iosfwd>
#include <span>
#include <string>

#include "ember/commands/commands.hpp"

namespace ember::ctl {

/// Exit statuses: the commands'.
inline constexpr int exit_ok = commands::exit_ok;
inline constexpr int exit_failed = commands::exit_failed;
inline constexpr int exit_usage = commands::exit_usage;

struct run_options {
    /// Columns of the terminal (0: no limit, e.g. output to a pipe);
    /// `--width N` overrides it.
    std::size_t width = 0;
    /// Set (e.g. by a SIGINT handler) to end a `trace` or `top` early; a
    /// trace then unsubscribes, and either returns exit_ok. Optional.
    const std::atomic<bool>* interrupted = nullptr;
    /// Where --connect and --token-file default from when not given
    /// (main passes EMBER_CONNECT and EMBER_TOKEN_FILE).
    std::string default_connect{};
    std::string default_token_file{};
    /// Rows of the terminal (0: unknown), and whether output goes to one:
    /// then `top` redraws in place and table headers are bold.
    std::size_t rows = 0;
    bool interactive = false;
};

/// Runs one ember-ctl command line (without the program name): parses it,
/// connects, runs the command (commands::run), prints on `out` (text, or
/// JSON with --json) and errors on `err`. Returns the exit status. Any
/// thread; it blocks until the command is done (a trace or an interactive
/// top until it ends or `interrupted` is set).
int run(std::span<const std::string> args, std::ostream& out, std::ostream& err, const run_options& options = {});

} // namespace ember::ctl
