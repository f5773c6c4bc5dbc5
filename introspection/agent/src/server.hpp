#pragma once
// agent::state: everything one running agent owns, and who may touch what.
//
// Threads:
//   the Asio thread  runs `io`: accepts, reads and writes every socket, runs
//                    every timer; it owns `open`, `stopping` and every
//                    connection's members. It never waits for the node.
//   the workers      (`workers`, options.worker_threads of them) run what
//                    waits for the node: query::dispatch, subscription
//                    evaluations, starting a trace. Each
//                    job posts its result back to `io` and holds only a
//                    weak_ptr to its connection, so a connection that closed
//                    meanwhile simply drops the answer.
//   /metrics         cpp-httplib's listening thread and its worker
//                    (metrics_server), which read the engine.
// Everything else is set before the threads start and only read after.

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "ember/agent/agent.hpp"
#include "metrics_server.hpp"
#include "metrics_text.hpp"
#include "state_dir.hpp"

namespace ember::agent {

namespace detail {
class connection;

/// One line on stderr, "ember agent: " first. Any thread (one write call,
/// so lines from threads do not mix).
void log_line(std::string_view text);
} // namespace detail

struct agent::state {
    state(query::engine& e, agent_options o, detail::access_tokens t);

    query::engine& engine;
    const agent_options options;
    const detail::access_tokens tokens;

    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> keep_running{io.get_executor()};
    asio::ip::tcp::acceptor acceptor{io};
    asio::steady_timer accept_retry{io};
    std::chrono::steady_clock::time_point last_accept_log{};

    /// Connections by address; the Asio thread only.
    std::unordered_map<detail::connection*, std::shared_ptr<detail::connection>> open;
    /// open.size(), readable from any thread (agent::connections()).
    std::atomic<std::size_t> open_count{0};
    bool stopping = false; ///< Asio thread only

    std::string endpoint;
    std::string metrics_endpoint;
    std::unique_ptr<detail::metrics_server> metrics;

    // Declared after everything its jobs use, and joined by ~agent before
    // anything is destroyed.
    asio::thread_pool workers;
    std::thread io_thread;

    // Asio thread only.
    void accept_next();
    void refuse(asio::ip::tcp::socket socket);
    /// Called by a connection as it closes: forgets it.
    void closed(detail::connection* c);
    /// Closes the acceptor and every connection, then stops `io`.
    void shut_down();
};

} // namespace ember::agent
