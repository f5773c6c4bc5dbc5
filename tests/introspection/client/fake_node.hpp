#pragma once
// A fake node for the client's and ember-ctl's tests: a thread with a
// listening socket on 127.0.0.1 (a free port) that speaks protocol 1 as the
// agent does, with no runtime behind it. The hello is checked against two
// tokens; each `{Ref, Request}` goes to a handler that says what to answer
// (canned replies from sample_replies.hpp by default), nothing, raw bytes,
// or a close. Tests push events, drop connections and read back every
// request the node saw.
//
// Thread-safety: every member may be called from the test's thread while
// the node's thread serves; the handler runs on the node's thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ember/protocol/frame.hpp"
#include "ember/protocol/messages.hpp"

namespace ember::testing {

class fake_node {
public:
    static constexpr const char* read_only_token = "ro-token-0123";
    static constexpr const char* admin_token = "admin-token-4567";

    /// One request as the node saw it.
    struct seen {
        term ref;
        term request;
        protocol::access_level access = protocol::access_level::read_only;
        std::size_t connection = 0; ///< 1 for the first connection accepted, ...
    };

    /// What to do with one request.
    struct answer {
        /// `{ok, V}` or `{error, R}`, sent as `{Ref, Result}`; nothing when
        /// empty (the client times out).
        std::optional<term> result{};
        /// Frames sent right after the reply: pushes `{Ref, {event, V}}` of
        /// this request's Ref, for a trace.
        std::vector<term> pushes{};
        /// Bytes sent instead of `result` (a frame the test built by hand).
        std::vector<std::byte> raw{};
        /// Send this term as a frame, then close the connection.
        std::optional<term> last_word{};
        bool close = false; ///< close the connection (after anything above)
    };
    using handler = std::function<answer(const seen&)>;

    struct options {
        bool answer_hello = true; ///< false: never answer a hello (the client's connect times out)
    };

    explicit fake_node(handler h = canned) : fake_node(std::move(h), options{}) {}
    fake_node(handler h, options o);
    ~fake_node();
    fake_node(const fake_node&) = delete;
    fake_node& operator=(const fake_node&) = delete;

    std::uint16_t port() const noexcept { return port_; }
    /// "127.0.0.1:PORT".
    std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }

    /// Sends `{Ref, {event, Value}}` on every open connection that said hello.
    void push(const term& ref, const term& value);
    /// Closes every open connection (the clients see the end of the stream).
    void drop_connections();
    /// Connections accepted so far, and open now.
    std::size_t accepted() const;
    std::size_t open_connections() const;

    /// Every request seen so far, in order.
    std::vector<seen> requests() const;
    /// Waits (bounded) until at least `n` requests were seen.
    bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
    /// The last request whose kind atom is `kind`, if any.
    std::optional<seen> last_request(std::string_view kind) const;

    /// The default handler: the sample replies for every kind; needs_admin
    /// for control on a read-only connection; noproc for a process other
    /// than <<"<0.42.0>">>, <<"front_desk">> or <0.42.0>; a trace answers
    /// ok, three trace rows, then its end, {ended, {complete, Message}}.
    static answer canned(const seen& r);

private:
    struct connection;
    void serve();
    void on_frame(connection& c, const term& t);
    void send_to(connection& c, const std::vector<std::byte>& bytes);
    void send_locked(connection& c, const std::vector<std::byte>& bytes); // mu_ held

    handler handler_;
    options options_;
    int listen_fd_ = -1;
    int wake_[2] = {-1, -1};
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};

    mutable std::mutex mu_;
    std::vector<std::unique_ptr<connection>> connections_;
    std::vector<seen> seen_;
    std::size_t accepted_ = 0;
    std::thread thread_;
};

/// A loopback port nothing listens on (bound, then closed): for tests of
/// an unreachable node.
std::uint16_t unused_port();

} // namespace ember::testing
