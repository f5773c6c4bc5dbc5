#pragma once
// What a subscription pushes: `{subscribe, What, IntervalMs}` read into a
// spec, and one evaluation of a spec into the Value of a push. No sockets
// here: the connection (connection.cpp) keeps the timers and runs each
// evaluation on the agent's worker threads.
//
// What is one of
//   system | schedulers | warnings | processes | applications   the request {What}, every interval
//   events                                                       only events newer than the last push
//   history                                                      every series of the history rings
//   all        #{system => _, schedulers => _, events => (new ones), warnings => _}
//   a Request tuple that needs no admin, e.g. {processes, #{sort => memory, limit => 20}}

#include <chrono>
#include <cstdint>
#include <optional>

#include "ember/protocol/error_reason.hpp"
#include "ember/protocol/messages.hpp"
#include "ember/protocol/request.hpp"
#include "ember/query/engine.hpp"

namespace ember::agent::detail {

/// IntervalMs bounds: faster than 10 a second is no dashboard, and slower
/// than an hour is better asked for than pushed.
inline constexpr std::int64_t min_interval_ms = 100;
inline constexpr std::int64_t max_interval_ms = 3'600'000;

enum class subscription_kind : std::uint8_t {
    request, ///< dispatch(request) each interval
    events, ///< engine.events(after the last one pushed)
    history, ///< every series, at 1 s resolution
    all, ///< the map of system, schedulers, new events, warnings
};

/// A value; copied to a worker thread for each evaluation, which hands back
/// the copy with last_event_seq moved on.
struct subscription_spec {
    subscription_kind kind = subscription_kind::request;
    protocol::parsed_request request; ///< kind request only
    std::chrono::milliseconds interval{1000};
    /// events and all: the seq of the newest event pushed so far.
    std::uint64_t last_event_seq = 0;
    /// events: false until the first push, which is sent even when empty
    /// (later ones only when something happened).
    bool pushed_once = false;
};

/// Reads the arguments of a parsed `{subscribe, What, IntervalMs}`;
/// bad_request naming what is wrong otherwise. Any thread.
expected<subscription_spec, protocol::error_reason> parse_subscription(const protocol::parsed_request& subscribe);

/// One evaluation: the Value to push, or nullopt when there is nothing new
/// (an events subscription with no new event). An error ends the
/// subscription. Moves spec.last_event_seq on. A worker thread (it waits
/// for the node: a processes scan takes up to the engine's time budget).
expected<std::optional<term>, protocol::error_reason> evaluate(query::engine& engine, subscription_spec& spec, protocol::access_level access);

} // namespace ember::agent::detail
