// The command table, and everything read from it alone: lookup, the
// "did you mean" guess, and the help texts.
//
// The table is plain data so that help, the parser's checks and completion
// all come from one place; a command's behaviour is in run.cpp (and
// top.cpp, trace.cpp), found by name.
//
// Sections: [table] [lookup] [help]

#include <algorithm>
#include <cstdint>

#include "arguments.hpp"
#include "ember/commands/commands.hpp"

namespace ember::commands {
namespace {

using enum argument_kind;

// [table] -------------------------------------------------------------------

const std::vector<command_spec>& all() {
    static const std::vector<command_spec> commands = {
        {"help", "[CMD]", 0, 1, {}, "this list, or one command's usage and options", false, command},
        {"ps", "", 0, 0, {"--sort", "--limit", "--offset", "--filter"}, "processes, like Erlang's i(), largest first", false, none},
        {"top", "", 0, 0, {"--sort", "--count"}, "node figures and the busiest processes, redrawn every second until Ctrl-C", false, none},
        {"info", "PID|NAME", 1, 1, {}, "everything about one process", false, process},
        {"messages", "PID|NAME", 1, 1, {}, "the first messages waiting in a process's mailbox", false, process},
        {"state", "PID|NAME", 1, 1, {}, "a behaviour's state, as sys:get_state gives it", false, process},
        {"kill", "PID|NAME [REASON]", 1, 2, {}, "kill a process; with REASON (an Erlang term), send it that exit signal", true, process},
        {"exit", "PID|NAME REASON", 2, 2, {}, "send an exit signal with REASON, an Erlang term", true, process},
        {"suspend", "PID|NAME", 1, 1, {}, "suspend a process", true, process},
        {"resume", "PID|NAME", 1, 1, {}, "resume a suspended process", true, process},
        {"send", "PID|NAME TERM", 2, 2, {}, "send TERM, written in Erlang syntax, as a message", true, process},
        {"sched", "", 0, 0, {}, "per-scheduler figures", false, none},
        {"mem", "", 0, 0, {}, "the node's memory: process memory, processes, atoms", false, none},
        {"system", "", 0, 0, {}, "node-wide figures", false, none},
        {"apps", "", 0, 0, {}, "applications", false, none},
        {"tree", "[APP]", 0, 1, {}, "supervision trees, of every application or of APP", false, application},
        {"events", "", 0, 0, {}, "recent runtime events", false, none},
        {"warnings", "", 0, 0, {}, "what looks wrong now, with its evidence", false, none},
        {"history", "NAME...", 1, SIZE_MAX, {"--resolution"}, "history series of the node's figures", false, series},
        {"trace", "PID|NAME", 1, 1, {"--max", "--rate"}, "print the messages a process sends and receives, until the trace ends or Ctrl-C", true,
         process},
    };
    return commands;
}

constexpr sort_alias aliases[] = {
    {"reductions", "reductions"},
    {"reduction_rate", "reduction_rate"},
    {"memory", "memory"},
    {"message_queue_len", "message_queue_len"},
    {"message_rate", "message_rate"},
    {"run_time", "run_time"},
    {"age", "age"},
    {"reds", "reductions"},
    {"reds/s", "reduction_rate"},
    {"mem", "memory"},
    {"mq", "message_queue_len"},
    {"msgq", "message_queue_len"},
    {"queue", "message_queue_len"},
    {"msg/s", "message_rate"},
    {"runtime", "run_time"},
};

// Optimal string alignment distance: Levenshtein plus a swap of two
// neighbours as one edit ("tpo" -> top), the typo people make most.
std::size_t distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t change = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + change});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

// What each option's value means, for one command's help.
std::string option_help(const command_spec& c, std::string_view option) {
    if (option == "--sort") {
        std::string names, short_names;
        for (const sort_alias& a : aliases) {
            std::string& to = a.alias == a.name ? names : short_names;
            to += (to.empty() ? "" : ", ") + std::string(a.alias);
        }
        return "KEY: " + names + "; or " + short_names + " (default " + (c.name == "top" ? "reduction_rate" : "reductions") + ")";
    }
    if (option == "--limit") return "processes shown, 1 to 10000 (default 100); page with --offset";
    if (option == "--offset") return "rows skipped first";
    if (option == "--filter") return "keep processes whose registered name, initial call, current function or status contains TEXT";
    if (option == "--count") return "refreshes, then stop (default: until Ctrl-C; one when not on a terminal)";
    if (option == "--max") return "messages in all, 1 to 100000 (default 1000)";
    if (option == "--rate") return "messages a second, the rest dropped and counted (default 100)";
    if (option == "--resolution") return "second: 1 s samples for 10 minutes (default); minute: 1 min samples for 24 hours";
    return {};
}

