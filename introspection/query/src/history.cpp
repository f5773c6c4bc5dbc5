// Node-wide rates and the history rings: one sample a second into a ring of
// 600 (ten minutes), and each minute's mean into a ring of 1440 (a day).
// Fixed memory whatever the node's size; a client that connects late gets
// the last minutes at once.

#include <algorithm>

#include "engine_state.hpp"

namespace ember::query {

namespace {

std::string scheduler_series(const char* what, std::size_t i) { return std::string(what) + "_" + std::to_string(i); }

// Utilization of one scheduler between two samples; its lifetime figure
// when there is no earlier sample (or its slot changed hands).
double utilization(const scheduler_stats& now, const scheduler_stats* before) {
    std::uint64_t busy = now.busy_ns, idle = now.idle_ns;
    if (before && now.busy_ns >= before->busy_ns && now.idle_ns >= before->idle_ns) {
        busy -= before->busy_ns;
        idle -= before->idle_ns;
    }
    return busy + idle == 0 ? 0.0 : static_cast<double>(busy) / static_cast<double>(busy + idle);
}

std::uint64_t growth(std::uint64_t now, std::uint64_t before) { return now >= before ? now - before : 0; }

} // namespace

void engine::state::record(const std::string& name, double value, std::uint64_t now) {
    auto [it, added] = history.try_emplace(name);
    // A client names a series with a binary; the dispatcher finds it as an
    // existing atom, never making one from the network: the engine makes
    // its own few series names (5 + 2 per scheduler) here.
    if (added) (void)atom(name);
    history_series& s = it->second;
    s.seconds.push(value);
    s.last_second_ms = now;
    s.minute_sum += value;
    if (++s.minute_count == 60) {
        s.minutes.push(s.minute_sum / 60.0);
        s.last_minute_ms = now;
        s.minute_sum = 0;
        s.minute_count = 0;
    }
}

void engine::state::sample_history(std::uint64_t now, const std::vector<scheduler_stats>& schedulers, const system_stats& system,
                                   const node_totals& totals, std::uint64_t new_events) {
    std::lock_guard lock(mutex);
    const double seconds = last_sample_ms && now > last_sample_ms ? static_cast<double>(now - last_sample_ms) / 1000.0 : 0.0;
    utilization.assign(schedulers.size(), 0.0);
    for (std::size_t i = 0; i < schedulers.size(); ++i)
        utilization[i] = ember::query::utilization(schedulers[i], i < last_schedulers.size() ? &last_schedulers[i] : nullptr);
    // The totals fall when a runaway's thread takes its scheduler's counts
    // along (stats.hpp): such a sample counts no growth.
    const std::uint64_t reductions = samples ? growth(totals.reductions, last_totals.reductions) : 0;
    const std::uint64_t messages = samples ? growth(totals.messages, last_totals.messages) : 0;
    last_totals = totals;
    reduction_rate = seconds > 0 ? static_cast<double>(reductions) / seconds : 0.0;
    message_rate = seconds > 0 ? static_cast<double>(messages) / seconds : 0.0;
    last_schedulers = schedulers;
    last_system = system;
    last_sample_ms = now;
    uptime_offset_ms = static_cast<std::int64_t>(system.uptime_ms) - static_cast<std::int64_t>(now);
    ++samples;

    for (std::size_t i = 0; i < schedulers.size(); ++i) {
        record(scheduler_series("utilization", i), utilization[i], now);
        record(scheduler_series("run_queue", i), static_cast<double>(schedulers[i].run_queue_length), now);
    }
    record("process_count", static_cast<double>(system.process_count), now);
    record("memory", static_cast<double>(system.process_memory_bytes), now);
    record("reduction_rate", reduction_rate, now);
    record("message_rate", message_rate, now);
    record("events", static_cast<double>(new_events), now);
}

expected<std::vector<protocol::series>, protocol::error_reason> engine::history(std::span<const atom> names, resolution r) {
    std::lock_guard lock(state_->mutex);
    std::vector<protocol::series> out;
    for (const atom name : names) {
        auto it = state_->history.find(std::string(name.name()));
        if (it == state_->history.end()) {
            const bool known = std::find(std::begin(node_series), std::end(node_series), name.name()) != std::end(node_series);
            if (!known && !name.name().starts_with("utilization_") && !name.name().starts_with("run_queue_"))
                return unexpected(protocol::make_reason("bad_request", "no series '" + std::string(name.name()) +
                                                                           "' (process_count, memory, reduction_rate, message_rate, "
                                                                           "events, utilization_N, run_queue_N)"));
            // Known but not sampled yet: an empty series.
            out.push_back({name, r == resolution::second ? 1000u : 60'000u, 0, {}});
            continue;
        }
        const history_series& s = it->second;
        protocol::series row;
        row.name = name;
        if (r == resolution::second) {
            row.resolution_ms = 1000;
            row.last_ms = static_cast<std::uint64_t>(static_cast<std::int64_t>(s.last_second_ms) + state_->uptime_offset_ms);
            row.values = s.seconds.values();
        } else {
            row.resolution_ms = 60'000;
            row.last_ms = s.last_minute_ms ? static_cast<std::uint64_t>(static_cast<std::int64_t>(s.last_minute_ms) + state_->uptime_offset_ms) : 0;
            row.values = s.minutes.values();
        }
        out.push_back(std::move(row));
    }
    return out;
}

} // namespace ember::query
