// A client's connection: making it (TCP, then the hello), the reading
// thread that routes each frame to the request waiting for it or to the
// push queue, what a loss does to waiting calls and subscriptions, and
// reconnecting with backoff.
//
// Sections: [atoms] [establish] [adopt] [reading] [loss] [reconnect]

#include <algorithm>
#include <array>

#include "client_state.hpp"
#include "ember/client/decode.hpp"
#include "ember/protocol/version.hpp"

namespace ember::client {
namespace {

constexpr std::size_t read_chunk = 64 * 1024;
constexpr std::chrono::milliseconds hello_poll_slice{50};

// [atoms] ---------------------------------------------------------------------

// Whether a reply may still make atoms: the table keeps `atoms_kept_free`
// entries (a quarter of its limit by default) for the program itself.
bool atom_room(const client_options& o) {
    const std::size_t limit = atom_limit();
    const std::size_t count = atom_count();
    const std::size_t keep = o.atoms_kept_free ? o.atoms_kept_free : limit / 4;
    return count < limit && limit - count > keep;
}

protocol::frame_limits limits_for(const client_options& o) {
    return {.max_frame_bytes = o.max_frame_bytes, .max_depth = o.max_depth, .existing_atoms_only = !o.make_reply_atoms || !atom_room(o)};
}

// At a frame boundary only (the reader holds no partial frame): switches
// to refusing new atoms once the table runs short, and back if it was
// raised.
void refresh_reader(const client_options& o, protocol::frame_reader& reader) {
    const bool strict = !o.make_reply_atoms || !atom_room(o);
    if (strict != reader.limits().existing_atoms_only) reader = protocol::frame_reader(limits_for(o));
}

client_error error_of(client_errc errc, std::string message) { return {errc, atoms::undefined, std::move(message)}; }

} // namespace

client_error connection_lost(const client::state& s, const std::string& why) {
    return error_of(client_errc::connection_lost, "connection to " + s.where_text + " lost: " + why);
}

client_error not_connected(const client::state& s) {
    if (s.closed) return error_of(client_errc::connection_lost, "not connected to " + s.where_text + " (the client was closed)");
    return error_of(client_errc::connection_lost,
                    "not connected to " + s.where_text + (s.down_reason.empty() ? std::string() : " (" + s.down_reason + ")"));
}

// [establish] -----------------------------------------------------------------

expected<established, client_error> establish(client::state& s) {
    const auto& o = s.options;
    auto socket = platform::connect_tcp(s.where.host, s.where.port, o.connect_timeout, o.request_timeout, s.stopping);
    if (!socket) return unexpected(error_of(client_errc::unreachable, "cannot reach " + s.where_text + ": " + socket.error()));
    const auto hello = protocol::encode_frame(to_term(protocol::hello{protocol::protocol_version, s.token}));
    if (auto sent = socket->send_all(hello); !sent) return unexpected(connection_lost(s, sent.error()));

    protocol::frame_reader reader(limits_for(o));
    std::vector<std::byte> buffer(read_chunk);
    const auto deadline = std::chrono::steady_clock::now() + o.connect_timeout;
    for (;;) {
        if (s.stopping.load(std::memory_order_acquire)) return unexpected(connection_lost(s, "cancelled"));
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return unexpected(error_of(client_errc::hello_refused, "the node at " + s.where_text + " did not answer the hello within " +
                                                                       std::to_string(o.connect_timeout.count()) + " ms"));
        auto ready = socket->wait_readable(std::min(left, hello_poll_slice));
        if (!ready) return unexpected(connection_lost(s, ready.error()));
        if (!*ready) continue;
        auto n = socket->receive(buffer);
        if (!n) return unexpected(connection_lost(s, n.error()));
        if (*n == 0) return unexpected(connection_lost(s, "the node closed the connection before answering the hello"));
        std::span<const std::byte> in(buffer.data(), *n);
        auto frame = reader.read(in);
        if (!frame)
            return unexpected(error_of(client_errc::hello_refused,
                                       "the node at " + s.where_text + " answered the hello with an unreadable frame: " + frame.error().describe()));
        if (!*frame) continue; // the answer is not complete yet
        auto info = read_hello_reply(**frame, s.where_text);
        if (!info) return unexpected(std::move(info).error());
        return established{std::move(*socket), std::move(reader), std::vector<std::byte>(in.begin(), in.end()), *info};
    }
}

// [adopt] ---------------------------------------------------------------------

inflow adopt(client::state& s, established c) {
    std::vector<std::pair<std::int64_t, term>> renew;
    std::uint64_t generation = 0;
    {
        std::lock_guard lock(s.mu);
        {
            std::lock_guard send_lock(s.send_mu);
            s.socket = std::move(c.socket);
            generation = s.socket_generation = ++s.generation;
            // stop_reader sets `stopping` before it shuts the socket down
            // under send_mu: a socket put here after that is never shut down
            // by it, so shut it here, and the reading thread ends at once.
            if (s.stopping.load(std::memory_order_acquire)) s.socket.shutdown();
        }
        s.up = true;
        ++s.connections;
        s.info = c.info;
        s.down_reason.clear();
        for (auto& [id, sub] : s.subscriptions) {
            if (sub.trace) continue;
            sub.ref = s.next_ref++;
            s.by_ref[sub.ref] = id;
            s.waiting[sub.ref].renewing = id;
            renew.emplace_back(sub.ref, sub.request);
        }
    }
    s.changed.notify_all();
    // A failed send means the connection is going; the reader sees it end.
    for (const auto& [ref, request] : renew)
        if (!send_frame(s, generation, protocol::encode_frame(term::tuple({term::integer(ref), request})))) break;
    return inflow{std::move(c.reader), std::move(c.leftover)};
}

expected<void, std::string> send_frame(client::state& s, std::uint64_t generation, std::span<const std::byte> bytes) {
    std::lock_guard lock(s.send_mu);
    if (!s.socket.open() || s.socket_generation != generation) return unexpected(std::string("the connection was replaced"));
    auto sent = s.socket.send_all(bytes);
    if (!sent) s.socket.shutdown(); // the stream is broken mid-frame: end it, the reader reports the loss
    return sent;
}

// [reading] -------------------------------------------------------------------

namespace {

// Hands a reply to the call waiting for it, or settles a renewal; false
// when nothing waits for `ref` (a call that timed out, or not ours).
bool settle(client::state& s, std::int64_t ref, expected<term, client_error> result) {
    std::vector<push> notices;
    {
        std::lock_guard lock(s.mu);
        auto it = s.waiting.find(ref);
        if (it == s.waiting.end()) return false;
        if (result) { // a subscription's first acceptance: from now on a loss keeps it for the next connection
            if (auto by = s.by_ref.find(ref); by != s.by_ref.end())
                if (auto sub = s.subscriptions.find(by->second); sub != s.subscriptions.end()) sub->second.confirmed = true;
        }
        if (const subscription_id id = it->second.renewing) {
            if (!result) {
                s.subscriptions.erase(id);
                s.by_ref.erase(ref);
                client_error e = result.error();
                e.message = "the node refused to renew the subscription: " + e.message;
                notices.push_back(push{id, term(), std::nullopt, std::move(e)});
            }
            s.waiting.erase(it);
        } else {
            it->second.result = std::move(result);
        }
    }
    s.changed.notify_all();
    if (!notices.empty()) deliver(s, std::move(notices));
    return true;
}

// The subscription a push's Ref names; with `last`, it is forgotten too
// (the node ended it).
std::optional<subscription_id> subscription_of(client::state& s, std::int64_t ref, bool last = false) {
    std::lock_guard lock(s.mu);
    auto it = s.by_ref.find(ref);
    if (it == s.by_ref.end()) return std::nullopt;
    const subscription_id id = it->second;
    if (last) {
        s.subscriptions.erase(id);
        s.by_ref.erase(it);
    }
    return id;
}

// `{ended, {Code, Message}}`: the last push of something the node ended.
std::optional<protocol::error_reason> end_mark(const term& value) {
    if (!value.is_tuple() || value.size() != 2 || value[0] != "ended"_atom) return std::nullopt;
    auto why = from_term<protocol::error_reason>(value[1]);
    if (!why) return std::nullopt;
    return std::move(*why);
}

std::optional<std::int64_t> our_ref(const term& ref) {
    if (!ref.is_integer()) return std::nullopt;
    return ref.as_integer();
}

// One frame: nullopt to go on, or why the connection is over.
std::optional<std::string> on_frame(client::state& s, const term& frame) {
    auto in = read_inbound(frame);
    if (!in) {
        // Not a reply we can read; if it names one of our Refs, fail that call.
        if (frame.is_tuple() && frame.size() == 2)
            if (auto ref = our_ref(frame[0])) settle(s, *ref, unexpected(in.error()));
        return std::nullopt;
    }
    if (auto* reply = std::get_if<protocol::reply_envelope>(&*in)) {
        auto ref = our_ref(reply->ref);
        if (!ref) return std::nullopt;
        if (reply->result) {
            settle(s, *ref, std::move(*reply->result));
        } else {
            const auto& r = reply->result.error();
            settle(s, *ref, unexpected(client_error{client_errc::server_error, r.code, r.message}));
        }
    } else if (auto* p = std::get_if<protocol::push_envelope>(&*in)) {
        auto ref = our_ref(p->ref);
        if (!ref) return std::nullopt;
        auto ended = end_mark(p->value);
        if (auto id = subscription_of(s, *ref, ended.has_value())) deliver(s, {push{*id, std::move(p->value), std::move(ended), std::nullopt}});
    } else {
        const auto& r = std::get<node_closing>(*in).reason;
        return "the node closed it: " + std::string(r.code.name()) + ": " + r.message;
    }
    return std::nullopt;
}

// A frame skipped for an atom the client would not make: it fails alone.
// A call waiting on its Ref takes the failure (a subscribe's own reply
// shares the Ref of its pushes); otherwise it was a push.
void on_unreadable(client::state& s, const protocol::frame_error& e) {
    if (!e.ref) return;
    auto ref = our_ref(*e.ref);
    if (!ref) return;
    client_error error = error_of(client_errc::bad_reply, "a reply held an atom this client does not make (its atom table is short): " + e.message);
    if (settle(s, *ref, unexpected(error))) return;
    if (auto id = subscription_of(s, *ref)) deliver(s, {push{*id, term(), std::nullopt, std::move(error)}});
}

// Feeds bytes to the reader; nullopt when they are used up, or why the
// connection is over.
std::optional<std::string> take_bytes(client::state& s, protocol::frame_reader& reader, std::span<const std::byte> bytes) {
    for (;;) {
        auto frame = reader.read(bytes);
        if (!frame) {
            if (frame.error().fatal()) return "unreadable frame from the node: " + frame.error().describe();
            on_unreadable(s, frame.error());
        } else if (!*frame) {
            return std::nullopt;
        } else if (auto why = on_frame(s, **frame)) {
            return why;
        }
        refresh_reader(s.options, reader); // between frames: nothing is held
    }
}

// Reads the current connection until it ends; returns why it ended. The
// socket is read without send_mu: only this thread replaces or closes it.
std::string read_connection(client::state& s, inflow& in) {
    if (auto why = take_bytes(s, in.reader, in.leftover)) return *why;
    in.leftover = {};
    std::array<std::byte, read_chunk> buffer;
    for (;;) {
        auto n = s.socket.receive(buffer);
        if (!n) return n.error();
        if (*n == 0) return s.stopping.load(std::memory_order_acquire) ? "closed by this client" : "the node closed the connection";
        if (auto why = take_bytes(s, in.reader, std::span<const std::byte>(buffer.data(), *n))) return *why;
    }
}

// [loss] ------------------------------------------------------------------------

// The connection ended: waiting calls fail, traces end, subscriptions are
// told (and wait for the next connection).
void lose(client::state& s, const std::string& why) {
    std::vector<push> notices;
    {
        std::lock_guard lock(s.mu);
        {
            std::lock_guard send_lock(s.send_mu);
            s.socket.close();
        }
        s.up = false;
        s.down_reason = "lost: " + why;
        const client_error error = connection_lost(s, why);
        for (auto it = s.waiting.begin(); it != s.waiting.end();) {
            if (it->second.renewing) {
                it = s.waiting.erase(it);
            } else {
                it->second.result = unexpected(error);
                ++it;
            }
        }
        s.by_ref.clear();
        for (auto it = s.subscriptions.begin(); it != s.subscriptions.end();) {
            subscription& sub = it->second;
            sub.ref = 0;
            if (sub.confirmed) notices.push_back(push{it->first, term(), std::nullopt, error});
            it = (sub.trace || !sub.confirmed) ? s.subscriptions.erase(it) : std::next(it);
        }
    }
    s.changed.notify_all();
    deliver(s, std::move(notices));
}

// [reconnect] -------------------------------------------------------------------

// Attempts after a growing delay until one succeeds, the attempts run out,
// or the client stops. Sets down_reason to the last failure, for calls
// made meanwhile.
std::optional<established> reconnect_with_backoff(client::state& s) {
    const auto& o = s.options;
    auto delay = std::max(o.reconnect_delay, std::chrono::milliseconds(1));
    for (std::size_t attempt = 1;; ++attempt) {
        {
            std::unique_lock lock(s.mu);
            s.changed.wait_for(lock, delay, [&] { return s.stopping.load() || s.closed; });
            if (s.stopping.load() || s.closed) return std::nullopt;
        }
        auto c = establish(s);
        if (c) return std::move(*c);
        std::lock_guard lock(s.mu);
        if (o.reconnect_attempts != 0 && attempt >= o.reconnect_attempts) {
            s.down_reason = "gave up reconnecting after " + std::to_string(attempt) + " attempts: " + c.error().describe();
            return std::nullopt;
        }
        s.down_reason = "reconnecting; last attempt: " + c.error().describe();
        delay = std::min(delay * 2, std::max(o.reconnect_max_delay, delay));
    }
}

} // namespace

void read_loop(client::state& s, std::optional<inflow> in) {
    for (;;) {
        if (in) {
            lose(s, read_connection(s, *in));
            in.reset();
        }
        if (!s.options.auto_reconnect || s.stopping.load()) return;
        auto next = reconnect_with_backoff(s);
        if (!next) return;
        in = adopt(s, std::move(*next));
    }
}

void stop_reader(client::state& s) {
    s.stopping.store(true, std::memory_order_release);
    {
        std::lock_guard lock(s.mu); // so a backoff wait cannot miss the wake-up
    }
    s.changed.notify_all();
    {
        std::lock_guard lock(s.send_mu);
        s.socket.shutdown();
    }
    if (s.reader.joinable()) s.reader.join();
    s.stopping.store(false, std::memory_order_release);
}

void deliver(client::state& s, std::vector<push> pushes) {
    if (pushes.empty()) return;
    if (s.options.on_push) {
        for (auto& p : pushes) s.options.on_push(std::move(p));
        return;
    }
    {
        std::lock_guard lock(s.mu);
        for (auto& p : pushes) {
            // A plain push of a subscription unsubscribed meanwhile is dropped;
            // news of an end or a loss is kept (the subscription is gone by then).
            if (!p.error && !p.ended && !s.subscriptions.contains(p.subscription)) continue;
            if (s.pushes.size() >= s.options.max_queued_pushes) {
                ++s.dropped;
                if (s.pushes.empty()) continue;
                s.pushes.pop_front();
            }
            s.pushes.push_back(std::move(p));
        }
    }
    s.changed.notify_all();
}

} // namespace ember::client
