#pragma once
// ember::client: a connection to a node's agent (protocol 1,
// docs/protocol.md) for tools that run where no node does: ember-ctl and
// the Observer. It links ember::protocol only, never the runtime.
//
//   auto token = client::read_token_file("state/read-only.token");
//   auto c = client::client::connect("127.0.0.1:7070", *token);
//   if (!c) { std::cerr << c.error().describe() << '\n'; return 1; }
//   auto page = (*c)->processes({.sort = protocol::process_sort::memory, .limit = 20});
//   auto sub = (*c)->subscribe(make_tuple("system"_atom), std::chrono::seconds(1));
//   ...
//   std::vector<client::push> pushes;
//   (*c)->take_pushes(pushes);                        // from a GUI's frame loop
//
// How it works: connect() makes the TCP connection and says hello on the
// calling thread, then starts one reading thread per client. request()
// sends `{Ref, Request}` (Ref an integer of this client) and waits for the
// reading thread to hand it `{Ref, Reply}`; pushes `{Ref, {event, Value}}`
// go to a bounded queue (or a callback), so a GUI that polls once a frame
// and a thread blocked in request() are served by the same reader, and a
// node never sees a client that stops reading while it waits.
//
// Atoms in replies: a reply names things this program cannot know ahead
// (registered names, application names, kinds a newer node added), and an
// unknown atom would fail its whole frame if atoms were refused as the
// agent refuses them. So the client makes the atoms a reply carries (its
// frame_reader runs with existing_atoms_only off) while the OS process's
// atom table has room, keeping `atoms_kept_free` entries for the program
// itself; past that it refuses new ones, so one reply (or push) fails with
// bad_reply and the connection goes on. The node is trusted this far: this
// program chose to connect to it and holds its token.
//
// Thread-safety: every member may be called from any thread, concurrently,
// except that the destructor must not race other calls. Calls wait at most
// their timeout (connect: connect_timeout for the TCP connection and again
// for the hello; looking a host name up is the system resolver's business,
// not bounded here: give an address where that matters). Errors are client_error values; nothing is thrown but
// std::bad_alloc.
//
// Sections: [pushes] [options] [client]

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ember/client/endpoint.hpp"
#include "ember/client/error.hpp"
#include "ember/client/export.hpp"
#include "ember/protocol/frame.hpp"
#include "ember/protocol/messages.hpp"
#include "ember/protocol/replies.hpp"
#include "ember/protocol/request.hpp"

namespace ember::client {

// [pushes] ------------------------------------------------------------------

/// Names a subscription or a trace for the life of a client, across
/// reconnects (the node's Ref for it changes; this does not). 0 is never one.
using subscription_id = std::uint64_t;

/// One push of a subscription or trace: the Value of `{Ref, {event, Value}}`.
///
/// `ended` is set on the last push of one the node ended, whose Value is
/// `{ended, {Code, Message}}`: a trace that gave its messages or whose
/// process is gone (`complete`), a subscription whose evaluation failed.
/// The client forgets it then (it is not renewed).
///
/// `error` is set, and `value` is [], for news from this side:
///   connection_lost  the connection ended; a subscription resumes when the
///                    client reconnects (reconnect(), or automatically), a
///                    trace does not (it is gone)
///   server_error     the node refused to renew it after a reconnect (it is gone)
///   bad_reply        one push could not be read (an atom the client would
///                    not make, see above); the subscription goes on
struct push {
    subscription_id subscription = 0;
    term value{};
    std::optional<protocol::error_reason> ended{};
    std::optional<client_error> error{};
};

/// `{history, Names}` (1 s samples for 10 minutes) or `{history, {minute,
/// Names}}` (1 min samples for 24 hours).
enum class resolution : std::uint8_t { second, minute };

// [options] -----------------------------------------------------------------

struct client_options {
    /// For the TCP connection, and again for the hello's answer.
    std::chrono::milliseconds connect_timeout{5000};
    /// How long request() and the helpers wait for a reply by default.
    std::chrono::milliseconds request_timeout{10000};
    /// Largest frame accepted from the node (a reply of 10,000 rows is a
    /// few MiB) and deepest nesting (a supervision tree is shallow).
    std::size_t max_frame_bytes = protocol::default_max_frame_bytes;
    std::size_t max_depth = protocol::default_max_depth;
    /// Make the atoms replies carry (see above) while more than this many
    /// atom table entries would stay free; 0 keeps a quarter of the table's
    /// limit free. With make_reply_atoms false, unknown atoms are always
    /// refused (one reply fails, as above).
    bool make_reply_atoms = true;
    std::size_t atoms_kept_free = 0;
    /// Pushes kept until taken; when full the oldest is dropped and counted
    /// (dropped_pushes()), so a GUI that stalls never makes this grow
    /// without bound.
    std::size_t max_queued_pushes = 10'000;
    /// When set, pushes are given to it on the client's reading thread
    /// instead of the queue. It must return quickly, must not throw, and
    /// must not call this client's requests, reconnect() or close() (they
    /// wait for that same thread); take_pushes() then finds nothing.
    std::function<void(push)> on_push{};
    /// Reconnect by itself when the connection is lost: attempts after
    /// reconnect_delay, doubling up to reconnect_max_delay, at most
    /// reconnect_attempts times in a row (0: until it succeeds or the client
    /// is closed). Requests fail with connection_lost meanwhile.
    bool auto_reconnect = false;
    std::chrono::milliseconds reconnect_delay{100};
    std::chrono::milliseconds reconnect_max_delay{5000};
    std::size_t reconnect_attempts = 0;
};

// [client] ------------------------------------------------------------------

class client {
public:
    /// Connects to `where` (HOST:PORT, see parse_endpoint) and says hello
    /// with `token`. Errors: bad_address, unreachable, bad_token,
    /// hello_refused, connection_lost (the node closed before answering).
    EMBER_CLIENT_EXPORT static expected<std::unique_ptr<client>, client_error> connect(std::string_view where, std::string token,
                                                                                       client_options options = {});
    /// Closes the connection and joins the reading thread.
    EMBER_CLIENT_EXPORT ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    // --- the connection ---

