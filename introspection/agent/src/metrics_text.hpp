#pragma once
// What /metrics says: the Prometheus text exposition format (version 0.0.4)
// of a node's figures. No HTTP here (metrics_server.cpp).
//
// Node-wide and per-scheduler series only, never one per process: a
// million processes must not become a million series.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ember/protocol/replies.hpp"

namespace ember::agent::detail {

/// The exposition text; `events` is query::engine::event_counts() (events
/// by kind since the engine started). Pure: any thread.
std::string render_metrics(const protocol::system_info& system, const std::vector<protocol::scheduler_row>& schedulers,
                           const std::map<std::string, std::uint64_t>& events);

/// "text/plain; version=0.0.4; charset=utf-8"
inline constexpr const char* metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

} // namespace ember::agent::detail
