// ember-ctl's own options, taken out of the command line before the rest
// goes to commands::parse: the commands and their checks are ember::commands'
// (the SSH shell reads the same table), the connection is ember-ctl's.

#include <algorithm>

#include "cli.hpp"

namespace ember::ctl {
namespace {

constexpr std::string_view globals[] = {"--connect", "--token-file", "--timeout", "--width"};

expected<void, std::string> take_global(invocation& inv, std::string_view name, const std::string& value) {
    if (name == "--connect") {
        inv.connect = value;
    } else if (name == "--token-file") {
        inv.token_file = value;
    } else if (name == "--timeout") {
        auto ms = commands::read_number(name, value, 1, 24 * 3600 * 1000); // milliseconds
        if (!ms) return unexpected(ms.error());
        inv.timeout = std::chrono::milliseconds(*ms);
    } else {
        auto w = commands::read_number(name, value, 0, 100'000);
        if (!w) return unexpected(w.error());
        inv.width = *w;
    }
    return {};
}

} // namespace

expected<invocation, std::string> parse_command_line(std::span<const std::string> args) {
    invocation inv;
    std::vector<std::string> rest; // the command's words, for commands::parse
    const commands::command_spec* command = nullptr;
    bool positional_seen = false, options_done = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (options_done || !a.starts_with("--")) {
            if (!positional_seen) command = commands::find(a);
            positional_seen = true;
            rest.push_back(a);
            continue;
        }
        if (a == "--") {
            options_done = true;
            rest.push_back(a);
            continue;
        }
        const auto eq = a.find('=');
        const std::string_view name = std::string_view(a).substr(0, eq);
        if (std::find(std::begin(globals), std::end(globals), name) != std::end(globals)) {
            std::string value;
            if (eq != std::string::npos) value = a.substr(eq + 1);
            else if (i + 1 < args.size()) value = args[++i];
            else return unexpected(std::string(name) + " wants a value");
            if (auto ok = take_global(inv, name, value); !ok) return unexpected(ok.error());
            continue;
        }
        rest.push_back(a);
        // A command's option keeps its value, even one that looks like ours
        // (`ps --filter --width`).
        if (command && eq == std::string::npos && std::find(command->options.begin(), command->options.end(), name) != command->options.end() &&
            i + 1 < args.size())
            rest.push_back(args[++i]);
    }
    auto command_line = commands::parse(rest);
    if (!command_line) return unexpected(command_line.error());
    inv.command = std::move(*command_line);
    return inv;
}

std::string usage() {
    return "usage: ember-ctl --connect HOST:PORT --token-file FILE [--json] [--timeout MS] [--width N] COMMAND [ARGS]\n"
           "\n"
           "Watch and operate a running Ember node through its agent. The token file is\n"
           "the node's read-only.token, or admin.token for the commands marked admin.\n"
           "The same commands serve the node's SSH shell (docs/shell.md).\n"
           "\n" +
           commands::usage("ember-ctl") +
           "\n"
           "options of ember-ctl:\n"
           "  --connect HOST:PORT  the node's agent (default $EMBER_CONNECT)\n"
           "  --token-file FILE    its read-only.token or admin.token (default $EMBER_TOKEN_FILE)\n"
           "  --timeout MS         how long to wait for the node's reply (default 10000)\n"
           "  --width N            fit tables in N columns (default: the terminal's; 0: no limit)\n"
           "\n"
           "exit status: 0 done, 1 the node or the connection failed, 2 bad usage\n";
}

} // namespace ember::ctl
