// A connection's reading, hello, requests, writing and timers. The
// subscriptions and traces are in connection_push.cpp.
//
// Sections: [life] [reading] [hello] [requests] [writing] [timers]
//
// Every handler may end the connection (a fatal frame, a client that does
// not read), and close() forgets the subscriptions, so code that sends and
// then goes on checks phase_ first.

#include "connection.hpp"

#include <asio/post.hpp>
#include <asio/write.hpp>

#include "answer.hpp"
#include "ember/protocol/token.hpp"
#include "ember/protocol/version.hpp"
#include "ember/term/print.hpp"
#include "server.hpp"

namespace ember::agent::detail {
namespace {

using protocol::make_reason;
using std::chrono::steady_clock;

/// Bytes asked of the socket per read: a few frames at once, and a big
/// frame in a few reads (the reader keeps what it needs).
constexpr std::size_t read_buffer_bytes = 64 * 1024;
/// Frames handed to one async_write.
constexpr std::size_t frames_per_write = 64;

std::string millis(std::chrono::milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

term error_term(std::string_view code, std::string message) { return term::tuple({atoms::error, to_term(make_reason(code, std::move(message)))}); }

} // namespace

// [life] ----------------------------------------------------------------------

connection::connection(agent::state& server, asio::ip::tcp::socket socket)
    : server_(server),
      socket_(std::move(socket)),
      deadline_(server.io.get_executor()),
      reader_(protocol::frame_limits{.max_frame_bytes = std::min(hello_frame_bytes, server.options.max_frame_bytes)}),
      in_(std::make_unique<std::byte[]>(read_buffer_bytes)) {}

void connection::start() {
    std::error_code ec;
    const auto remote = socket_.remote_endpoint(ec);
    peer_ = ec ? std::string("a client") : remote.address().to_string() + ":" + std::to_string(remote.port());
    socket_.set_option(asio::ip::tcp::no_delay(true), ec); // replies are small and awaited
    last_frame_ = steady_clock::now();
    arm_deadline(last_frame_ + server_.options.hello_timeout);
    read_some();
}

void connection::close() {
    if (phase_ == phase::closed) return;
    auto keep = shared_from_this(); // server_.closed() drops the agent's reference
    phase_ = phase::closed;
    subscriptions_.clear(); // cancels their timers, ends their traces
    std::error_code ignored;
    deadline_.cancel();
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    queue_.clear(); // writing_ stays until its write handler runs: Asio may still hold its buffers
    server_.closed(this);
}

// [reading] -------------------------------------------------------------------

void connection::read_some() {
    socket_.async_read_some(asio::buffer(in_.get(), read_buffer_bytes),
                            [self = shared_from_this()](std::error_code ec, std::size_t n) { self->on_read(ec, n); });
}

void connection::on_read(std::error_code ec, std::size_t n) {
    if (phase_ != phase::hello && phase_ != phase::open) return;
    if (ec) {
        close(); // the peer went away (or reset): nothing to answer
        return;
    }
    try {
        on_bytes(std::span<const std::byte>(in_.get(), n));
    } catch (const std::exception& e) {
        // Only allocation can fail in there; the node goes on, this client does not.
        log_line("closing " + peer_ + ": " + e.what());
        close();
        return;
    }
    if (phase_ == phase::hello || phase_ == phase::open) read_some();
}

void connection::on_bytes(std::span<const std::byte> in) {
    while (phase_ == phase::hello || phase_ == phase::open) {
        auto f = reader_.read(in);
        if (!f) {
            on_frame_error(f.error());
            continue; // a fatal error moved phase_ on; another frame follows otherwise
        }
        if (!*f) return; // `in` used up
        last_frame_ = steady_clock::now();
        if (phase_ == phase::hello) on_hello(**f);
        else on_request(**f);
    }
}

void connection::on_frame_error(const protocol::frame_error& e) {
    // Before the hello nothing but a clean hello is acceptable; after it, an
    // unknown atom costs only its frame when its Ref could be read.
    if (phase_ == phase::hello || e.fatal() || !e.ref) {
        send_final(term::tuple({atoms::error, to_term(protocol::to_reason(e))}));
        return;
    }
    reply(*e.ref, unexpected(protocol::to_reason(e)));
}

// [hello] ---------------------------------------------------------------------

void connection::on_hello(const term& frame) {
    auto h = from_term<protocol::hello>(frame);
    if (!h) return refuse_hello("bad_hello", "the first frame must be {hello, ProtocolVersion, Token}: " + h.error().message);
    if (h->version != protocol::protocol_version)
        return refuse_hello("bad_version", "this node speaks protocol version " + std::to_string(protocol::protocol_version) +
                                               ", the hello asked for " + std::to_string(h->version));
    // Both compared, always: the time taken says nothing about which matched.
    const bool admin = protocol::tokens_equal(h->token, server_.tokens.admin);
    const bool read_only = protocol::tokens_equal(h->token, server_.tokens.read_only);
    if (!admin && !read_only) return refuse_hello("bad_token", "the token is neither this node's read-only token nor its admin token");

    access_ = admin ? protocol::access_level::admin : protocol::access_level::read_only;
    phase_ = phase::open;
    // From here on frames may be as large as the agent allows.
    reader_ = protocol::frame_reader(protocol::frame_limits{.max_frame_bytes = server_.options.max_frame_bytes});
    arm_deadline(last_frame_ + server_.options.idle_timeout);
    send(to_term(protocol::hello_reply{protocol::hello_info{protocol::protocol_version, local_node().name, *access_}}));
}

void connection::refuse_hello(std::string_view code, std::string message) {
    send_final(to_term(protocol::hello_reply{unexpected(make_reason(code, std::move(message)))}));
}

// [requests] ------------------------------------------------------------------

void connection::on_request(const term& frame) {
    auto envelope = from_term<protocol::request_envelope>(frame);
    if (!envelope) {
        // No Ref to answer with: the client does not follow the protocol.
        send_final(error_term("bad_request",
                              "after the hello every frame must be {Ref, Request}, found " + to_string(frame, {.max_depth = 8, .max_chars = 80})));
        return;
    }
    term ref = envelope->ref;
    auto request = protocol::parse_request(envelope->request);
    if (!request) return reply(ref, unexpected(std::move(request).error()));

    const auto kind = request->kind;
    if (protocol::needs_admin(kind) && access_ != protocol::access_level::admin)
        return reply(ref, unexpected(make_reason("needs_admin", std::string(protocol::request_kind_name(kind)) +
                                                                    " needs the admin token; this connection is read-only")));
    switch (kind) {
    case protocol::request_kind::subscribe: return subscribe(std::move(ref), *request);
    case protocol::request_kind::unsubscribe: return unsubscribe(std::move(ref), *request);
    case protocol::request_kind::trace: return trace(std::move(ref), *request);
    default: break;
    }
    if (!check_outstanding(ref)) return;
    dispatch(std::move(ref), std::move(*request));
}

// False (and the client told) when max_outstanding requests are in progress.
bool connection::check_outstanding(const term& ref) {
    if (outstanding_ < server_.options.max_outstanding) return true;
    reply(ref, unexpected(make_reason("too_many_requests", std::to_string(outstanding_) + " requests are in progress on this connection, its limit: "
                                                                                          "wait for their replies")));
    return false;
}

void connection::dispatch(term ref, protocol::parsed_request request) {
    ++outstanding_;
    agent::state& server = server_;
    asio::post(server.workers, [weak = weak_from_this(), &server, ref = std::move(ref), request = std::move(request), access = *access_] {
        auto frame = encode_reply(ref, guarded([&] { return query::dispatch(server.engine, request, access); }), server.options.max_frame_bytes);
        asio::post(server.io, [weak, frame = std::move(frame)]() mutable {
            if (auto self = weak.lock()) self->on_answered(std::move(frame));
        });
    });
}

void connection::on_answered(std::vector<std::byte> frame) {
    --outstanding_;
    if (phase_ == phase::open) send_frame(std::move(frame));
}

// [writing] -------------------------------------------------------------------

void connection::reply(const term& ref, expected<term, protocol::error_reason> result) {
    send_frame(encode_reply(ref, std::move(result), server_.options.max_frame_bytes));
}

void connection::send(const term& t) { send_frame(protocol::encode_frame(t)); }

void connection::send_frame(std::vector<std::byte> frame) {
    if (phase_ == phase::closed) return;
    // The check is on what still waits, before this frame: one frame is
    // always taken, so the bound is max_send_queue_bytes plus one frame.
    if (queued_bytes_ > server_.options.max_send_queue_bytes) {
        log_line("dropped " + peer_ + ": " + std::to_string(queued_bytes_) + " bytes wait to be written (over max_send_queue_bytes, " +
                 std::to_string(server_.options.max_send_queue_bytes) + "): it does not read");
        close();
        return;
    }
    queued_bytes_ += frame.size();
    queue_.push_back(std::move(frame));
    write_more();
}

void connection::send_final(const term& t) {
    if (phase_ != phase::hello && phase_ != phase::open) return;
    phase_ = phase::closing;
    subscriptions_.clear(); // nothing more is pushed
    send(t);
    if (phase_ == phase::closing) arm_deadline(steady_clock::now() + close_linger);
}

void connection::write_more() {
    if (!writing_.empty() || queue_.empty() || phase_ == phase::closed) return;
    while (!queue_.empty() && writing_.size() < frames_per_write) {
        writing_.push_back(std::move(queue_.front()));
        queue_.pop_front();
    }
    std::vector<asio::const_buffer> buffers;
    buffers.reserve(writing_.size());
    for (const auto& f : writing_) buffers.emplace_back(asio::buffer(f));
    asio::async_write(socket_, buffers, [self = shared_from_this()](std::error_code ec, std::size_t) { self->on_written(ec); });
}

void connection::on_written(std::error_code ec) {
    for (const auto& f : writing_) queued_bytes_ -= f.size();
    writing_.clear();
    if (phase_ == phase::closed) return;
    if (ec) {
        close();
        return;
    }
    if (!queue_.empty()) write_more();
    else if (phase_ == phase::closing) close(); // the last frame is out
}

// [timers] --------------------------------------------------------------------

void connection::arm_deadline(steady_clock::time_point at) {
    deadline_.expires_at(at); // cancels the wait before, whose handler sees operation_aborted
    deadline_.async_wait([self = shared_from_this()](std::error_code ec) {
        if (!ec) self->on_deadline();
    });
}

void connection::on_deadline() {
    const auto now = steady_clock::now();
    switch (phase_) {
    case phase::hello: send_final(error_term("timeout", "no hello within " + millis(server_.options.hello_timeout))); return;
    case phase::open: {
        // Idle: nothing received for idle_timeout while nothing was asked
        // of the node; a subscriber that only reads pushes is not idle.
        const auto idle_at = last_frame_ + server_.options.idle_timeout;
        const bool busy = outstanding_ > 0 || !subscriptions_.empty();
        if (!busy && now >= idle_at) {
            send_final(error_term("timeout", "nothing received for " + millis(server_.options.idle_timeout)));
            return;
        }
        arm_deadline(busy ? now + server_.options.idle_timeout : idle_at);
        return;
    }
    case phase::closing: close(); return;
    case phase::closed: return;
    }
}

} // namespace ember::agent::detail
