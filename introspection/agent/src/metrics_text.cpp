// /metrics text in the exposition format. Every family gets its # HELP and
// # TYPE lines; counters end in _total and sizes are in bytes and seconds,
// which is what `promtool check metrics` asks for.

#include "metrics_text.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace ember::agent::detail {
namespace {

// The kinds the runtime raises: present from the first scrape (at 0), so a
// rate() over them works before the first event.
constexpr std::string_view known_event_kinds[] = {"long_schedule", "long_message_queue", "large_memory", "restart_limit_near"};

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void number(std::string& out, double v) {
    if (!std::isfinite(v)) v = 0; // the format allows NaN, but no figure of ours means it
    std::array<char, 64> buf{};
    auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    out.append(buf.data(), r.ptr);
}

void number(std::string& out, std::uint64_t v) { out.append(std::to_string(v)); }

// A label value as the format quotes it: backslash, double quote and
// newline escaped.
void label_value(std::string& out, std::string_view v) {
    for (char c : v) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
}

template <class T>
void sample(std::string& out, std::string_view name, T value) {
    out.append(name).append(" ");
    number(out, value);
    out += '\n';
}

template <class T>
void labelled(std::string& out, std::string_view name, std::string_view label, std::string_view value_of_label, T value) {
    out.append(name).append("{").append(label).append("=\"");
    label_value(out, value_of_label);
    out.append("\"} ");
    number(out, value);
    out += '\n';
}

template <class T>
void single(std::string& out, std::string_view name, std::string_view type, std::string_view help, T value) {
    family(out, name, type, help);
    sample(out, name, value);
}

} // namespace

std::string render_metrics(const protocol::system_info& s, const std::vector<protocol::scheduler_row>& schedulers,
                           const std::map<std::string, std::uint64_t>& events) {
    std::string out;
    out.reserve(2048 + schedulers.size() * 128);

    family(out, "ember_scheduler_utilization", "gauge", "Share of time the scheduler ran processes over the last sample window (0 to 1).");
    for (const auto& row : schedulers) labelled(out, "ember_scheduler_utilization", "scheduler", std::to_string(row.id), row.utilization);
    family(out, "ember_scheduler_run_queue", "gauge", "Processes waiting to run on the scheduler.");
    for (const auto& row : schedulers) labelled(out, "ember_scheduler_run_queue", "scheduler", std::to_string(row.id), row.run_queue);

    single(out, "ember_processes", "gauge", "Processes alive.", s.process_count);
    single(out, "ember_process_limit", "gauge", "Most processes alive at once.", s.process_limit);
    single(out, "ember_memory_bytes", "gauge", "Bytes of process memory (frames and queued messages).", s.memory);
    single(out, "ember_reductions_total", "counter", "Reductions done since the node started.", s.reductions);
    single(out, "ember_messages_total", "counter", "Messages sent since the node started.", s.messages);
    single(out, "ember_supervisor_restarts_total", "counter", "Children restarted by supervisors since the node started.", s.supervisor_restarts);

    family(out, "ember_events_total", "counter", "Runtime events by kind since the node's query engine started.");
    auto by_kind = events;
    for (std::string_view kind : known_event_kinds) by_kind.try_emplace(std::string(kind), 0);
    for (const auto& entry : by_kind) labelled(out, "ember_events_total", "kind", entry.first, entry.second);

    single(out, "ember_dirty_threads", "gauge", "Threads of the dirty pool.", s.dirty_threads);
    single(out, "ember_dirty_running", "gauge", "Dirty jobs running now.", s.dirty_running);
    single(out, "ember_dirty_queued", "gauge", "Dirty jobs waiting for a thread.", s.dirty_queued);
    single(out, "ember_dirty_completed_total", "counter", "Dirty jobs completed since the node started.", s.dirty_completed);
    single(out, "ember_runaway_threads", "gauge", "Threads left to runaway processes (each runs at idle priority).", s.runaway_threads);
    single(out, "ember_atoms", "gauge", "Atoms in the atom table.", s.atom_count);
    single(out, "ember_uptime_seconds", "gauge", "Seconds since the node started.", static_cast<double>(s.uptime_ms) / 1000.0);
    return out;
}

} // namespace ember::agent::detail
