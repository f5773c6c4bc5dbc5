// The agent: start (options, address, state directory, listening socket,
// /metrics, threads), accepting connections, and an orderly stop.
//
// Sections: [start] [accepting] [stop] [accessors]

#include <asio/post.hpp>
#include <asio/write.hpp>

#include <cstdio>

#include "connection.hpp"
#include "server.hpp"

namespace ember::agent {
namespace detail {

void log_line(std::string_view text) {
    std::string line = "ember agent: ";
    line.append(text).append("\n");
    std::fwrite(line.data(), 1, line.size(), stderr);
}

} // namespace detail

namespace {

// Atoms a client may send that the protocol's vocabulary
// (protocol::intern_atoms) does not hold, and the codes and tags the agent
// answers with: made before the first frame is read, since frames are
// decoded with existing_atoms_only.
constexpr std::string_view agent_atoms[] = {"all", "ended", "too_many_connections", "internal_error", "complete"};

std::string endpoint_text(const asio::ip::tcp::endpoint& e) {
    const auto a = e.address();
    return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(e.port());
}

// The address to bind, refusing one that is not loopback unless allowed.
expected<asio::ip::address, std::string> listen_address(const std::string& text, bool allow_non_loopback, std::string_view what) {
    std::error_code ec;
    const auto address = asio::ip::make_address(text == "localhost" ? std::string("127.0.0.1") : text, ec);
    if (ec) return unexpected(std::string(what) + " address '" + text + "' is not an IP address");
    if (!address.is_loopback() && !allow_non_loopback)
        return unexpected(std::string(what) + " address " + text +
                          " is not loopback: set allow_non_loopback to listen there (anyone who reaches it with a token can "
                          "watch or operate this node)");
    return address;
}

expected<void, std::string> check_limits(const agent_options& o) {
    if (o.max_frame_bytes < detail::hello_frame_bytes || o.max_frame_bytes > 0xFFFF'FFFFu)
        return unexpected("max_frame_bytes must be from " + std::to_string(detail::hello_frame_bytes) + " to 4294967295");
    if (o.max_connections == 0 || o.max_outstanding == 0 || o.max_subscriptions == 0 || o.max_send_queue_bytes == 0 || o.worker_threads == 0)
        return unexpected(std::string("max_connections, max_outstanding, max_subscriptions, max_send_queue_bytes and worker_threads must be "
                                      "at least 1"));
    if (o.hello_timeout.count() <= 0 || o.idle_timeout.count() <= 0)
        return unexpected(std::string("hello_timeout and idle_timeout must be positive"));
    return {};
}

} // namespace

agent::state::state(query::engine& e, agent_options o, detail::access_tokens t)
    : engine(e),
      options(std::move(o)),
      tokens(std::move(t)),
      workers(options.worker_threads) {}

// [start] ---------------------------------------------------------------------

expected<std::unique_ptr<agent>, std::string> agent::start(query::engine& engine, agent_options options) {
    auto failed = [](std::string why) { return unexpected("agent: " + std::move(why)); };
    try {
        if (!protocol::intern_atoms()) return failed("the atom table has no room for the protocol's atoms");
        for (std::string_view name : agent_atoms)
            if (!atom::intern(name)) return failed("the atom table has no room for the agent's atoms");
        if (auto ok = check_limits(options); !ok) return failed(ok.error());
        auto address = listen_address(options.address, options.allow_non_loopback, "the agent's");
        if (!address) return failed(address.error());
        std::optional<asio::ip::address> metrics_address;
        if (options.metrics_port) {
            auto a = listen_address(options.metrics_address, options.allow_non_loopback, "the /metrics");
            if (!a) return failed(a.error());
            metrics_address = *a;
        }
        auto tokens = detail::prepare_state_dir(options.state_dir);
        if (!tokens) return failed(tokens.error());

        auto s = std::make_unique<state>(engine, std::move(options), std::move(*tokens));
        const auto& o = s->options;
        const asio::ip::tcp::endpoint where(*address, o.port);
        std::error_code ec;
        s->acceptor.open(where.protocol(), ec);
        if (!ec) s->acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
        if (!ec) s->acceptor.bind(where, ec);
        if (!ec) s->acceptor.listen(asio::socket_base::max_listen_connections, ec);
        if (ec) return failed("cannot listen on " + endpoint_text(where) + ": " + ec.message());
        s->endpoint = endpoint_text(s->acceptor.local_endpoint());
        if (!address->is_loopback())
            detail::log_line("warning: listening on " + s->endpoint +
                             ", which is not a loopback address: whoever reaches it with a token can watch (read-only token) or "
                             "operate (admin token) this node");

        if (metrics_address) {
            state* raw = s.get();
            auto m = detail::metrics_server::start(metrics_address->to_string(), *o.metrics_port, [raw] {
                return detail::render_metrics(raw->engine.system(), raw->engine.schedulers(), raw->engine.event_counts());
            });
            if (!m) return failed(m.error());
            s->metrics = std::move(*m);
            s->metrics_endpoint = endpoint_text(asio::ip::tcp::endpoint(*metrics_address, s->metrics->port()));
            if (!metrics_address->is_loopback()) detail::log_line("warning: /metrics listens on " + s->metrics_endpoint + ", which is not loopback");
        }

        state* raw = s.get();
        asio::post(raw->io, [raw] { raw->accept_next(); });
        raw->io_thread = std::thread([raw] {
            // A handler that throws (only std::bad_alloc can) must not end
            // the agent's thread: Asio lets run() be called again after it.
            for (;;) {
                try {
                    raw->io.run();
                    return;
                } catch (const std::exception& e) {
                    detail::log_line(std::string("error on the agent's thread, going on: ") + e.what());
                }
            }
        });
        return std::unique_ptr<agent>(new agent(std::move(s)));
    } catch (const std::exception& e) {
        return failed(std::string("cannot start: ") + e.what());
    }
}

agent::agent(std::unique_ptr<state> s) : state_(std::move(s)) {}

// [accepting] -----------------------------------------------------------------

void agent::state::accept_next() {
    acceptor.async_accept([this](std::error_code ec, asio::ip::tcp::socket socket) {
        if (stopping) return;
        if (ec) {
            // Out of descriptors, say: wait a little rather than spin, and
            // say so at most every 10 seconds.
            const auto now = std::chrono::steady_clock::now();
            if (now - last_accept_log > std::chrono::seconds(10)) {
                last_accept_log = now;
                detail::log_line("cannot accept a connection: " + ec.message());
            }
            accept_retry.expires_after(std::chrono::milliseconds(100));
            accept_retry.async_wait([this](std::error_code wait_ec) {
                if (!wait_ec && !stopping) accept_next();
            });
            return;
        }
        if (open.size() >= options.max_connections) {
            refuse(std::move(socket));
        } else {
            auto c = std::make_shared<detail::connection>(*this, std::move(socket));
            open.emplace(c.get(), c);
            open_count.store(open.size(), std::memory_order_relaxed);
            c->start();
        }
        accept_next();
    });
}

// Past max_connections: one error frame and close, without a connection
// object (it cannot hold much: the frame fits the socket's buffer).
void agent::state::refuse(asio::ip::tcp::socket socket) {
    struct refused {
        asio::ip::tcp::socket socket;
        std::vector<std::byte> frame;
    };
    auto r = std::make_shared<refused>(refused{std::move(socket), {}});
    r->frame = protocol::encode_frame(
        term::tuple({atoms::error, to_term(protocol::make_reason("too_many_connections", "the node has " + std::to_string(open.size()) +
                                                                                             " connections open, its limit: try again later"))}));
    asio::async_write(r->socket, asio::buffer(r->frame), [r](std::error_code, std::size_t) {
        std::error_code ignored;
        r->socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        r->socket.close(ignored);
    });
}

void agent::state::closed(detail::connection* c) {
    open.erase(c);
    open_count.store(open.size(), std::memory_order_relaxed);
}

// [stop] ----------------------------------------------------------------------

void agent::state::shut_down() {
    stopping = true;
    std::error_code ignored;
    acceptor.close(ignored);
    accept_retry.cancel();
    std::vector<std::shared_ptr<detail::connection>> all;
    all.reserve(open.size());
    for (auto& entry : open) all.push_back(entry.second);
    for (auto& c : all) c->close(); // each erases itself from `open`
    io.stop();
}

agent::~agent() {
    // /metrics first: its handler reads the engine.
    state_->metrics.reset();
    state* raw = state_.get();
    asio::post(raw->io, [raw] { raw->shut_down(); });
    raw->io_thread.join();
    // Jobs under way finish (a dispatch waits for the node at most about a
    // second); their answers are posted to a stopped io_context and dropped
    // with it.
    raw->workers.stop();
    raw->workers.join();
}

// [accessors] -----------------------------------------------------------------

std::string agent::endpoint() const { return state_->endpoint; }
std::string agent::metrics_endpoint() const { return state_->metrics_endpoint; }
std::filesystem::path agent::read_only_token_file() const { return state_->tokens.read_only_file; }
std::filesystem::path agent::admin_token_file() const { return state_->tokens.admin_file; }
std::size_t agent::connections() const { return state_->open_count.load(std::memory_order_relaxed); }

} // namespace ember::agent
