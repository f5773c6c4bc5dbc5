#pragma once
// What the agent's tests share: a real node (two schedulers), a real query
// engine (no sampler thread), an agent on a free loopback port with its
// state in a fresh temporary directory, and a blocking client over plain
// POSIX sockets (ember::client is tested on its own) that sends and reads
// frames. Every wait is bounded: a test that fails, fails in seconds.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "ember/agent/agent.hpp"
#include "ember/protocol/frame.hpp"
#include "ember/protocol/messages.hpp"
#include "ember/query/engine.hpp"
#include "ember/runtime/node.hpp"
#include "ember/runtime/process.hpp"
#include "ember/term/parse.hpp"
#include "ember/term/print.hpp"

namespace ember::agent::testing {

using namespace std::chrono_literals;

/// A fresh directory (mkdtemp: mode 0700), removed with everything in it.
class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

/// One TCP connection to an agent, used by one thread. Reads decode with
/// existing_atoms_only off: the test trusts the node, whose replies carry
/// atoms the test never made.
class test_client {
public:
    /// Connects to "ADDRESS:PORT"; connected() says whether it worked.
    /// `receive_buffer` (bytes, 0: the default) is set before connecting.
    explicit test_client(const std::string& endpoint, int receive_buffer = 0);
    ~test_client();
    test_client(test_client&& other) noexcept;
    test_client(const test_client&) = delete;
    test_client& operator=(const test_client&) = delete;

    bool connected() const { return fd_ >= 0; }
    /// True once the node closed the connection (a read saw the end).
    bool closed() const { return closed_; }

    /// Writes all of `bytes` (false when the node has closed).
    bool send_bytes(std::span<const std::byte> bytes);
    bool send(const term& t) { return send_bytes(protocol::encode_frame(t)); }
    /// The next frame; nullopt after `timeout`, or when the node closed.
    std::optional<term> recv(std::chrono::milliseconds timeout = 5s);
    /// True when the node closes the connection within `timeout`; frames
    /// read meanwhile are kept in `skipped`.
    bool wait_closed(std::chrono::milliseconds timeout = 5s, std::vector<term>* skipped = nullptr);

    /// Sends {hello, 1, Token}; its reply (or 'no_reply').
    term hello(std::string_view token);
    /// Sends {Ref, Request}; waits for the reply to Ref, keeping pushes and
    /// other frames met on the way in pending(); 'no_reply' on timeout.
    term call(const term& ref, const term& request, std::chrono::milliseconds timeout = 10s);
    term call(std::int64_t ref, const term& request, std::chrono::milliseconds timeout = 10s) { return call(term::integer(ref), request, timeout); }
    /// The next frame, from pending() first.
    std::optional<term> next(std::chrono::milliseconds timeout = 5s);
    std::deque<term>& pending() { return pending_; }

    /// Closes the socket now (as a client that goes away).
    void close();
    int fd() const { return fd_; }

private:
    int fd_ = -1;
    bool closed_ = false;
    protocol::frame_reader reader_{protocol::frame_limits{.existing_atoms_only = false}};
    std::vector<std::byte> buffer_;
    std::size_t used_ = 0;
    std::deque<term> pending_;
};

/// `text` as a term (the test's own atoms, made as it pleases).
inline term t(std::string_view text) { return parse(text).value(); }
/// The text of `x`, for messages.
inline std::string show(const term& x) { return to_string(x, {.max_depth = 12, .max_chars = 600}); }
/// `m`'s value under the atom key `key`, or 'missing'.
term get(const term& m, std::string_view key);
/// True for {Ref, {error, {Code, _}}} or {error, {Code, _}} with that Code.
bool is_error(const term& reply, std::string_view code);
/// {Ref, {ok, Value}}: Value, or 'not_ok'.
term ok_value(const term& reply);

/// A process that waits for `shutdown` and ignores everything else, so
/// its mailbox only grows.
process_task idle();

/// A program found on PATH, or "" (for promtool and escript).
std::string find_program(std::string_view name, std::string_view configured);

class agent_test : public ::testing::Test {
protected:
    /// The options of an agent for this test: a fresh state directory, a
    /// free port; a test changes what it needs and calls start().
    agent_options defaults() const;
    /// Starts the agent (the test fails if it cannot).
    void start(agent_options o);
    void start() { start(defaults()); }

    std::string read_only_token() const;
    std::string admin_token() const;
    /// A connected client that said hello with `token` and was accepted.
    test_client open(const std::string& token);

    /// True once `condition()` holds; false after `limit`.
    template <class Condition>
    static bool eventually(Condition condition, std::chrono::milliseconds limit = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!condition()) {
            if (std::chrono::steady_clock::now() >= deadline) return false;
            std::this_thread::sleep_for(1ms);
        }
        return true;
    }

    temp_dir dir;
    // A low long_message_queue so tests can raise an event with a few sends.
    node n{node_options{.schedulers = 2, .long_message_queue = 20}};
    query::engine q{n, query::engine_options{.sampler_thread = false}};
    std::unique_ptr<agent> a; // before the engine and the node go

    void TearDown() override { a.reset(); }
};

} // namespace ember::agent::testing
