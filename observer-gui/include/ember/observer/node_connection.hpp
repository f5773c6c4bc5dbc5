#pragma once
// node_connection: the Observer's connection to one node, as a state
// machine the UI reads once a frame and never waits on.
//
//   node_connection c({.where = "127.0.0.1:7070", .token = token});
//   c.connect();                                   // returns at once
//   c.set_subscriptions({{"system"_atom, 1s}});    // returns at once
//   ... each frame:
//   node_update u = c.poll();                      // never waits on the network
//   if (u.arrived) history.seed(u.arrived->history);
//   for (auto& p : u.pushes) route(p.what, p.value);
//   draw(c.state(), c.last_error());
//
// States (connection_state):
//
//   disconnected --connect()--> connecting --ok--> connected
//                                          --bad_token--> refused
//                                          --unreachable--> unreachable
//                                          --hello refused / no answer--> mismatch
//   connected --the connection ends--> lost --reconnect ok--> connected
//   lost --attempt: unreachable or dropped--> lost (next attempt after a doubled delay)
//   lost --attempt: bad_token / hello refused--> refused / mismatch (no more attempts)
//   any --disconnect()--> disconnected;  refused / unreachable / mismatch --connect()--> connecting
//
// Why a thread of its own: client::connect and reconnect wait (for TCP, for
// the hello), and subscribe/unsubscribe/request wait for a reply. One worker
// thread per node does all of that in order, and hands results to the UI
// thread through a mutex-guarded outbox that poll() empties; the UI thread
// holds that mutex only to move values. Reconnecting is done here rather
// than by client_options::auto_reconnect so that each attempt's error is
// seen: a node restarted with new tokens is "refused", not retried forever.
//
// Pushes are taken from client::take_pushes in poll() and tagged with the
// subscription_spec they belong to, so the model routes them by what was
// asked, not by an id.
//
// Thread-safety: connect, disconnect, set_subscriptions and request may be
// called from any thread; poll() and the accessors that read its snapshot
// (state, last_error, node_name, access, generation) belong to one thread,
// the UI's. The destructor stops the worker and waits for it (at most a
// connect timeout, when it is in the middle of one).
//
// Sections: [states] [options] [updates] [node_connection]

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/client/client.hpp"
#include "ember/observer/export.hpp"
#include "ember/protocol/messages.hpp"
#include "ember/protocol/replies.hpp"

namespace ember::observer {

// [states] --------------------------------------------------------------------

enum class connection_state : std::uint8_t {
    disconnected, ///< never connected, or disconnect() was called
    connecting,   ///< the first connection is being made
    connected,    ///< up; the hello was answered
    refused,      ///< the node refused the token (bad_token); no retry until connect()
    unreachable,  ///< no TCP connection (first connect only; a lost node stays `lost`)
    mismatch,     ///< the hello was refused otherwise (bad_version, ...) or not answered
    lost,         ///< was connected, the connection ended; reconnecting with backoff
};

/// "disconnected", "connecting", ... Any thread.
EMBER_OBSERVER_EXPORT std::string_view connection_state_name(connection_state s) noexcept;

/// One subscription as the model wants it: `{subscribe, What, IntervalMs}`.
/// A value; any thread.
struct subscription_spec {
    term what;
    std::chrono::milliseconds interval{1000};
    friend bool operator==(const subscription_spec&, const subscription_spec&) = default;
};

// [options] -------------------------------------------------------------------

struct connection_options {
    std::string where; ///< HOST:PORT
    std::string token;
    /// For the client; auto_reconnect and on_push are ignored (this class
    /// reconnects, and takes pushes from the queue).
    client::client_options client{};
    /// First delay before reconnecting after a loss, doubled per failed
    /// attempt up to reconnect_max_delay.
    std::chrono::milliseconds reconnect_delay{250};
    std::chrono::milliseconds reconnect_max_delay{5000};
    /// On each connection, ask `{system}` and then `{history, Names}` for
    /// every series of every scheduler, so a late connect shows the past
    /// at once (node_update::arrived).
    bool fetch_history_on_connect = true;
};

// [updates] -------------------------------------------------------------------

/// What a connection brings when it is made: the node's figures and its
/// history rings (1 s samples, 10 minutes). Empty when those requests
/// failed (the connection goes on).
struct arrival {
    std::uint64_t generation = 0;
    std::optional<protocol::system_info> system;
    std::vector<protocol::series> history;
};

/// One push, tagged with the subscription it belongs to, or, for a
/// trace's push, with the ticket start_trace returned (`trace` != 0; `spec`
/// is then empty).
struct tagged_push {
    subscription_spec spec;
    client::push push;
    std::uint64_t trace = 0;
};

/// The answer to request(ticket).
struct request_result {
    std::uint64_t ticket = 0;
    expected<term, client::client_error> value{term()};
};

/// Everything that happened since the previous poll(), in order.
struct node_update {
    /// Every state entered since the last poll, oldest first (a lost and
    /// regained connection between two frames shows as {lost, connected}).
    std::vector<connection_state> transitions;
    /// Connections made since the last poll (each with its arrival data);
    /// generation grows by one per connection, so a chart marks a gap.
    std::vector<arrival> arrivals;
    std::vector<tagged_push> pushes;
    std::vector<request_result> replies;
};

// [node_connection] -------------------------------------------------------------

class node_connection {
public:
    /// Starts the worker thread; connects only on connect().
    EMBER_OBSERVER_EXPORT explicit node_connection(connection_options options);
    /// Closes the connection and joins the worker.
    EMBER_OBSERVER_EXPORT ~node_connection();
    node_connection(const node_connection&) = delete;
    node_connection& operator=(const node_connection&) = delete;

