// ember-ctl's run: the command line checked whole (cli.cpp, then
// commands::parse), then a connection, then commands::run through a
// client_port to a stream_console. Everything a command does is in
// ember::commands; what is here is only what a separate program needs:
// where the node is, its token, and help without a node.
//
// Ordering: usage errors are told before the token file is read or a
// connection made, so a typo costs no round trip and leaks nothing.

#include <ostream>

#include "cli.hpp"
#include "client_port.hpp"
#include "ctl.hpp"
#include "stream_console.hpp"

namespace ember::ctl {

int run(std::span<const std::string> args, std::ostream& out, std::ostream& err, const run_options& options) {
    auto inv = parse_command_line(args);
    if (!inv) {
        err << "ember-ctl: " << inv.error() << '\n';
        return exit_usage;
    }
    const commands::invocation& command = inv->command;
    if (command.help) {
        out << (command.command ? commands::usage(*command.command, "ember-ctl") : usage());
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
    auto token = client::read_token_file(inv->token_file);
    if (!token) {
        err << "ember-ctl: " << token.error().describe() << '\n';
        return exit_failed;
    }
    client::client_options copts;
    if (inv->timeout) copts.request_timeout = *inv->timeout;
    auto node = client::client::connect(inv->connect, std::move(*token), copts);
    if (!node) {
        err << "ember-ctl: " << failure_line(node.error(), inv->token_file) << '\n';
        return exit_failed;
    }
    client_port port(**node, inv->token_file);
    stream_console console(out, err, {.columns = inv->width.value_or(options.width), .rows = options.rows, .interactive = options.interactive},
                           options.interrupted);
    const int status = commands::run(port, command, console);
    out.flush();
    return status;
}

} // namespace ember::ctl
