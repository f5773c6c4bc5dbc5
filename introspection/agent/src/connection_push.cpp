// A connection's subscriptions and traces: what is pushed, when, and how it
// ends.
//
// A subscription is evaluated once at once, on a worker: an error there is
// the reply to subscribe (a bad Opts map, say), so a client learns at once
// that its subscription is wrong; otherwise the reply is {Ref, {ok, Ref}}
// and the first push follows it. Then each evaluation is scheduled one
// interval after the one before was due, and only once the one before
// came back: a slow node or a slow scan delays pushes, never piles them up.
//
// A trace's rows queue in its trace_session; the connection takes them
// every trace_poll and pushes each. Both end with {Ref, {event, {ended,
// Reason}}} when the node ends them (an error, the trace's limit, its
// process gone), or silently on unsubscribe or when the connection closes,
// which drops the trace session and so stops the trace.

#include <asio/post.hpp>

#include "answer.hpp"
#include "connection.hpp"
#include "server.hpp"

namespace ember::agent::detail {
namespace {

using protocol::make_reason;
using std::chrono::steady_clock;

} // namespace

connection::subscription* connection::find(const term& ref) {
    for (auto& entry : subscriptions_)
        if (entry.second->ref == ref) return entry.second.get();
    return nullptr;
}

// False (and the client told) when `ref` cannot start one more.
bool connection::check_new_subscription(const term& ref) {
    if (!check_outstanding(ref)) return false;
    if (subscriptions_.size() >= server_.options.max_subscriptions) {
        reply(ref, unexpected(make_reason("too_many_requests", std::to_string(subscriptions_.size()) +
                                                                   " subscriptions and traces are open on this connection, its "
                                                                   "limit: unsubscribe first")));
        return false;
    }
    if (find(ref) != nullptr) {
        reply(ref, unexpected(make_reason("bad_request", "a subscription or trace with this Ref is open already")));
        return false;
    }
    return true;
}

// [subscribe] -----------------------------------------------------------------

void connection::subscribe(term ref, const protocol::parsed_request& request) {
    if (!check_new_subscription(ref)) return;
    auto spec = parse_subscription(request);
    if (!spec) return reply(ref, unexpected(std::move(spec).error()));
    auto s = std::make_unique<subscription>(server_.io.get_executor());
    s->id = next_id_++;
    s->ref = std::move(ref);
    s->spec = std::move(*spec);
    s->next = steady_clock::now();
    auto& added = *subscriptions_.emplace(s->id, std::move(s)).first->second;
    ++outstanding_; // the subscribe request, until its first evaluation answers it
    evaluate_async(added, true);
}

void connection::evaluate_async(subscription& s, bool first) {
    agent::state& server = server_;
    asio::post(server.workers, [weak = weak_from_this(), &server, id = s.id, first, ref = s.ref, spec = s.spec, access = *access_]() mutable {
        auto value = guarded([&] { return evaluate(server.engine, spec, access); });
        push_frame frame = value ? push_frame(std::optional<std::vector<std::byte>>()) : push_frame(unexpected(std::move(value).error()));
        if (value && *value) {
            auto encoded = encode_push(ref, **value, server.options.max_frame_bytes);
            frame =
                encoded ? push_frame(std::optional<std::vector<std::byte>>(std::move(*encoded))) : push_frame(unexpected(std::move(encoded).error()));
        }
        asio::post(server.io, [weak, id, first, ref = std::move(ref), spec = std::move(spec), frame = std::move(frame)]() mutable {
            if (auto self = weak.lock()) self->on_evaluated(id, first, std::move(ref), std::move(spec), std::move(frame));
        });
    });
}

void connection::on_evaluated(std::uint64_t id, bool first, term ref, subscription_spec spec, push_frame frame) {
    if (first) --outstanding_;
    if (phase_ != phase::open) return;
    if (first) {
        if (!frame) {
            subscriptions_.erase(id);
            return reply(ref, unexpected(std::move(frame).error()));
        }
        reply(ref, ref); // {Ref, {ok, Ref}}, even when unsubscribed meanwhile: every request gets its reply
    }
    if (phase_ != phase::open) return;
    auto it = subscriptions_.find(id);
    if (it == subscriptions_.end()) return; // unsubscribed meanwhile
    if (!frame) return end_subscription(id, frame.error());
    it->second->spec = std::move(spec);
    const auto interval = it->second->spec.interval;
    if (*frame) send_frame(std::move(**frame));
    if (phase_ != phase::open) return; // the push found a client that does not read
    it = subscriptions_.find(id);
    if (it != subscriptions_.end()) schedule(*it->second, interval);
}

void connection::schedule(subscription& s, std::chrono::milliseconds interval) {
    s.next = std::max(s.next + interval, steady_clock::now());
    s.timer.expires_at(s.next);
    s.timer.async_wait([self = shared_from_this(), id = s.id](std::error_code ec) {
        if (!ec) self->on_tick(id);
    });
}

void connection::on_tick(std::uint64_t id) {
    if (phase_ != phase::open) return;
    auto it = subscriptions_.find(id);
    if (it == subscriptions_.end()) return; // ended, the timer's handler was already queued
    if (it->second->trace) return poll_trace(*it->second);
    evaluate_async(*it->second, false);
}

void connection::end_subscription(std::uint64_t id, const protocol::error_reason& why) {
    auto it = subscriptions_.find(id);
    if (it == subscriptions_.end()) return;
    const term ref = it->second->ref;
    subscriptions_.erase(it);
    auto frame = encode_push(ref, ended(why), server_.options.max_frame_bytes);
    if (frame) send_frame(std::move(*frame));
}

void connection::unsubscribe(term ref, const protocol::parsed_request& request) {
    // true when it ended one, false when none was open with that Ref (it
    // may have ended on its own just before): no error either way.
    subscription* s = find(request.args()[0]);
    const bool found = s != nullptr;
    if (found) subscriptions_.erase(s->id);
    reply(ref, term(found ? atoms::true_ : atoms::false_));
}

// [trace] ---------------------------------------------------------------------

void connection::trace(term ref, const protocol::parsed_request& request) {
    if (!check_new_subscription(ref)) return;
    auto options = query::parse_trace_options(request.args()[1]);
    if (!options) return reply(ref, unexpected(std::move(options).error()));
    auto s = std::make_unique<subscription>(server_.io.get_executor());
    s->id = next_id_++;
    s->ref = ref;
    s->next = steady_clock::now();
    const std::uint64_t id = s->id;
    subscriptions_.emplace(id, std::move(s));
    ++outstanding_;
    agent::state& server = server_;
    asio::post(server.workers, [weak = weak_from_this(), &server, id, ref = std::move(ref), who = request.args()[0], options = *options]() mutable {
        auto started = guarded([&]() -> trace_start {
            auto target = server.engine.resolve(who);
            if (!target) return unexpected(std::move(target).error());
            return server.engine.trace(*target, options);
        });
        asio::post(server.io, [weak, id, ref = std::move(ref), started = std::move(started)]() mutable {
            if (auto self = weak.lock()) self->on_trace_started(id, std::move(ref), std::move(started));
        });
    });
}

void connection::on_trace_started(std::uint64_t id, term ref, trace_start started) {
    --outstanding_;
    if (phase_ != phase::open) return;
    if (!started) {
        subscriptions_.erase(id);
        return reply(ref, unexpected(std::move(started).error()));
    }
    reply(ref, ref);
    if (phase_ != phase::open) return;
    auto it = subscriptions_.find(id);
    if (it == subscriptions_.end()) return; // unsubscribed meanwhile: the session ends as `started` goes
    it->second->trace = std::move(*started);
    schedule(*it->second, trace_poll);
}

void connection::poll_trace(subscription& s) {
    // Read finished() before take(): a row queued between the two is then
    // taken now, or seen next time, and never lost behind an early end.
    const bool finished = s.trace->finished();
    std::vector<protocol::trace_row> rows;
    s.trace->take(rows);
    const std::uint64_t id = s.id;
    const term ref = s.ref;
    for (const auto& row : rows) {
        auto frame = encode_push(ref, to_term(row), server_.options.max_frame_bytes);
        if (frame) send_frame(std::move(*frame));
        if (phase_ != phase::open) return;
    }
    if (finished) return end_subscription(id, make_reason("complete", "the trace ended"));
    auto it = subscriptions_.find(id);
    if (it != subscriptions_.end()) schedule(*it->second, trace_poll);
}

} // namespace ember::agent::detail