    /// Starts connecting in the background (disconnected, refused,
    /// unreachable, mismatch -> connecting); when lost, the next attempt is
    /// made now rather than after the backoff; otherwise nothing. Any thread.
    EMBER_OBSERVER_EXPORT void connect();
    /// Closes the connection (in the background) and forgets the node's
    /// subscriptions; the wanted set is kept for the next connect(). Any thread.
    EMBER_OBSERVER_EXPORT void disconnect();
    /// The subscriptions wanted from now on: the worker unsubscribes what is
    /// no longer wanted and subscribes what is new, while connected (and
    /// again after each reconnect, for any the node did not renew). A spec
    /// the node refuses is not asked again until the wanted set changes;
    /// its error shows in last_error(). Any thread.
    EMBER_OBSERVER_EXPORT void set_subscriptions(std::vector<subscription_spec> wanted);
    /// Sends `request` (a Request tuple) from the worker; its reply comes
    /// back in a later poll() under the returned ticket (never 0). Fails
    /// with connection_lost when not connected. Any thread.
    EMBER_OBSERVER_EXPORT std::uint64_t request(term request);
    /// Starts a bounded message trace of `who` from the worker (admin). A
    /// reply under the returned ticket says whether the node took it (value
    /// `ok`, or the error); its rows then come as pushes tagged with that
    /// ticket (tagged_push::trace), the last one `ended`. A trace is not
    /// renewed after a reconnect: it ends with the connection. Any thread.
    EMBER_OBSERVER_EXPORT std::uint64_t start_trace(term who, protocol::trace_options options);
    /// Stops the trace started under `ticket` (nothing if it has ended).
    /// Any thread.
    EMBER_OBSERVER_EXPORT void stop_trace(std::uint64_t ticket);

    /// Takes state changes, arrivals, pushes and replies; never waits on
    /// the network. UI thread.
    EMBER_OBSERVER_EXPORT node_update poll();

    /// As of the last poll(). UI thread.
    connection_state state() const noexcept { return state_; }
    /// Why the last failure happened (client_error::describe()), "" if none yet.
    const std::string& last_error() const noexcept { return last_error_; }
    /// From the hello of the current or last connection ("" before one).
    const std::string& node_name() const noexcept { return node_name_; }
    protocol::access_level access() const noexcept { return access_; }
    /// The protocol version the node's hello answered with (0 before one).
    std::int64_t protocol_version() const noexcept { return protocol_version_; }
    /// Connections made so far (0 before the first).
    std::uint64_t generation() const noexcept { return generation_; }
    const std::string& where() const noexcept { return where_; }

    struct shared; // node_connection.cpp

private:
    std::shared_ptr<shared> shared_;
    std::string where_;
    connection_state state_ = connection_state::disconnected;
    std::string last_error_;
    std::string node_name_;
    protocol::access_level access_ = protocol::access_level::read_only;
    std::int64_t protocol_version_ = 0;
    std::uint64_t generation_ = 0;
    std::vector<client::push> held_; // pushes whose subscription the worker has not recorded yet
};

} // namespace ember::observer
