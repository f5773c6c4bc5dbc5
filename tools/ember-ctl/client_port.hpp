#pragma once
// ember-ctl's port: the commands' requests go to the node's agent through
// ember::client, and a trace's rows come back as its pushes. Failures
// become the one line ember-ctl prints, with the hint that fits a token
// file ("use the node's admin.token").

#include <string>

#include "ember/client/client.hpp"
#include "ember/commands/commands.hpp"

namespace ember::ctl {

/// The one line for a client failure: describe(), and a hint where the fix
/// is known (needs_admin: the admin token; bad_token: which file;
/// unknown_atom: the node makes no atoms). Any thread.
std::string failure_line(const client::client_error& e, std::string_view token_file);

/// Calls go to `node`, which must outlive the port and every feed it
/// gives. Used from one thread (commands::run's).
class client_port final : public commands::port {
public:
    client_port(client::client& node, std::string token_file) : node_(node), token_file_(std::move(token_file)) {}

    expected<term, protocol::error_reason> request(const term& request) override;
    expected<std::unique_ptr<commands::trace_feed>, protocol::error_reason> trace(const term& who,
                                                                                 const protocol::trace_options& options) override;

    /// A client failure as the commands see it: the node's code (or the
    /// client's errc name) and failure_line as the message.
    protocol::error_reason reason(const client::client_error& e) const;

private:
    client::client& node_;
    std::string token_file_;
};

} // namespace ember::ctl
