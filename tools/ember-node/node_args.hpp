#pragma once
// ember-node's command line: what it was asked for, read from argv with
// one clear line for the user when something is wrong. No node here, so a
// bad argument costs nothing and exits 2 before any thread starts.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ember/term/expected.hpp"

namespace ember::node_tool {

/// ADDRESS:PORT as given on the command line; port 0 asks for a free one.
struct listen_address {
    std::string address; ///< an IPv6 address without its brackets
    std::uint16_t port = 0;
};

/// Most --processes: the runtime's default process limit (4,194,304) less
/// room for the application, the agent's probes and the spawner.
inline constexpr std::size_t max_idle_processes = 4'000'000;

struct node_args {
    std::string state_dir;                  ///< --state-dir DIR (required)
    std::optional<listen_address> agent;    ///< --agent ADDR:PORT
    std::optional<listen_address> ssh;      ///< --ssh [ADDR:]PORT (address 127.0.0.1 when not given)
    std::string authorized_keys;            ///< --authorized-keys FILE (required with --ssh)
    bool ssh_allow_remote = false;          ///< --ssh-allow-remote
    std::optional<listen_address> metrics;  ///< --metrics ADDR:PORT
    unsigned schedulers = 0;                ///< --schedulers N; 0: one per online core
    std::size_t processes = 0;              ///< --processes N idle processes
    bool allow_non_loopback = false;        ///< --allow-non-loopback
    bool help = false;                      ///< --help or -h: print usage() and exit 0
};

/// Reads "HOST:PORT", "[IPv6]:PORT", ":PORT" or "PORT" (host 127.0.0.1); PORT is
/// 0 to 65535. The error names what is wrong, quoting `text`.
expected<listen_address, std::string> parse_listen_address(std::string_view text);

/// Parses the arguments (program name excluded); "--opt value" and
/// "--opt=value" both work. The error is one line without the program's
/// name, e.g. "--processes: expected a number from 0 to 4000000, got 'x'".
expected<node_args, std::string> parse_node_args(std::span<const std::string_view> args);

/// The --help text, ending in a newline.
std::string usage();

} // namespace ember::node_tool
