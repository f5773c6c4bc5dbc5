#pragma once
// ember::remsh: the node's SSH shell (docs/shell.md). Any OpenSSH client
// attaches with the key an operator already has; nothing is installed on
// their side:
//
//   ssh -p 2222 127.0.0.1                 # an interactive shell on a PTY
//   ssh -p 2222 127.0.0.1 ps --limit 5    # one command, then its exit status
//
//   ember::query::engine q(node);
//   auto ssh = remsh::server::start(q, {.port = 2222, .state_dir = "state",
//                                        .authorized_keys = "keys"});
//   if (!ssh) { std::cerr << ssh.error() << '\n'; return 1; }
//   std::cout << "ssh host key: " << (*ssh)->host_key_fingerprint() << '\n';
//
// Safe by construction: public keys only (a verified signature, never a
// key merely offered), a role per key (read-only or admin), no eval and no
// operating-system shell, modern algorithms only, loopback unless told,
// every login and command in an audit log. The commands are
// ember::commands, the same code as ember-ctl, run in-process against the
// query engine.
//
// How it works: every libssh object lives on one SSH thread that polls all
// connections without blocking; a command runs on a thread of its own and
// its output comes back to the SSH thread through a wake-up, so a slow
// command never stalls another session. Limits (below) bound what a
// client can hold before and after it authenticates.
//
// Thread-safety: start() and the destructor from one thread; the getters
// from any.
//
// Sections: [options] [server]

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "ember/query/engine.hpp"
#include "ember/remsh/export.hpp"
#include "ember/term/expected.hpp"

namespace ember::remsh {

// [options] -----------------------------------------------------------------

struct server_options {
    /// Where to listen. 0 picks a free port (port() tells which).
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;
    /// A non-loopback address is refused unless this is set (and then a
    /// warning is logged): the shell can kill any process of the node.
    bool allow_remote = false;
    /// Holds the host key (made on first start), the audit log and each
    /// key's history; made with mode 0700 when missing.
    std::filesystem::path state_dir;
    /// The keys let in, sshd's format, with `admin` or `read-only` options.
    std::filesystem::path authorized_keys;
    /// Shown in the prompt and the banner; empty: the node's name
    /// (local_node(), nonode@nohost unless set).
    std::string node_name{};

    // Limits, with sshd's names where sshd has one.
    /// LoginGraceTime: a connection not authenticated by then is dropped.
    std::chrono::milliseconds login_grace{30'000};
    /// MaxAuthTries: failed authentication requests per connection.
    std::size_t max_auth_tries = 6;
    /// MaxStartups: connections not yet authenticated. When full, a new
    /// connection pushes out the oldest one that has not authenticated, so
    /// idle or slow connections cannot lock an operator out.
    std::size_t max_unauthenticated = 10;
    /// Authenticated connections at once.
    std::size_t max_connections = 32;
    /// MaxSessions: session channels per connection.
    std::size_t max_channels_per_connection = 4;
    /// ClientAliveInterval: a keepalive when a connection has been quiet
    /// this long; TCP keepalive finds a peer that is gone.
    std::chrono::milliseconds keepalive{15'000};
    /// No keystroke and no running command for this long: disconnected.
    std::chrono::milliseconds idle_timeout{30 * 60'000};
    /// Bound on any libssh call that could wait on the network.
    std::chrono::milliseconds io_timeout{10'000};
    /// Commands running at once on the node (each on a thread of its own).
    std::size_t max_running_commands = 32;
    /// The audit log goes to state_dir/audit.log, and to stderr too.
    bool audit_to_stderr = true;
};

// [server] ------------------------------------------------------------------

class server {
public:
    /// Loads or makes the host key, reads the authorized keys (refusing
    /// loose permissions), listens and starts the SSH thread. The error is
    /// one line for the operator.
    EMBER_REMSH_EXPORT static expected<std::unique_ptr<server>, std::string> start(query::engine& engine, server_options options);
    /// Disconnects every client, cancels running commands and joins them.
    EMBER_REMSH_EXPORT ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// ADDR:PORT it listens on.
    EMBER_REMSH_EXPORT std::string endpoint() const;
    EMBER_REMSH_EXPORT std::uint16_t port() const;
    /// "SHA256:..." as OpenSSH prints it, and the line for a known_hosts file
    /// ("ssh-ed25519 AAAA...").
    EMBER_REMSH_EXPORT std::string host_key_fingerprint() const;
    EMBER_REMSH_EXPORT std::string host_public_key() const;

    /// What the SSH thread holds now (for tests and the operator).
    struct counts {
        std::size_t unauthenticated = 0;
        std::size_t authenticated = 0;
        std::size_t channels = 0;
        std::size_t running_commands = 0;
        std::uint64_t accepted = 0; ///< connections accepted since start
        std::uint64_t pushed_out = 0; ///< dropped to make room (max_unauthenticated)
        std::uint64_t refused = 0;    ///< closed at once (max_connections)
    };
    EMBER_REMSH_EXPORT counts current() const;

    struct state; // server.cpp

private:
    explicit server(std::unique_ptr<state> s);
    std::unique_ptr<state> state_;
};

} // namespace ember::remsh
