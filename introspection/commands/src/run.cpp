// run: one parsed command, from its request to its rendering. Each command
// builds the same request term ember::client builds (so the agent and the
// in-process dispatcher see one protocol), reads the reply with from_term,
// and prints it with ember::render: the text a person reads, or the JSON a
// script reads, alike through every front door.
//
// Sections: [session] [listings] [views] [control] [run]

#include <algorithm>

#include "arguments.hpp"
#include "session.hpp"

namespace ember::commands {
namespace detail {

// [session] -------------------------------------------------------------------

term request(protocol::request_kind kind, std::initializer_list<term> args) {
    std::vector<term> elements{atom(protocol::request_kind_name(kind))};
    elements.insert(elements.end(), args.begin(), args.end());
    return term::tuple(elements);
}

int session::done(const term& request) {
    auto r = node.request(request);
    if (!r) return fail(r.error());
    out.write(inv.json ? "\"ok\"\n" : "ok\n");
    return exit_ok;
}

int session::fail(const protocol::error_reason& e) {
    // In the port's form: led by the code when its lines are (ember-ctl's
    // "Code: Message"), bare otherwise.
    if (e.code == "noproc"_atom && inv.command && inv.command->first_argument == argument_kind::process && !inv.args.empty())
        return fail((e.message.starts_with("noproc: ") ? "noproc: " : "") + std::string("no process ") + process_words(inv.args[0]));
    return fail(e.message);
}

int session::fail(const std::string& line) {
    out.error(line);
    return exit_failed;
}

} // namespace detail

namespace {

using detail::request;
using detail::session;
using protocol::request_kind;

term who(const session& s) { return detail::process_term(s.inv.args.at(0)); }

// [listings] ------------------------------------------------------------------

// One request whose reply is printed whole with render::text.
template <class T>
int listing(session& s, const term& req) {
    auto reply = s.ask<T>(req);
    if (!reply) return exit_failed;
    return s.show(*reply, s.inv.json ? std::string() : render::text(*reply, s.text()));
}

int ps(session& s) {
    protocol::processes_options o;
    o.sort = detail::sort_option(s.inv, o.sort);
    o.limit = detail::size_option(s.inv, "--limit", o.limit);
    o.offset = detail::size_option(s.inv, "--offset", o.offset);
    if (auto it = s.inv.options.find("--filter"); it != s.inv.options.end()) o.filter = it->second;
    return listing<protocol::processes_page>(s, request(request_kind::processes, {to_term(o)}));
}

int tree(session& s) {
    auto apps = s.ask<std::vector<protocol::application_row>>(request(request_kind::applications));
    if (!apps) return exit_failed;
    const std::string only = s.inv.args.empty() ? std::string() : s.inv.args[0];
    std::erase_if(*apps, [&](const protocol::application_row& a) { return !only.empty() && a.name.name() != only; });
    if (apps->empty() && !only.empty()) return s.fail("noproc: no application named " + only);
    return s.show(*apps, s.inv.json ? std::string() : render::tree(*apps, only, s.text()));
}

int history(session& s) {
    // Binaries, as ember::client sends them: a series such as utilization_7
    // may be no atom the node has made yet, and it makes none from input.
    std::vector<term> names;
    for (const auto& n : s.inv.args) names.push_back(term::binary(n));
    term what = term::list(names);
    if (auto it = s.inv.options.find("--resolution"); it != s.inv.options.end() && it->second == "minute")
        what = term::tuple({"minute"_atom, what});
    return listing<std::vector<protocol::series>>(s, request(request_kind::history, {what}));
}

// [views] ---------------------------------------------------------------------

// process_info, of which only one part is shown.
int info_part(session& s, std::string (*as_text)(const protocol::process_info_reply&, const render::text_options&),
              term (*as_json)(const protocol::process_info_reply&)) {
    auto info = s.ask<protocol::process_info_reply>(request(request_kind::process_info, {who(s)}));
    if (!info) return exit_failed;
    s.out.write(s.inv.json ? render::json(as_json(*info), {.indent = 2}) + "\n" : as_text(*info, s.text()));
    return exit_ok;
}

int mem(session& s) {
    auto system = s.ask<protocol::system_info>(request(request_kind::system));
    if (!system) return exit_failed;
    s.out.write(s.inv.json ? render::json(detail::mem_term(*system), {.indent = 2}) + "\n" : detail::mem_text(*system, s.text()));
    return exit_ok;
}

// [control] -------------------------------------------------------------------

int kill(session& s) {
    // With a REASON, kill is exit: an exit signal the process may trap.
    if (s.inv.value) return s.done(request(request_kind::exit, {who(s), *s.inv.value}));
    return s.done(request(request_kind::kill, {who(s)}));
}

// The value parse() read, or (for an invocation made by hand) the text
// read now.
expected<term, std::string> value_of(const session& s, std::string_view what) {
    if (s.inv.value) return *s.inv.value;
    return detail::term_argument(what, s.inv.args.at(1), true);
}

int exit_(session& s) {
    auto reason = value_of(s, "REASON");
    if (!reason) return s.fail(reason.error());
    return s.done(request(request_kind::exit, {who(s), *reason}));
}

int send(session& s) {
    auto message = value_of(s, "TERM");
    if (!message) return s.fail(message.error());
    return s.done(request(request_kind::send, {who(s), *message}));
}

// [run] -----------------------------------------------------------------------

int help(session& s) {
    s.out.write(s.inv.command && s.inv.command->name != "help" ? usage(*s.inv.command) : usage());
    return exit_ok;
}

struct entry {
    std::string_view name;
    int (*run)(session&);
};

const entry entries[] = {
    {"help", help},
    {"ps", ps},
    {"top", detail::run_top},
    {"info", [](session& s) { return listing<protocol::process_info_reply>(s, request(request_kind::process_info, {who(s)})); }},
    {"messages", [](session& s) { return info_part(s, detail::messages_text, detail::messages_term); }},
    {"state", [](session& s) { return info_part(s, detail::state_text, detail::state_term); }},
    {"kill", kill},
    {"exit", exit_},
    {"suspend", [](session& s) { return s.done(request(request_kind::suspend, {who(s)})); }},
    {"resume", [](session& s) { return s.done(request(request_kind::resume, {who(s)})); }},
    {"send", send},
    {"sched", [](session& s) { return listing<std::vector<protocol::scheduler_row>>(s, request(request_kind::schedulers)); }},
    {"mem", mem},
    {"system", [](session& s) { return listing<protocol::system_info>(s, request(request_kind::system)); }},
    {"apps", [](session& s) { return listing<std::vector<protocol::application_row>>(s, request(request_kind::applications)); }},
    {"tree", tree},
    {"events", [](session& s) { return listing<std::vector<protocol::event_row>>(s, request(request_kind::events)); }},
    {"warnings", [](session& s) { return listing<std::vector<protocol::warning_row>>(s, request(request_kind::warnings)); }},
    {"history", history},
    {"trace", detail::run_trace},
};

} // namespace

int run(port& node, const invocation& inv, console& out) {
    session s{node, inv, out};
    if (inv.help) return help(s);
    if (!inv.command) {
        out.error("no command given (help lists them)");
        return exit_usage;
    }
    for (const entry& e : entries)
        if (e.name == inv.command->name) return e.run(s);
    // The table names a command this file does not serve: a bug, said as one line.
    out.error("command " + std::string(inv.command->name) + " is not served");
    return exit_failed;
}

} // namespace ember::commands
