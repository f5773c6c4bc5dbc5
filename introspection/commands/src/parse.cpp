// parse: words to an invocation, every value checked, so that run() only
// fails when the node does. Errors are one line that says what to type
// instead: the command nearest a typo, the usage line of a command given
// the wrong arguments, the range of a number.

#include <algorithm>

#include "arguments.hpp"
#include "ember/commands/commands.hpp"

namespace ember::commands {
namespace {

std::string unknown_command(std::string_view name) {
    const std::string_view near = closest(name);
    return "unknown command '" + detail::shown(name) + "' (" + (near.empty() ? std::string("help lists them") : "did you mean " + std::string(near) + "?") +
           ")";
}

bool takes(const command_spec& c, std::string_view option) { return std::find(c.options.begin(), c.options.end(), option) != c.options.end(); }

// The TERM or REASON argument of the commands that take one, by position.
std::optional<std::pair<std::size_t, std::string_view>> term_position(const command_spec& c) {
    if (c.name == "send") return std::pair<std::size_t, std::string_view>{1, "TERM"};
    if (c.name == "exit" || c.name == "kill") return std::pair<std::size_t, std::string_view>{1, "REASON"};
    return std::nullopt;
}

} // namespace

expected<invocation, std::string> parse(std::span<const std::string> words, const parse_settings& settings) {
    invocation inv;
    bool options_done = false;
    for (std::size_t i = 0; i < words.size(); ++i) {
        std::string_view w = words[i];
        if (options_done || !(w.starts_with("--") || w == "-h")) {
            if (inv.command) inv.args.emplace_back(w);
            else if (!(inv.command = find(w))) return unexpected(unknown_command(w));
            continue;
        }
        if (w == "--") {
            options_done = true;
            continue;
        }
        if (w == "-h") w = "--help";
        std::string name(w);
        std::optional<std::string> value;
        if (auto eq = w.find('='); eq != std::string_view::npos) {
            name = std::string(w.substr(0, eq));
            value = std::string(w.substr(eq + 1));
        }
        if (name == "--json" || name == "--help") {
            if (value) return unexpected(name + " takes no value");
            (name == "--json" ? inv.json : inv.help) = true;
            continue;
        }
        if (!inv.command || !takes(*inv.command, name)) {
            if (!inv.command) return unexpected("unknown option " + detail::shown(name) + " (a command's options follow it; help lists them)");
            return unexpected("unknown option " + detail::shown(name) + " for " + std::string(inv.command->name) + " (" + usage_line(*inv.command) + ")");
        }
        if (!value) {
            if (i + 1 >= words.size()) return unexpected(name + " wants a value");
            value = words[++i];
        }
        auto checked = detail::option_value(name, *value);
        if (!checked) return unexpected(checked.error());
        inv.options[name] = std::move(*checked);
    }

    // `help CMD` is CMD's help; `help` alone the whole list.
    if (inv.command && inv.command->name == "help" && !inv.help) {
        if (inv.args.size() > 1) return unexpected("too many arguments for help (" + usage_line(*inv.command) + ")");
        inv.help = true;
        inv.command = nullptr;
        if (!inv.args.empty() && !(inv.command = find(inv.args[0]))) return unexpected(unknown_command(inv.args[0]));
        inv.args.clear();
        return inv;
    }
    if (inv.help) return inv;
    if (!inv.command) return unexpected(std::string("no command given (help lists them)"));

    const command_spec& c = *inv.command;
    if (inv.args.size() < c.min_args || inv.args.size() > c.max_args) {
        const std::string what = inv.args.size() < c.min_args ? "missing arguments" : "too many arguments";
        return unexpected(what + " for " + std::string(c.name) + " (" + usage_line(c) + ")");
    }
    if (auto at = term_position(c); at && at->first < inv.args.size()) {
        auto t = detail::term_argument(at->second, inv.args[at->first], settings.make_atoms);
        if (!t) return unexpected(t.error());
        inv.value = std::move(*t);
    }
    return inv;
}

} // namespace ember::commands
