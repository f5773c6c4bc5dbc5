#pragma once
// What every connection of the SSH server shares: the node's engine, the
// options, the keys let in, the audit log, and the SSH thread's ways to be
// woken and to park jobs that outlive their channel. Owned by the server
// state (server.cpp); connections hold a reference.
//
// Thread-safety: SSH thread only, but wake() and the audit log, which any
// thread may use.

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "audit_log.hpp"
#include "authorized_keys.hpp"
#include "command_job.hpp"
#include "ember/query/engine.hpp"
#include "ember/remsh/server.hpp"

namespace ember::remsh {

struct server_context {
    query::engine& engine;
    const server_options& options;
    const authorized_keys& keys;
    audit_log& audit;
    /// Wakes the SSH thread from another thread (a job has output).
    std::function<void()> wake;
    /// Jobs whose channel went away while they ran: cancelled, joined by
    /// the SSH thread once done (never waited for on it).
    std::vector<std::shared_ptr<command_job>> orphans;
    /// Commands running now, against options.max_running_commands.
    std::size_t running_commands = 0;
};

} // namespace ember::remsh
