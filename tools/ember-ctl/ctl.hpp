#pragma once
// ember-ctl as a function, so tests run it against a fake node and main.cpp
// stays a thin shell (signals, terminal width):
//
//   std::ostringstream out, err;
//   int status = ember::ctl::run({"--connect", "127.0.0.1:7070", "--token-file", "t", "ps", "--limit", "5"}, out, err);
//
// Exit status: 0 done; 1 the node or the connection failed (one line on
// `err`: unreachable node, bad token, noproc, needs_admin, timeout, ...);
// 2 bad usage (one line on `err`). docs/ember-ctl.md is the manual.

#include <atomic>
#include <cstddef>
#include <iosfwd>
#include <span>
#include <string>

namespace ember::ctl {

/// Exit statuses.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1;
inline constexpr int exit_usage = 2;

struct run_options {
    /// Columns of the terminal (0: no limit, e.g. output to a pipe);
    /// `--width N` overrides it.
    std::size_t width = 0;
    /// Set (e.g. by a SIGINT handler) to end a `trace` early; it then
    /// unsubscribes and returns exit_ok. Optional.
    const std::atomic<bool>* interrupted = nullptr;
    /// Where --connect and --token-file default from when not given
    /// (main passes EMBER_CONNECT and EMBER_TOKEN_FILE).
    std::string default_connect{};
    std::string default_token_file{};
};

/// Runs one ember-ctl command line (without the program name): parses it,
/// connects, makes the request, prints the answer on `out` (text, or JSON
/// with --json) and errors on `err`. Returns the exit status. Any thread;
/// it blocks until the command is done (a trace until it ends or
/// `interrupted` is set).
int run(std::span<const std::string> args, std::ostream& out, std::ostream& err, const run_options& options = {});

} // namespace ember::ctl