std::string lead(std::string_view program) { return program.empty() ? std::string() : std::string(program) + " "; }

} // namespace

// [lookup] ------------------------------------------------------------------

std::span<const command_spec> table() { return all(); }

std::span<const sort_alias> sort_aliases() { return aliases; }

const command_spec* find(std::string_view name) {
    for (const command_spec& c : all())
        if (c.name == name) return &c;
    return nullptr;
}

std::string_view closest(std::string_view name) {
    if (name.empty()) return {};
    const command_spec* prefixed = nullptr;
    std::size_t prefixes = 0;
    for (const command_spec& c : all())
        if (c.name.starts_with(name)) prefixed = &c, ++prefixes;
    if (prefixes == 1) return prefixed->name;
    std::string_view best;
    std::size_t best_distance = 3;
    for (const command_spec& c : all()) {
        // Lengths more than 2 apart are more than 2 edits apart: no table to fill.
        if (name.size() > c.name.size() + 2 || c.name.size() > name.size() + 2) continue;
        const std::size_t d = distance(name, c.name);
        if (d < best_distance && d < name.size()) best = c.name, best_distance = d;
    }
    return best;
}

// [help] --------------------------------------------------------------------

std::string usage_line(const command_spec& c, std::string_view program) {
    std::string line = lead(program) + std::string(c.name);
    if (!c.arguments.empty()) line.append(" ").append(c.arguments);
    for (auto o : c.options) line.append(" [").append(o).append(" ").append(detail::value_name(o)).append("]");
    return line;
}

std::string usage(const command_spec& c, std::string_view program) {
    std::string out = usage_line(c, program) + "\n  " + std::string(c.summary) + (c.admin ? " (admin)" : "") + "\n";
    std::size_t w = 0;
    for (auto o : c.options) w = std::max(w, o.size() + 1 + detail::value_name(o).size());
    for (auto o : c.options) {
        const std::string head = std::string(o) + " " + std::string(detail::value_name(o));
        out += "  " + head + std::string(w - head.size() + 2, ' ') + option_help(c, o) + "\n";
    }
    if (c.first_argument == argument_kind::process)
        out += "  a process is its pid (<0.42.0> or 0.42.0) or its registered name\n";
    if (c.name == "kill" || c.name == "exit" || c.name == "send")
        out += "  terms in Erlang syntax: normal, {shutdown, maintenance}, <<\"text\">>, [1, 2]\n";
    if (c.name == "history") out += "  NAME: process_count, memory, reduction_rate, message_rate, events, utilization_N, run_queue_N\n";
    if (c.admin) out += "  admin: needs the node's admin token or an admin key\n";
    return out;
}

std::string usage(std::string_view program) {
    std::string out = "commands (admin: needs the node's admin token or an admin key):\n";
    auto head_of = [](const command_spec& c) {
        std::string head(c.name);
        if (!c.arguments.empty()) head.append(" ").append(c.arguments);
        return head;
    };
    std::size_t w = 0;
    for (const auto& c : all()) w = std::max(w, head_of(c).size());
    for (const auto& c : all()) {
        const std::string head = head_of(c);
        out += "  " + head + std::string(w - head.size() + 2, ' ') + std::string(c.summary) + (c.admin ? " (admin)" : "") + "\n";
    }
    out += "\n"
           "options of the commands:\n"
           "  --json   print listings as JSON (keys as in docs/protocol.md); trace and top as JSON Lines\n"
           "  --help   one command's usage, as help CMD\n"
           "  ps:      --sort KEY  --limit N (1-10000, default 100)  --offset N  --filter TEXT\n"
           "  top:     --sort KEY (default reduction_rate)  --count N (refreshes, then stop)\n"
           "           KEY: reductions, reduction_rate, memory, message_queue_len, message_rate, run_time, age;\n"
           "           or reds, reds/s, mem, mq, msgq, queue, msg/s, runtime\n"
           "  trace:   --max N (messages, default 1000)  --rate N (a second, default 100)\n"
           "  history: --resolution second (1 s samples, 10 minutes; the default) or minute (1 min, 24 hours)\n"
           "           NAME: process_count, memory, reduction_rate, message_rate, events, utilization_N, run_queue_N\n"
           "\n"
           "A process is named by its pid (<0.42.0> or 0.42.0) or its registered name.\n"
           "TERM and REASON are Erlang terms: normal, {shutdown, maintenance}, <<\"text\">>.\n" +
           lead(program) + "help CMD (or " + lead(program) + "CMD --help) shows one command.\n";
    return out;
}

} // namespace ember::commands
