// ember-ctl's command table and argument parser.
//
// Hand-written rather than a library: the grammar is one command with a few
// options, and a table that is plain data gives the help text and the
// checks from one place (the SSH shell's commands can read it the same way).

#include <algorithm>
#include <cstdint>

#include "cli.hpp"

namespace ember::ctl {
namespace {

const std::vector<command_spec>& table() {
    static const std::vector<command_spec> all = {
        {"ps", "", 0, 0, {"--sort", "--limit", "--offset", "--filter"}, "processes, largest first (options below)"},
        {"info", "PID|NAME", 1, 1, {}, "everything about one process"},
        {"sched", "", 0, 0, {}, "per-scheduler figures"},
        {"system", "", 0, 0, {}, "node-wide figures"},
        {"apps", "", 0, 0, {}, "applications"},
        {"tree", "[APP]", 0, 1, {}, "supervision trees, of every application or of APP"},
        {"events", "", 0, 0, {}, "recent runtime events"},
        {"warnings", "", 0, 0, {}, "what looks wrong now, with its evidence"},
        {"history", "NAME...", 1, SIZE_MAX, {"--resolution"}, "history series (names below)"},
        {"kill", "PID|NAME", 1, 1, {}, "kill a process (admin)"},
        {"exit", "PID|NAME REASON", 2, 2, {}, "send an exit signal with REASON, an Erlang term (admin)"},
        {"suspend", "PID|NAME", 1, 1, {}, "suspend a process (admin)"},
        {"resume", "PID|NAME", 1, 1, {}, "resume a suspended process (admin)"},
        {"send", "PID|NAME TERM", 2, 2, {}, "send TERM, written in Erlang syntax, as a message (admin)"},
        {"trace", "PID|NAME", 1, 1, {"--max", "--rate"}, "print the messages a process sends and receives until the trace ends or Ctrl-C (admin)"},
    };
    return all;
}

struct global_option {
    std::string_view name;
    bool takes_value;
};
constexpr global_option globals[] = {{"--connect", true}, {"--token-file", true}, {"--timeout", true},
                                     {"--width", true},   {"--json", false},      {"--help", false}};

expected<std::size_t, std::string> number(std::string_view option, std::string_view text, std::size_t max) {
    std::size_t v = 0;
    if (text.empty() || text.size() > 12) return unexpected(std::string(option) + " wants a number, found '" + std::string(text) + "'");
    for (char c : text) {
        if (c < '0' || c > '9') return unexpected(std::string(option) + " wants a number, found '" + std::string(text) + "'");
        v = v * 10 + static_cast<std::size_t>(c - '0');
    }
    if (v > max) return unexpected(std::string(option) + " is at most " + std::to_string(max) + ", found " + std::string(text));
    return v;
}

} // namespace

std::span<const command_spec> commands() { return table(); }

expected<invocation, std::string> parse_command_line(std::span<const std::string> args) {
    invocation inv;
    bool options_done = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view a = args[i];
        const bool is_option = !options_done && (a.starts_with("--") || a == "-h");
        if (!is_option) {
            if (!inv.command && !inv.help && a == "help") {
                inv.help = true;
            } else if (!inv.command) {
                auto it = std::find_if(table().begin(), table().end(), [&](const command_spec& c) { return c.name == a; });
                if (it == table().end()) return unexpected("unknown command '" + std::string(a) + "' (ember-ctl --help lists them)");
                inv.command = &*it;
            } else {
                inv.args.emplace_back(a);
            }
            continue;
        }
        if (a == "--") {
            options_done = true;
            continue;
        }
        if (a == "-h") a = "--help";
        std::string name(a);
        std::optional<std::string> value;
        if (auto eq = a.find('='); eq != std::string_view::npos) {
            name = std::string(a.substr(0, eq));
            value = std::string(a.substr(eq + 1));
        }
        auto global = std::find_if(std::begin(globals), std::end(globals), [&](const global_option& g) { return g.name == name; });
        const bool command_option =
            inv.command && std::find(inv.command->options.begin(), inv.command->options.end(), name) != inv.command->options.end();
        const bool takes_value = command_option || (global != std::end(globals) && global->takes_value);
        if (global == std::end(globals) && !command_option) {
            if (!inv.command) return unexpected("unknown option " + name + " (ember-ctl --help lists them)");
            return unexpected("unknown option " + name + " for " + std::string(inv.command->name) + " (" + usage(*inv.command) + ")");
        }
        if (takes_value && !value) {
            if (i + 1 >= args.size()) return unexpected(name + " wants a value");
            value = args[++i];
        } else if (!takes_value && value) {
            return unexpected(name + " takes no value");
        }
        if (command_option) {
            inv.options[name] = *value;
        } else if (name == "--connect") {
            inv.connect = *value;
        } else if (name == "--token-file") {
            inv.token_file = *value;
        } else if (name == "--json") {
            inv.json = true;
        } else if (name == "--help") {
            inv.help = true;
        } else if (name == "--timeout") {
            auto ms = number(name, *value, 24 * 3600 * 1000);
            if (!ms) return unexpected(ms.error());
            if (*ms == 0) return unexpected(std::string("--timeout is in milliseconds, at least 1"));
            inv.timeout = std::chrono::milliseconds(*ms);
        } else if (name == "--width") {
            auto w = number(name, *value, 100'000);
            if (!w) return unexpected(w.error());
            inv.width = *w;
        }
    }
    if (inv.help) return inv;
    if (!inv.command) return unexpected(std::string("no command given (ember-ctl --help lists them)"));
    const command_spec& c = *inv.command;
    if (inv.args.size() < c.min_args || inv.args.size() > c.max_args) {
        const std::string what = inv.args.size() < c.min_args ? "missing arguments" : "too many arguments";
        return unexpected(what + " for " + std::string(c.name) + " (" + usage(c) + ")");
    }
    return inv;
}

std::string usage(const command_spec& c) {
    std::string line = "ember-ctl " + std::string(c.name);
    if (!c.arguments.empty()) line += " " + std::string(c.arguments);
    for (auto o : c.options)
        line += " [" + std::string(o) + " " + (o == "--sort" ? "KEY" : o == "--filter" ? "TEXT" : o == "--resolution" ? "second|minute" : "N") + "]";
    return line;
}

std::string usage() {
    std::string out = "usage: ember-ctl --connect HOST:PORT --token-file FILE [--json] [--timeout MS] [--width N] COMMAND [ARGS]\n"
                      "\n"
                      "Watch and operate a running Ember node through its agent. The token file is\n"
                      "the node's read-only.token, or admin.token for the commands marked admin.\n"
                      "--connect and --token-file default to $EMBER_CONNECT and $EMBER_TOKEN_FILE.\n"
                      "A process is named by its pid (<0.42.0> or 0.42.0) or its registered name.\n"
                      "\n"
                      "commands:\n";
    std::size_t w = 0;
    for (const auto& c : table()) w = std::max(w, c.name.size() + (c.arguments.empty() ? 0 : c.arguments.size() + 1));
    for (const auto& c : table()) {
        std::string head = std::string(c.name) + (c.arguments.empty() ? "" : " " + std::string(c.arguments));
        out += "  " + head + std::string(w - head.size() + 2, ' ') + std::string(c.summary) + "\n";
    }
    out += "\n"
           "options:\n"
           "  --json          print listings as JSON (keys as in docs/protocol.md); a trace as JSON Lines\n"
           "  --timeout MS    how long to wait for the node's reply (default 10000)\n"
           "  --width N       fit tables in N columns (default: the terminal's; 0: no limit)\n"
           "  ps:    --sort KEY  --limit N (1-10000, default 100)  --offset N  --filter TEXT\n"
           "         KEY: reductions (default), reduction_rate, memory, message_queue_len, message_rate, run_time, age\n"
           "  trace: --max N (messages, default 1000)  --rate N (a second, default 100)\n"
           "  history: --resolution second (1 s samples, 10 minutes; the default) or minute (1 min, 24 hours)\n"
           "         NAME: process_count, memory, reduction_rate, message_rate, events, utilization_N, run_queue_N\n"
           "\n"
           "exit status: 0 done, 1 the node or the connection failed, 2 bad usage\n";
    return out;
}

} // namespace ember::ctl