    /// What the hello answered (version, node name, access) on the current
    /// or last connection.
    EMBER_CLIENT_EXPORT protocol::hello_info info() const;
    /// Where it connects, as given.
    EMBER_CLIENT_EXPORT const endpoint& where() const noexcept;
    /// True while a connection is up (false after a loss, while reconnecting,
    /// and after close()).
    EMBER_CLIENT_EXPORT bool connected() const;
    /// Connections made so far: 1 after connect(), one more per reconnect,
    /// so a GUI can tell that its history has a gap.
    EMBER_CLIENT_EXPORT std::uint64_t connections() const;
    /// Drops the current connection (if any), connects and says hello
    /// again, then renews every subscription (not traces) under its
    /// subscription_id. Returns once the hello is answered; a subscription
    /// the node then refuses ends with an error push. Errors as connect().
    EMBER_CLIENT_EXPORT expected<void, client_error> reconnect();
    /// Ends the connection for good: waiting calls fail with
    /// connection_lost, later calls too, no reconnection follows.
    EMBER_CLIENT_EXPORT void close();

    // --- requests ---

    /// Sends `request` (a tuple led by an atom, see protocol/request.hpp)
    /// and waits for its reply Value. Errors: server_error (the node's
    /// {Code, Message}), timeout, connection_lost, bad_reply.
    EMBER_CLIENT_EXPORT expected<term, client_error> request(const term& request);
    EMBER_CLIENT_EXPORT expected<term, client_error> request(const term& request, std::chrono::milliseconds timeout);

    /// The typed requests: each builds its Request and reads the Value as
    /// the struct of replies.hpp. `who` names a process as the node resolves
    /// it: a pid, a registered name (atom or binary), or a pid's text as a
    /// binary (<<"<0.42.0>">>).
    EMBER_CLIENT_EXPORT expected<protocol::processes_page, client_error> processes(const protocol::processes_options& options = {});
    EMBER_CLIENT_EXPORT expected<protocol::process_info_reply, client_error> process_info(const term& who);
    EMBER_CLIENT_EXPORT expected<protocol::system_info, client_error> system();
    EMBER_CLIENT_EXPORT expected<std::vector<protocol::scheduler_row>, client_error> schedulers();
    EMBER_CLIENT_EXPORT expected<std::vector<protocol::application_row>, client_error> applications();
    EMBER_CLIENT_EXPORT expected<std::vector<protocol::event_row>, client_error> events();
    EMBER_CLIENT_EXPORT expected<std::vector<protocol::warning_row>, client_error> warnings();
    /// The series are named by binaries, which a node reads as it reads
    /// atoms: a name such as utilization_7 may be no atom the node has made
    /// yet, and it makes none from the network.
    EMBER_CLIENT_EXPORT expected<std::vector<protocol::series>, client_error> history(std::span<const std::string> names,
                                                                                      resolution every = resolution::second);

    /// Control (the admin token is needed: otherwise server_error with code
    /// needs_admin). The node's Value (`ok`) is dropped.
    EMBER_CLIENT_EXPORT expected<void, client_error> kill(const term& who);
    EMBER_CLIENT_EXPORT expected<void, client_error> exit(const term& who, const term& reason);
    EMBER_CLIENT_EXPORT expected<void, client_error> suspend(const term& who);
    EMBER_CLIENT_EXPORT expected<void, client_error> resume(const term& who);
    EMBER_CLIENT_EXPORT expected<void, client_error> send(const term& who, const term& message);

    // --- subscriptions and traces ---

    /// `{subscribe, What, IntervalMs}`: once the node accepts, its pushes
    /// arrive as push{id, Value}. What is passed through as given (the agent
    /// defines what it accepts).
    EMBER_CLIENT_EXPORT expected<subscription_id, client_error> subscribe(const term& what, std::chrono::milliseconds interval);
    /// `{unsubscribe, Ref}`: no push of it is delivered after this returns
    /// (even when the node cannot be told, e.g. while disconnected). An
    /// unknown id is fine.
    EMBER_CLIENT_EXPORT expected<void, client_error> unsubscribe(subscription_id id);
    /// `{trace, Who, #{max_messages => N, max_rate => R}}`: the traced
    /// messages arrive as pushes (protocol::trace_row Values) under the id;
    /// unsubscribe(id) stops it. A trace is not renewed after a reconnect.
    EMBER_CLIENT_EXPORT expected<subscription_id, client_error> trace(const term& who, const protocol::trace_options& options = {});

    /// Moves up to `max` queued pushes, oldest first, to the end of `out`;
    /// returns how many. Never waits: for a GUI's frame loop.
    EMBER_CLIENT_EXPORT std::size_t take_pushes(std::vector<push>& out, std::size_t max = SIZE_MAX);
    /// The oldest queued push, waiting at most `timeout` for one.
    EMBER_CLIENT_EXPORT std::optional<push> wait_push(std::chrono::milliseconds timeout);
    /// Pushes dropped because the queue was full.
    EMBER_CLIENT_EXPORT std::uint64_t dropped_pushes() const;

    struct state; // client_state.hpp

private:
    explicit client(std::unique_ptr<state> s);
    std::unique_ptr<state> state_;
};

} // namespace ember::client
