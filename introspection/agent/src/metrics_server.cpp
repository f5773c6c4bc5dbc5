// /metrics over HTTP with cpp-httplib (Debian's libcpp-httplib-dev): one
// listening thread and one worker. Connections are not kept alive, so one
// scraper never holds the only worker between its scrapes, and a client
// that sends nothing is dropped after the read timeout.

#include "metrics_server.hpp"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "metrics_text.hpp"

namespace ember::agent::detail {

struct metrics_server::impl {
    httplib::Server server;
    std::thread thread;
    std::atomic<bool> exited{false};
    std::uint16_t port = 0;
};

metrics_server::metrics_server(std::unique_ptr<impl> i) : impl_(std::move(i)) {}

metrics_server::~metrics_server() {
    impl_->server.stop();
    if (impl_->thread.joinable()) impl_->thread.join();
}

std::uint16_t metrics_server::port() const noexcept { return impl_->port; }

expected<std::unique_ptr<metrics_server>, std::string> metrics_server::start(const std::string& address, std::uint16_t port,
                                                                             std::function<std::string()> render) {
    auto i = std::make_unique<impl>();
    auto& server = i->server;
    server.new_task_queue = [] { return new httplib::ThreadPool(1); };
    server.set_keep_alive_max_count(1);
    server.set_read_timeout(std::chrono::seconds(2));
    server.set_write_timeout(std::chrono::seconds(5));
    server.set_payload_max_length(4096); // a scrape has no body
    server.Get("/metrics", [render = std::move(render)](const httplib::Request&, httplib::Response& res) {
        try {
            res.set_content(render(), metrics_content_type);
        } catch (const std::exception& e) {
            res.status = 500;
            res.set_content(std::string("metrics failed: ") + e.what() + "\n", "text/plain");
        }
    });

    int bound = port;
    if (port == 0) {
        bound = server.bind_to_any_port(address);
        if (bound <= 0) return unexpected("cannot listen for /metrics on " + address + " (no free port, or not an address of this host)");
    } else if (!server.bind_to_port(address, port)) {
        return unexpected("cannot listen for /metrics on " + address + ":" + std::to_string(port) + " (in use, or not an address of this host)");
    }
    i->port = static_cast<std::uint16_t>(bound);

    impl* self = i.get();
    i->thread = std::thread([self] {
        self->server.listen_after_bind();
        self->exited.store(true);
    });
    // httplib's stop() does nothing until the listening loop has begun (it
    // sets is_running first thing), so wait for it: a destructor called at
    // once would otherwise join for ever.
    while (!server.is_running() && !i->exited.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (!server.is_running()) {
        i->thread.join();
        return unexpected("the /metrics server on " + address + ":" + std::to_string(bound) + " stopped at once");
    }
    return std::unique_ptr<metrics_server>(new metrics_server(std::move(i)));
}

} // namespace ember::agent::detail
