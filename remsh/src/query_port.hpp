#pragma once
// The SSH shell's door to the node: ember::commands' port over the query
// engine, in-process. Requests go through query::dispatch, the same
// dispatcher the agent serves, so the admin check and every answer are the
// agent's; only the words of the admin refusal are the shell's ("this key
// is read-only"), since a shell user holds a key, not a token.
//
// Thread-safety: one port per running command; any thread but a process's.

#include "ember/commands/commands.hpp"
#include "ember/protocol/messages.hpp"
#include "ember/query/engine.hpp"

namespace ember::remsh {

class query_port final : public commands::port {
public:
    query_port(query::engine& engine, protocol::access_level access) : engine_(engine), access_(access) {}

    expected<term, protocol::error_reason> request(const term& request) override;
    expected<std::unique_ptr<commands::trace_feed>, protocol::error_reason> trace(const term& who,
                                                                                 const protocol::trace_options& options) override;

private:
    query::engine& engine_;
    protocol::access_level access_;
};

} // namespace ember::remsh
