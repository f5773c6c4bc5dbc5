// The text of the node-wide replies: schedulers, system, events, warnings,
// history series, and trace rows.
//
// Events, warnings and series carry bare numbers whose unit depends on
// their kind or name (a long_schedule's value is milliseconds, a
// large_memory's bytes); value_text knows which, so each reads in its own
// unit.

#include <algorithm>
#include <cmath>

#include "ember/render/text.hpp"
#include "table.hpp"

namespace ember::render {
namespace {

using detail::column;

std::string name_of(atom a) { return a == atoms::undefined ? std::string("-") : std::string(a.name()); }

// A value of an event or warning, in its kind's unit.
std::string value_text(atom kind, std::uint64_t v) {
    const std::string_view k = kind.name();
    if (k == "long_schedule" || k == "old_message") return ms_text(v);
    if (k == "large_memory") return bytes_text(v);
    return count_text(v);
}

enum class unit { count, bytes, fraction, rate };

unit unit_of(std::string_view series_name) {
    if (series_name == "memory") return unit::bytes;
    if (series_name.starts_with("utilization")) return unit::fraction;
    if (series_name.ends_with("_rate")) return unit::rate;
    return unit::count;
}

std::string in_unit(unit u, double v) {
    if (!std::isfinite(v)) v = 0;
    switch (u) {
    case unit::bytes: return bytes_text(v <= 0 ? 0 : static_cast<std::uint64_t>(std::min(v, 1.8e19)));
    case unit::fraction: return percent_text(v);
    case unit::rate: return rate_text(v) + "/s";
    case unit::count: break;
    }
    return v <= 0 ? "0" : count_text(static_cast<std::uint64_t>(std::min(std::round(v), 1.8e19)));
}

// The last `n` values as a sparkline, scaled from 0 (or the smallest
// negative value) to the largest.
std::string sparkline(const std::vector<double>& values, std::size_t n) {
    static constexpr std::string_view bars[] = {"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588"};
    const std::size_t from = values.size() > n ? values.size() - n : 0;
    double lo = 0, hi = 0;
    for (std::size_t i = from; i < values.size(); ++i)
        if (std::isfinite(values[i])) lo = std::min(lo, values[i]), hi = std::max(hi, values[i]);
    std::string out;
    for (std::size_t i = from; i < values.size(); ++i) {
        const double v = std::isfinite(values[i]) ? values[i] : 0;
        const double f = hi > lo ? (v - lo) / (hi - lo) : 0;
        out += bars[std::min<std::size_t>(7, static_cast<std::size_t>(f * 7.999))];
    }
    return out;
}

} // namespace

std::string text(std::span<const protocol::scheduler_row> rows, const text_options& options) {
    detail::table t({column{"ID", true}, column{"UTIL", true}, column{"RUNQ", true}, column{"RUNS", true}, column{"SWITCHES", true, false, 0, 3},
                     column{"STEALS", true, false, 0, 2}, column{"PARKS", true, false, 0, 1}});
    for (const auto& r : rows)
        t.add({std::to_string(r.id), percent_text(r.utilization), count_text(r.run_queue), count_text(r.processes_run),
               count_text(r.context_switches), count_text(r.steals), count_text(r.parks)});
    return t.render(options.width, options.colour);
}

std::string text(const protocol::system_info& s, const text_options& options) {
    detail::key_values kv;
    kv.add("node", std::string(s.node.name()));
    kv.add("uptime", ms_text(s.uptime_ms));
    kv.add("processes", count_text(s.process_count) + " of " + count_text(s.process_limit));
    kv.add("schedulers", std::to_string(s.schedulers));
    kv.add("memory", bytes_text(s.memory));
    kv.add("atoms", count_text(s.atom_count));
    kv.add("reductions", count_text(s.reductions) + " (" + rate_text(s.reduction_rate) + "/s)");
    kv.add("messages", count_text(s.messages) + " (" + rate_text(s.message_rate) + "/s)");
    kv.add("runaway threads", std::to_string(s.runaway_threads));
    kv.add("dirty pool", std::to_string(s.dirty_threads) + " threads, " + std::to_string(s.dirty_running) + " running, " +
                             count_text(s.dirty_queued) + " queued, " + count_text(s.dirty_completed) + " done");
    kv.add("supervisor restarts", count_text(s.supervisor_restarts));
    return kv.render(options.width);
}

std::string text(std::span<const protocol::event_row> rows, const text_options& options) {
    if (rows.empty()) return "no events\n";
    detail::table t({column{"SEQ", true}, column{"AT", true}, column{"KIND"}, column{"PID"}, column{"SCHED", true, false, 0, 1},
                     column{"VALUE", true}, column{"LIMIT", true}});
    for (const auto& e : rows)
        t.add({std::to_string(e.seq), ms_text(e.at_ms), name_of(e.kind), pid_text(e.pid), std::to_string(e.scheduler), value_text(e.kind, e.value),
               value_text(e.kind, e.limit)});
    return t.render(options.width, options.colour);
}

std::string text(std::span<const protocol::warning_row> rows, const text_options& options) {
    if (rows.empty()) return "no warnings\n";
    detail::table t({column{"KIND"}, column{"PID"}, column{"SINCE", true, false, 0, 2}, column{"FOR", true}, column{"VALUE", true, false, 0, 3},
                     column{"LIMIT", true, false, 0, 4}, column{"MESSAGE", false, true, 16}});
    for (const auto& w : rows)
        t.add({name_of(w.kind), pid_text(w.pid), ms_text(w.since_ms), ms_text(w.for_ms), value_text(w.kind, w.value), value_text(w.kind, w.limit),
               w.message});
    return t.render(options.width, options.colour);
}

std::string text(std::span<const protocol::series> rows, const text_options& options) {
    if (rows.empty()) return "no series\n";
    // The sparkline column takes what the others leave, up to 60 samples.
    constexpr std::size_t spark_max = 60;
    detail::table t({column{"NAME"}, column{"EVERY", true}, column{"SAMPLES", true, false, 0, 1}, column{"LAST", true}, column{"MIN", true},
                     column{"MAX", true}, column{"RECENT", false, true, 8}});
    for (const auto& s : rows) {
        const unit u = unit_of(s.name.name());
        double lo = 0, hi = 0;
        if (!s.values.empty()) {
            lo = *std::min_element(s.values.begin(), s.values.end());
            hi = *std::max_element(s.values.begin(), s.values.end());
        }
        // Cut from the left, so the newest values stay: the table cuts text
        // on the right, so the line is made no longer than what fits.
        std::size_t n = spark_max;
        if (options.width) n = std::min(n, options.width > 60 ? options.width - 60 : std::size_t{8});
        t.add({name_of(s.name), ms_text(s.resolution_ms), std::to_string(s.values.size()), s.values.empty() ? "-" : in_unit(u, s.values.back()),
               in_unit(u, lo), in_unit(u, hi), sparkline(s.values, n)});
    }
    return t.render(options.width, options.colour);
}

std::string text(const protocol::trace_row& r, const text_options& options) {
    char at[32];
    std::snprintf(at, sizeof at, "%10.3f s", static_cast<double>(r.at_ms) / 1000);
    std::string line =
        std::string(at) + "  " + detail::pad(name_of(r.direction), 3, false) + "  " + pid_text(r.from) + " -> " + pid_text(r.to) + "  " + r.message;
    if (r.dropped) line += "  (" + count_text(r.dropped) + " dropped before it)";
    std::string out;
    detail::append_line(out, line, options.width);
    return out;
}

} // namespace ember::render
