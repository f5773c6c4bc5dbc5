// ember-ctl's commands: each turns its arguments into one client call and
// prints the reply with ember::render (text, or JSON with --json), so the
// words and the layout are the ones the SSH shell shows too.
//
// Arguments are checked before connecting (a typo costs no round trip);
// every failure ends as one line on stderr and a non-zero exit status.
//
// Sections: [arguments] [commands] [trace] [run]

#include <algorithm>
#include <functional>
#include <ostream>

#include "cli.hpp"
#include "ctl.hpp"
#include "ember/client/client.hpp"
#include "ember/render/json.hpp"
#include "ember/render/text.hpp"
#include "ember/term/parse.hpp"
#include "ember/term/print.hpp"

namespace ember::ctl {
namespace {

using client::client_errc;
using client::client_error;

// A usage error found after parsing (a bad sort key, an unreadable term).
struct usage_error {
    std::string message;
};

// [arguments] -------------------------------------------------------------------

// A process as the node resolves it: a pid's text or a registered name,
// both sent as a binary. "0.42.0" gets its brackets.
term process_arg(std::string_view text) {
    const bool bare_pid = !text.empty() && std::count(text.begin(), text.end(), '.') == 2 &&
                          std::all_of(text.begin(), text.end(), [](char c) { return c == '.' || (c >= '0' && c <= '9'); });
    return term::binary(bare_pid ? "<" + std::string(text) + ">" : std::string(text));
}

expected<term, usage_error> term_arg(std::string_view what, const std::string& text) {
    auto t = parse(text);
    if (!t) return unexpected(usage_error{"cannot read " + std::string(what) + " '" + text + "' as an Erlang term: " + t.error().message});
    return std::move(*t);
}

expected<std::size_t, usage_error> number_option(const invocation& inv, std::string_view name, std::size_t fallback, std::size_t min,
                                                 std::size_t max) {
    auto it = inv.options.find(name);
    if (it == inv.options.end()) return fallback;
    const std::string& text = it->second;
    std::size_t v = 0;
    bool ok = !text.empty() && text.size() <= 12;
    for (char c : text) {
        ok = ok && c >= '0' && c <= '9';
        if (ok) v = v * 10 + static_cast<std::size_t>(c - '0');
    }
    if (!ok || v < min || v > max)
        return unexpected(
            usage_error{std::string(name) + " is a number from " + std::to_string(min) + " to " + std::to_string(max) + ", found '" + text + "'"});
    return v;
}

// The sort keys by their protocol names, and the short names people type.
expected<protocol::process_sort, usage_error> sort_arg(std::string_view text) {
    static constexpr std::pair<std::string_view, std::string_view> aliases[] = {{"reds", "reductions"},         {"mem", "memory"},
                                                                                {"mq", "message_queue_len"},    {"msgq", "message_queue_len"},
                                                                                {"queue", "message_queue_len"}, {"reds/s", "reduction_rate"},
                                                                                {"msg/s", "message_rate"},      {"runtime", "run_time"}};
    for (const auto& [alias, name] : aliases)
        if (text == alias) text = name;
    for (std::size_t i = 0; i < protocol::process_sort_count; ++i) {
        const auto key = static_cast<protocol::process_sort>(i);
        if (protocol::process_sort_name(key) == text) return key;
    }
    std::string names;
    for (std::size_t i = 0; i < protocol::process_sort_count; ++i)
        names += (i ? ", " : "") + std::string(protocol::process_sort_name(static_cast<protocol::process_sort>(i)));
    return unexpected(usage_error{"--sort is one of " + names + "; found '" + std::string(text) + "'"});
}

// [commands] --------------------------------------------------------------------

struct context {
    const invocation& inv;
    client::client& node;
    std::ostream& out;
    render::text_options text;
    const run_options& options;
};

// Prints a reply, or returns its error.
template <class T, class Text>
expected<void, client_error> show(context& c, const expected<T, client_error>& reply, Text&& as_text) {
    if (!reply) return unexpected(reply.error());
    if (c.inv.json) c.out << render::json(*reply, {.indent = 2}) << '\n';
    else c.out << as_text(*reply);
    return {};
}

expected<void, client_error> done(context& c, const expected<void, client_error>& r) {
    if (!r) return r;
    c.out << (c.inv.json ? "\"ok\"\n" : "ok\n");
    return {};
}

expected<void, client_error> trace(context& c, const protocol::trace_options& opts);

// What a command will do once connected. Made before connecting, so bad
// arguments are told without a round trip.
using action = std::function<expected<void, client_error>(context&)>;

template <class Call>
action listing(Call call) {
    return [call](context& c) { return show(c, call(c.node), [&c](const auto& v) { return render::text(v, c.text); }); };
}

expected<action, usage_error> prepare(const invocation& inv) {
    const std::string_view name = inv.command->name;
    const auto& args = inv.args;
    if (name == "ps") {
        protocol::processes_options o;
        if (auto it = inv.options.find("--sort"); it != inv.options.end()) {
            auto key = sort_arg(it->second);
            if (!key) return unexpected(key.error());
            o.sort = *key;
        }
        auto limit = number_option(inv, "--limit", protocol::processes_options::default_limit, 1, protocol::processes_options::max_limit);
        if (!limit) return unexpected(limit.error());
        auto offset = number_option(inv, "--offset", 0, 0, protocol::processes_options::max_offset);
        if (!offset) return unexpected(offset.error());
        o.limit = *limit;
        o.offset = *offset;
        if (auto it = inv.options.find("--filter"); it != inv.options.end()) {
            if (it->second.size() > protocol::processes_options::max_filter_bytes)
                return unexpected(usage_error{"--filter is at most " + std::to_string(protocol::processes_options::max_filter_bytes) + " bytes"});
            o.filter = it->second;
        }
        return listing([o](client::client& n) { return n.processes(o); });
    }
    if (name == "info") return listing([who = process_arg(args[0])](client::client& n) { return n.process_info(who); });
    if (name == "sched") return listing([](client::client& n) { return n.schedulers(); });
    if (name == "system") return listing([](client::client& n) { return n.system(); });
    if (name == "apps") return listing([](client::client& n) { return n.applications(); });
    if (name == "events") return listing([](client::client& n) { return n.events(); });
    if (name == "warnings") return listing([](client::client& n) { return n.warnings(); });
    if (name == "tree") {
        const std::string only = args.empty() ? std::string() : args[0];
        return action([only](context& c) -> expected<void, client_error> {
            auto apps = c.node.applications();
            if (!apps) return unexpected(apps.error());
            std::erase_if(*apps, [&](const protocol::application_row& a) { return !only.empty() && a.name.name() != only; });
            if (apps->empty() && !only.empty())
                return unexpected(client_error{client_errc::server_error, "noproc"_atom, "no application named " + only});
            return show(c, apps, [&](const auto& v) { return render::tree(v, only, c.text); });
        });
    }
    if (name == "history") {
        const std::vector<std::string> names(args.begin(), args.end());
        auto every = client::resolution::second;
        if (auto it = inv.options.find("--resolution"); it != inv.options.end()) {
            if (it->second == "minute") every = client::resolution::minute;
            else if (it->second != "second") return unexpected(usage_error{"--resolution is second or minute, found '" + it->second + "'"});
        }
        return listing([names, every](client::client& n) { return n.history(names, every); });
    }
    if (name == "kill" || name == "suspend" || name == "resume") {
        return action([name, who = process_arg(args[0])](context& c) {
            return done(c, name == "kill" ? c.node.kill(who) : name == "suspend" ? c.node.suspend(who) : c.node.resume(who));
        });
    }
    if (name == "exit" || name == "send") {
        auto t = term_arg(name == "exit" ? "REASON" : "TERM", args[1]);
        if (!t) return unexpected(t.error());
        return action(
            [name, who = process_arg(args[0]), t = *t](context& c) { return done(c, name == "exit" ? c.node.exit(who, t) : c.node.send(who, t)); });
    }
    if (name == "trace") {
        auto max = number_option(inv, "--max", protocol::trace_options::default_max_messages, 1, protocol::trace_options::max_max_messages);
        if (!max) return unexpected(max.error());
        auto rate = number_option(inv, "--rate", protocol::trace_options::default_max_rate, 1, 1'000'000);
        if (!rate) return unexpected(rate.error());
        return action([opts = protocol::trace_options{*max, *rate}](context& c) { return trace(c, opts); });
    }
    return unexpected(usage_error{"command " + std::string(name) + " is not served"}); // the table and this list disagree
}

// [trace] -----------------------------------------------------------------------

// Prints rows as they come until the trace has given max_messages, the
// node ends it (its last push, {ended, {Code, Message}}), the connection
// goes, or the user interrupts (then it unsubscribes).
expected<void, client_error> trace(context& c, const protocol::trace_options& opts) {
    auto id = c.node.trace(process_arg(c.inv.args[0]), opts);
    if (!id) return unexpected(id.error());
    std::uint64_t seen = 0;
    for (;;) {
        if (c.options.interrupted && c.options.interrupted->load()) break;
        auto p = c.node.wait_push(std::chrono::milliseconds(100));
        if (!p || p->subscription != *id) continue;
        if (p->error) {
            if (p->error->errc == client_errc::bad_reply) continue; // one unreadable row; the trace goes on
            return unexpected(*p->error);
        }
        if (p->ended) {
            // `complete`: it gave its messages or its process is gone. Any
            // other code is the node's error.
            if (p->ended->code != "complete"_atom) return unexpected(client_error{client_errc::server_error, p->ended->code, p->ended->message});
            if (!c.inv.json) c.out << "-- trace ended: " << p->ended->message << '\n' << std::flush;
            return {};
        }
        auto row = from_term<protocol::trace_row>(p->value);
        if (!row) continue; // not a row this ember-ctl reads (a newer node?): skip it
        if (c.inv.json) c.out << render::json(*row) << '\n';
        else c.out << render::text(*row, c.text);
        c.out << std::flush;
        seen += 1 + row->dropped;
        if (seen >= opts.max_messages) return {};
    }
    (void)c.node.unsubscribe(*id); // interrupted: stop it on the node; an error here changes nothing
    return {};
}

// [run] -------------------------------------------------------------------------

// The one line for a failure, with a hint where the fix is known.
std::string failure_line(const client_error& e, const invocation& inv) {
    std::string line = e.describe();
    if (e.errc == client_errc::server_error && e.code == "needs_admin"_atom)
        line += " (the token in " + inv.token_file + " is read-only; use the node's admin.token)";
    if (e.errc == client_errc::bad_token) line += " (token file " + inv.token_file + ")";
    if (e.errc == client_errc::server_error && e.code == "unknown_atom"_atom)
        line += " (a node makes no atoms from the network: use atoms it knows, or binaries)";
    return line;
}

} // namespace

int run(std::span<const std::string> args, std::ostream& out, std::ostream& err, const run_options& options) {
    auto inv = parse_command_line(args);
    if (!inv) {
        err << "ember-ctl: " << inv.error() << '\n';
        return exit_usage;
    }
    if (inv->help) {
        out << (inv->command ? usage(*inv->command) + "\n  " + std::string(inv->command->summary) + "\n" : usage());
        return exit_ok;
    }
    if (inv->connect.empty()) inv->connect = options.default_connect;
    if (inv->token_file.empty()) inv->token_file = options.default_token_file;
    if (inv->connect.empty()) {
        err << "ember-ctl: say which node with --connect HOST:PORT (or EMBER_CONNECT)\n";
        return exit_usage;
    }
    if (inv->token_file.empty()) {
        err << "ember-ctl: give the node's token file with --token-file FILE (or EMBER_TOKEN_FILE)\n";
        return exit_usage;
    }
    if (auto where = client::parse_endpoint(inv->connect); !where) {
        err << "ember-ctl: " << where.error().describe() << '\n';
        return exit_usage;
    }
    auto act = prepare(*inv);
    if (!act) {
        err << "ember-ctl: " << act.error().message << '\n';
        return exit_usage;
    }
    auto token = client::read_token_file(inv->token_file);
    if (!token) {
        err << "ember-ctl: " << token.error().describe() << '\n';
        return exit_failed;
    }
    client::client_options copts;
    if (inv->timeout) copts.request_timeout = *inv->timeout;
    auto node = client::client::connect(inv->connect, std::move(*token), copts);
    if (!node) {
        err << "ember-ctl: " << failure_line(node.error(), *inv) << '\n';
        return exit_failed;
    }
    context c{*inv, **node, out, {.width = inv->width.value_or(options.width)}, options};
    if (auto result = (*act)(c); !result) {
        err << "ember-ctl: " << failure_line(result.error(), *inv) << '\n';
        return exit_failed;
    }
    out.flush();
    return exit_ok;
}

} // namespace ember::ctl
