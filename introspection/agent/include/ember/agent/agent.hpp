#pragma once
// The agent: a node's TCP front door (protocol 1, docs/protocol.md) and its
// Prometheus /metrics, served on one Asio thread of its own, never on a
// scheduler thread. Requests go through query::dispatch.
//
//   ember::query::engine q(n);
//   auto a = ember::agent::agent::start(q, {.state_dir = "/var/lib/app"});
//   if (!a) { std::cerr << a.error() << '\n'; return 1; }
//   std::cout << "agent on " << (*a)->endpoint() << '\n';   // 127.0.0.1:PORT
//
// Sections: [options] [agent]

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "ember/agent/export.hpp"
#include "ember/query/engine.hpp"

namespace ember::agent {

// [options] -----------------------------------------------------------------

struct agent_options {
    /// Where to listen. An address that is not loopback needs
    /// allow_non_loopback and logs a warning.
    std::string address = "127.0.0.1";
    std::uint16_t port = 0; ///< 0: a free port (endpoint() tells which)
    bool allow_non_loopback = false;
    /// Holds read-only.token and admin.token (mode 0600), made on first
    /// start; the directory must be mode 0700 (made so when missing).
    std::filesystem::path state_dir;
    /// /metrics: off unless metrics_port is set (0 there: a free port).
    std::optional<std::uint16_t> metrics_port;
    std::string metrics_address = "127.0.0.1";

    // Limits.
    std::size_t max_frame_bytes = std::size_t{16} << 20;
    std::size_t max_connections = 256;
    std::chrono::milliseconds hello_timeout{5000};
    std::chrono::milliseconds idle_timeout{std::chrono::minutes(10)};
    std::size_t max_outstanding = 64;       ///< requests in progress per connection
    std::size_t max_subscriptions = 32;     ///< per connection
    /// Bytes queued for a client that does not read; past it the client is
    /// dropped (never buffered without bound).
    std::size_t max_send_queue_bytes = std::size_t{8} << 20;
    /// Threads that run requests and subscriptions (they wait for the node:
    /// a process_info up to the engine's state_timeout, a processes scan up
    /// to its time_budget), so the Asio thread never does.
    std::size_t worker_threads = 2;
};

// [agent] -------------------------------------------------------------------

class agent {
public:
    /// Checks the state directory, makes or reads the tokens, binds, and
    /// starts the agent's thread. The error says what failed, in one line
    /// ("agent: the state directory /x is mode 0755; it must be 0700 ...").
    /// `engine` must outlive the agent. Any thread but a process's.
    EMBER_AGENT_EXPORT static expected<std::unique_ptr<agent>, std::string> start(query::engine& engine, agent_options options);
    /// Closes every connection, stops /metrics and joins the threads
    /// (waiting for requests under way: about a second at worst).
    EMBER_AGENT_EXPORT ~agent();
    agent(const agent&) = delete;
    agent& operator=(const agent&) = delete;

    /// "ADDRESS:PORT" the agent listens on.
    EMBER_AGENT_EXPORT std::string endpoint() const;
    /// "ADDRESS:PORT" of /metrics, or "" when off.
    EMBER_AGENT_EXPORT std::string metrics_endpoint() const;
    EMBER_AGENT_EXPORT std::filesystem::path read_only_token_file() const;
    EMBER_AGENT_EXPORT std::filesystem::path admin_token_file() const;
    /// Connections open now (after accept, before close). Any thread.
    EMBER_AGENT_EXPORT std::size_t connections() const;

    struct state;

private:
    explicit agent(std::unique_ptr<state> s);
    std::unique_ptr<state> state_;
};

} // namespace ember::agent
