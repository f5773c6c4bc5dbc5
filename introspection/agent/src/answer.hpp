#pragma once
// Turning results into frames to send: replies and pushes, checked against
// the frame limit, and the guard that turns what a query throws into an
// error reply rather than a dead worker. Pure functions: any thread (the
// workers encode what they computed, so the Asio thread only writes).

#include <cstddef>
#include <exception>
#include <new>
#include <vector>

#include "ember/protocol/error_reason.hpp"
#include "ember/protocol/messages.hpp"

namespace ember::agent::detail {

/// Calls `f` (returning some expected<T, error_reason>); an exception it
/// throws becomes {overloaded, _} (out of memory) or {internal_error, _}.
template <class F>
auto guarded(F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const std::bad_alloc&) {
        return unexpected(protocol::make_reason("overloaded", "the node ran out of memory answering this"));
    } catch (const std::exception& e) {
        return unexpected(protocol::make_reason("internal_error", e.what()));
    }
}

/// `{Ref, {ok, Value}}` or `{Ref, {error, Reason}}` as a frame. A reply
/// whose body is over max_frame_bytes (which a client reads with too) is
/// replaced by {Ref, {error, {frame_too_large, _}}}: ask for less.
std::vector<std::byte> encode_reply(const term& ref, expected<term, protocol::error_reason> result, std::size_t max_frame_bytes);

/// `{Ref, {event, Value}}` as a frame; frame_too_large when over the limit.
expected<std::vector<std::byte>, protocol::error_reason> encode_push(const term& ref, const term& value, std::size_t max_frame_bytes);

/// The Value of the last push of a subscription or trace the node ended:
/// `{ended, {Code, Message}}`.
term ended(const protocol::error_reason& why);

} // namespace ember::agent::detail
