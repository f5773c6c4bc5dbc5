// ember-ctl: watch and operate a running Ember node from a shell.
//
//   ember-ctl --connect 127.0.0.1:7070 --token-file state/read-only.token ps --sort memory --limit 10
//
// This file is the shell around ctl::run (ctl.cpp): the terminal's width,
// the environment defaults, and Ctrl-C, which ends a trace cleanly (the
// node is told to stop it) and any other command at once.

#include <atomic>
#include <csignal>
#include <cstdlib>
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

std::size_t terminal_width() {
    if (!::isatty(STDOUT_FILENO)) return 0; // a pipe or a file: whole lines
    winsize ws{};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    if (const char* columns = std::getenv("COLUMNS")) return static_cast<std::size_t>(std::strtoul(columns, nullptr, 10));
    return 0;
}

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

} // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    // Only a trace waits for Ctrl-C; any other command is simply ended by it.
    // SA_RESETHAND: a second Ctrl-C ends even a trace that hangs.
    if (auto inv = ember::ctl::parse_command_line(args); inv && inv->command && inv->command->name == "trace") {
        struct sigaction sa {};
        sa.sa_handler = on_interrupt;
        sa.sa_flags = SA_RESETHAND;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, nullptr);
        sigaction(SIGTERM, &sa, nullptr);
    }
    return ember::ctl::run(args, std::cout, std::cerr,
                           {.width = terminal_width(),
                            .interrupted = &interrupted,
                            .default_connect = env("EMBER_CONNECT"),
                            .default_token_file = env("EMBER_TOKEN_FILE")});
}
