#pragma once
// The inside of a client, shared by client.cpp (the calls) and
// connection.cpp (connecting, the hello, the reading thread, reconnecting).
//
// Who owns what:
//   - `life` serialises connect, reconnect() and close(): they start and
//     join the reading thread, so no two run at once.
//   - `mu` guards the bookkeeping (waiting requests, subscriptions, the
//     push queue, the connection's state); `changed` is signalled whenever
//     a reply lands, a push is queued or the connection goes up or down.
//   - `send_mu` guards the socket for writers and its replacement: callers
//     send under it, the reading thread swaps or closes the socket under it,
//     so nobody writes to a closed descriptor or to a newer connection than
//     the one its request was registered on (`generation`).
//   - the reading thread alone reads the socket, and alone replaces or
//     closes it (connect and reconnect() do so only while no reader runs).
// Lock order: life, then mu, then send_mu (never mu while holding send_mu).

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ember/client/client.hpp"
#include "ember/protocol/frame.hpp"
#include "platform/socket.hpp"

namespace ember::client {

/// A request waiting for its reply.
struct pending {
    std::optional<expected<term, client_error>> result; ///< set by the reader (or a loss)
    /// Set for the renewal of a subscription after a reconnect: nobody
    /// waits; the reader settles it (a refusal ends the subscription).
    subscription_id renewing = 0;
};

struct subscription {
    term request; ///< {subscribe, What, IntervalMs} or {trace, Who, Opts}
    bool trace = false; ///< traces are not renewed after a reconnect
    std::int64_t ref = 0; ///< the node's Ref for it on the current connection; 0 while none
    bool confirmed = false; ///< the node accepted it once (until then a loss just fails its request)
};

/// A connection whose hello was answered: the socket, the reader that
/// already holds any bytes read past the hello's answer, and the answer.
struct established {
    platform::tcp_socket socket;
    protocol::frame_reader reader;
    std::vector<std::byte> leftover; ///< bytes read after the hello's answer
    protocol::hello_info info;
};

/// What the reading thread needs of an adopted connection (its socket went
/// to client::state).
struct inflow {
    protocol::frame_reader reader;
    std::vector<std::byte> leftover;
};

struct client::state {
    // Fixed at connect.
    endpoint where;
    std::string where_text; ///< where.to_string(), for messages
    std::string token;
    client_options options;

    std::mutex life;

    mutable std::mutex mu;
    std::condition_variable changed;
    bool up = false; ///< a connection is established
    bool closed = false; ///< close() was called: no reconnection
    std::uint64_t connections = 0;
    std::uint64_t generation = 0; ///< grows with each connection (requests are sent only on theirs)
    std::string down_reason; ///< why the last connection ended, for messages
    protocol::hello_info info;
    std::int64_t next_ref = 1;
    std::unordered_map<std::int64_t, pending> waiting; ///< by Ref (a node-based map: references stay valid)
    std::map<subscription_id, subscription> subscriptions;
    std::unordered_map<std::int64_t, subscription_id> by_ref;
    subscription_id next_subscription = 1;
    std::deque<push> pushes;
    std::uint64_t dropped = 0;

    std::mutex send_mu;
    platform::tcp_socket socket; ///< the current connection's, or closed
    std::uint64_t socket_generation = 0;

    /// Set to stop the reading thread (reconnect(), close()); also cancels
    /// a connection attempt in progress.
    std::atomic<bool> stopping{false};
    std::thread reader;
};

// connection.cpp -------------------------------------------------------------

/// TCP connection and hello, on the calling thread, bounded by
/// connect_timeout each; cancelled by `stopping`. Takes no lock.
expected<established, client_error> establish(client::state& s);

/// Makes `c` the current connection: the socket goes to the writers, the
/// state goes up, and every subscription (not trace) is renewed by sending
/// its request again under a new Ref. Returns what the reading thread is to
/// go on with. Takes `mu` and `send_mu`.
inflow adopt(client::state& s, established c);

/// The reading thread's body: reads the current connection until it ends,
/// then (with auto_reconnect) reconnects with backoff and goes on. With no
/// connection given, it starts by reconnecting.
void read_loop(client::state& s, std::optional<inflow> in);

/// Stops the reading thread (if any) and waits for it. `life` held.
void stop_reader(client::state& s);

/// Sends one frame on connection `generation`; fails when that connection
/// is gone (then a newer one is never written to). Takes `send_mu`.
expected<void, std::string> send_frame(client::state& s, std::uint64_t generation, std::span<const std::byte> bytes);

/// "connection to HOST:PORT lost: WHY".
client_error connection_lost(const client::state& s, const std::string& why);
/// "not connected to HOST:PORT (WHY)": a call made while down. `mu` held.
client_error not_connected(const client::state& s);

/// Gives pushes to on_push, or queues them (dropping the oldest past
/// max_queued_pushes; a push of a subscription that is gone by now is
/// dropped). Called without `mu` held: on_push never runs under it.
void deliver(client::state& s, std::vector<push> pushes);

} // namespace ember::client
