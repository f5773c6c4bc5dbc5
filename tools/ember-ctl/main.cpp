// ember-ctl: watch and operate a running Ember node from a shell.
//
//   ember-ctl --connect 127.0.0.1:7070 --token-file state/read-only.token ps --sort memory --limit 10
//
// This file is the shell around ctl::run (ctl.cpp): the terminal (its
// size, whether there is one), the environment defaults, and Ctrl-C, which
// ends a trace or top cleanly (a trace is stopped on the node) and any
// other command at once.

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.hpp"
#include "ctl.hpp"

namespace {

std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int) { interrupted.store(true); }

// The terminal on stdout: a pipe or a file has none (whole lines, no
// escapes, top prints a frame and ends).
struct terminal_size {
    std::size_t columns = 0, rows = 0;
    bool interactive = false;
};

terminal_size terminal() {
    terminal_size t;
    if (!::isatty(STDOUT_FILENO)) return t;
    const char* term = std::getenv("TERM");
    t.interactive = !(term && std::strcmp(term, "dumb") == 0);
    winsize ws{};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        t.columns = ws.ws_col;
        t.rows = ws.ws_row;
    } else if (const char* columns = std::getenv("COLUMNS")) {
        t.columns = static_cast<std::size_t>(std::strtoul(columns, nullptr, 10));
    }
    return t;
}

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

} // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    // Only trace and top wait for Ctrl-C; any other command is simply ended
    // by it. SA_RESETHAND: a second Ctrl-C ends even one that hangs.
    if (auto inv = ember::ctl::parse_command_line(args); inv && inv->command.command && !inv->command.help &&
                                                         (inv->command.command->name == "trace" || inv->command.command->name == "top")) {
        struct sigaction sa {};
        sa.sa_handler = on_interrupt;
        sa.sa_flags = SA_RESETHAND;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, nullptr);
        sigaction(SIGTERM, &sa, nullptr);
    }
    const terminal_size t = terminal();
    return ember::ctl::run(args, std::cout, std::cerr,
                           {.width = t.columns,
                            .interrupted = &interrupted,
                            .default_connect = env("EMBER_CONNECT"),
                            .default_token_file = env("EMBER_TOKEN_FILE"),
                            .rows = t.rows,
                            .interactive = t.interactive});
}
