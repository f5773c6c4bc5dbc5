#pragma once
// One client connection: the hello, then `{Ref, Request}` frames answered
// in any order, subscriptions and traces pushed on timers, and a bounded
// send queue. Every member runs on the agent's Asio thread (server.hpp);
// work that waits for the node goes to the workers and comes back by post.
//
// A connection goes through these phases, never back:
//   hello    until the first frame; the hello deadline runs
//   open     after a good hello; the idle timeout runs
//   closing  a last frame ({error, Reason}) is being written; reads stop,
//            and the socket closes when it is written or after a short linger
//   closed   the socket is closed and the agent has forgotten it
//
// Limits (agent_options): a frame over max_frame_bytes (a hello over
// hello_frame_bytes), more than max_outstanding requests in progress, more
// than max_subscriptions subscriptions and traces, and more than
// max_send_queue_bytes waiting to be written when a frame is queued (the
// client is dropped: it does not read).

#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ember/agent/agent.hpp"
#include "ember/protocol/frame.hpp"
#include "ember/protocol/messages.hpp"
#include "ember/protocol/request.hpp"
#include "subscription.hpp"

namespace ember::agent::detail {

/// Largest hello frame: a hello is {hello, Version, Token} with a token of
/// at most 1024 bytes, so a peer that has not shown a token cannot make the
/// agent hold megabytes.
inline constexpr std::size_t hello_frame_bytes = 4096;
/// How often a trace's queued rows are pushed.
inline constexpr std::chrono::milliseconds trace_poll{50};
/// How long a last error frame may take to be written before the socket
/// is closed anyway.
inline constexpr std::chrono::milliseconds close_linger{2000};

class connection : public std::enable_shared_from_this<connection> {
public:
    connection(agent::state& server, asio::ip::tcp::socket socket);
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    /// Starts the hello deadline and the first read.
    void start();
    /// Closes the socket now (queued frames are dropped) and tells the
    /// agent. Idempotent.
    void close();

private:
    enum class phase : std::uint8_t { hello, open, closing, closed };

    /// A subscription or a trace, found by the id its jobs carry back.
    struct subscription {
        explicit subscription(asio::any_io_executor ex) : timer(std::move(ex)) {}
        std::uint64_t id = 0;
        term ref;
        subscription_spec spec; ///< subscriptions
        std::shared_ptr<query::trace_session> trace; ///< traces, once started
        asio::steady_timer timer;
        std::chrono::steady_clock::time_point next{}; ///< the next evaluation is due
    };
    using push_frame = expected<std::optional<std::vector<std::byte>>, protocol::error_reason>;
    using trace_start = expected<std::shared_ptr<query::trace_session>, protocol::error_reason>;

    // Reading (connection.cpp).
    void read_some();
    void on_read(std::error_code ec, std::size_t n);
    void on_bytes(std::span<const std::byte> in);
    void on_frame_error(const protocol::frame_error& e);
    void on_hello(const term& frame);
    void refuse_hello(std::string_view code, std::string message);
    void on_request(const term& frame);

    // Requests (connection.cpp).
    bool check_outstanding(const term& ref);
    void dispatch(term ref, protocol::parsed_request request);
    void on_answered(std::vector<std::byte> frame);
    subscription* find(const term& ref);
    bool check_new_subscription(const term& ref);

    // Subscriptions and traces (connection_push.cpp).
    void subscribe(term ref, const protocol::parsed_request& request);
    void unsubscribe(term ref, const protocol::parsed_request& request);
    void trace(term ref, const protocol::parsed_request& request);
    void evaluate_async(subscription& s, bool first);
    void on_evaluated(std::uint64_t id, bool first, term ref, subscription_spec spec, push_frame frame);
    void on_trace_started(std::uint64_t id, term ref, trace_start started);
    void schedule(subscription& s, std::chrono::milliseconds interval);
    void on_tick(std::uint64_t id);
    void poll_trace(subscription& s);
    void end_subscription(std::uint64_t id, const protocol::error_reason& why);

    // Writing and timers (connection.cpp).
    void reply(const term& ref, expected<term, protocol::error_reason> result);
    void send(const term& t);
    void send_frame(std::vector<std::byte> frame);
    void send_final(const term& t);
    void write_more();
    void on_written(std::error_code ec);
    void arm_deadline(std::chrono::steady_clock::time_point at);
    void on_deadline();

    agent::state& server_;
    asio::ip::tcp::socket socket_;
    asio::steady_timer deadline_; ///< hello deadline, then idle timeout, then the linger of closing
    std::string peer_;
    phase phase_ = phase::hello;
    protocol::frame_reader reader_;
    std::unique_ptr<std::byte[]> in_;
    std::optional<protocol::access_level> access_;
    std::chrono::steady_clock::time_point last_frame_{};

    std::deque<std::vector<std::byte>> queue_; ///< waiting to be written
    std::vector<std::vector<std::byte>> writing_; ///< in the async_write under way
    std::size_t queued_bytes_ = 0; ///< of queue_ and writing_

    std::size_t outstanding_ = 0; ///< requests on the workers
    std::map<std::uint64_t, std::unique_ptr<subscription>> subscriptions_;
    std::uint64_t next_id_ = 1;
};

} // namespace ember::agent::detail
