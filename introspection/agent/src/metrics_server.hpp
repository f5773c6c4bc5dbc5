#pragma once
// The HTTP side of /metrics: cpp-httplib's server on a thread of its own
// (and one worker), answering GET /metrics with what `render` returns. Kept
// apart from the TCP agent so that a slow scraper never holds a client, and
// the other way round. httplib stays inside metrics_server.cpp.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "ember/term/expected.hpp"

namespace ember::agent::detail {

class metrics_server {
public:
    /// Binds address:port (port 0: a free one) and starts serving. `render`
    /// runs on the server's worker thread, one scrape at a time; what it
    /// throws becomes a 500. The error is one line.
    static expected<std::unique_ptr<metrics_server>, std::string> start(const std::string& address, std::uint16_t port,
                                                                        std::function<std::string()> render);
    /// Stops serving and joins the threads.
    ~metrics_server();
    metrics_server(const metrics_server&) = delete;
    metrics_server& operator=(const metrics_server&) = delete;

    std::uint16_t port() const noexcept;

    struct impl;

private:
    explicit metrics_server(std::unique_ptr<impl> i);
    std::unique_ptr<impl> impl_;
};

} // namespace ember::agent::detail
