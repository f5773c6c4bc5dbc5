#pragma once
// One command being run: the invocation, the port its requests go through
// and the console its output goes to, with the steps every command shares
// (ask the node and read the reply as a struct; print text or JSON; say a
// failure in one line). Private to ember::commands; used on the thread that
// called run().

#include <initializer_list>
#include <optional>
#include <string>

#include "ember/commands/commands.hpp"
#include "ember/protocol/request.hpp"
#include "ember/render/json.hpp"
#include "ember/render/text.hpp"

namespace ember::commands::detail {

/// `{Kind, Args...}`, as ember::client builds it.
term request(protocol::request_kind kind, std::initializer_list<term> args = {});

struct session {
    port& node;
    const invocation& inv;
    console& out;

    /// The console's width; bold headers on an interactive console.
    render::text_options text() const { return {.width = out.columns(), .colour = out.interactive()}; }

    /// Sends `request` and reads its Value as T; on failure prints the one
    /// line and returns nothing (the caller returns exit_failed).
    template <class T>
    std::optional<T> ask(const term& request) {
        auto value = node.request(request);
        if (!value) {
            fail(value.error());
            return std::nullopt;
        }
        auto reply = from_term<T>(*value);
        if (!reply) {
            // A node newer than this program, or a port that answers wrongly.
            fail("reply to " + std::string(request[0].as_atom().name()) + ": " + reply.error().message);
            return std::nullopt;
        }
        return std::move(*reply);
    }

    /// Prints a reply: its JSON (indent 2) with --json, else `as_text`.
    template <class T>
    int show(const T& reply, const std::string& as_text) {
        out.write(inv.json ? render::json(reply, {.indent = 2}) + "\n" : as_text);
        return exit_ok;
    }

    /// A control request's answer: "ok", or "\"ok\"" in JSON.
    int done(const term& request);

    /// Prints the error line and returns exit_failed. noproc about the
    /// process argument is said from what was typed (commands.hpp, [ports]).
    int fail(const protocol::error_reason& e);
    int fail(const std::string& line);
};

// The commands that are more than one request and one rendering.
int run_top(session& s);
int run_trace(session& s);

// Texts and JSON of the views this layer makes of a reply (views.cpp):
// a process's mailbox and state (parts of process_info), the memory part
// of system.
std::string messages_text(const protocol::process_info_reply& info, const render::text_options& options);
term messages_term(const protocol::process_info_reply& info);
std::string state_text(const protocol::process_info_reply& info, const render::text_options& options);
term state_term(const protocol::process_info_reply& info);
std::string mem_text(const protocol::system_info& system, const render::text_options& options);
term mem_term(const protocol::system_info& system);

/// `line` cut to `width` columns (0: whole) with "…", plus a newline.
std::string fit_line(std::string_view line, std::size_t width);

} // namespace ember::commands::detail
