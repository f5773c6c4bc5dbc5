#pragma once
// What the engine keeps between queries: the sampler's figures (node-wide
// rates, per-scheduler utilization, history rings, warnings, events with
// their sequence numbers) and, while someone sorts by a rate, a per-process
// window. Shared by the engine's source files; one engine::state per engine.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ember/query/engine.hpp"

namespace ember::query {

/// Milliseconds of a monotonic clock (the engine's own time base).
std::uint64_t now_ms() noexcept;

/// Reductions and messages sent since the node started: the ended
/// processes' (counted by their schedulers) plus the live ones' (a scan).
struct node_totals {
    std::uint64_t reductions = 0;
    std::uint64_t messages = 0;
};

/// A fixed ring of samples, oldest overwritten first.
class ring {
public:
    explicit ring(std::size_t capacity = 0) : values_(capacity) {}
    void push(double v) {
        if (values_.empty()) return;
        values_[head_] = v;
        head_ = (head_ + 1) % values_.size();
        if (count_ < values_.size()) ++count_;
    }
    /// Oldest first.
    std::vector<double> values() const {
        std::vector<double> out;
        out.reserve(count_);
        for (std::size_t i = 0; i < count_; ++i) out.push_back(values_[(head_ + values_.size() - count_ + i) % values_.size()]);
        return out;
    }

private:
    std::vector<double> values_;
    std::size_t head_ = 0;
    std::size_t count_ = 0;
};

/// One named series at both resolutions; the minute ring takes the mean of
/// the second samples of each minute.
struct history_series {
    ring seconds{600};
    ring minutes{1440};
    double minute_sum = 0;
    std::size_t minute_count = 0;
    std::uint64_t last_second_ms = 0;
    std::uint64_t last_minute_ms = 0;
};

/// A process's counters at the last sample, kept while rates are wanted.
/// Low 32 bits of each counter: a window's difference fits.
struct process_window {
    std::uint32_t serial = 0;
    std::uint32_t runs = 0;
    std::uint32_t reductions = 0;
    std::uint32_t messages_in = 0;
    std::uint32_t wait_us = 0;
    float reduction_rate = 0;
    float message_rate = 0;
    float latency_us = 0;
};

/// What the sampler knows about one process that looks wrong.
struct suspect {
    std::uint64_t growing_since_ms = 0;  // 0: not growing
    std::uint64_t growth_start_len = 0;
    std::uint64_t last_len = 0;
    std::uint64_t old_since_ms = 0;      // oldest message past the threshold since
    unsigned old_samples = 0;            // consecutive samples it held
    std::uint64_t zombie_since_ms = 0;
    std::uint64_t seen_at = 0;           // sample number it was last seen in
};

struct engine::state {
    state(node& n, engine_options o) : target(n), options(o) {}

    node& target;
    const engine_options options;
    const std::uint64_t started_ms = now_ms();

    // --- sampler figures (guarded by `mutex`) ---
    mutable std::mutex mutex;
    std::uint64_t samples = 0;
    std::uint64_t last_sample_ms = 0;
    std::int64_t uptime_offset_ms = 0; // node uptime = engine time + this
    // Node totals at the last sample, for rates, and per-scheduler busy and
    // idle times for utilization.
    std::vector<scheduler_stats> last_schedulers;
    node_totals last_totals;
    double reduction_rate = 0;
    double message_rate = 0;
    std::vector<double> utilization;
    std::optional<system_stats> last_system;
    std::map<std::string, history_series> history;
    std::unordered_map<std::uint64_t, suspect> suspects; // key: index << 32 | serial
    std::vector<protocol::warning_row> warnings;
    std::uint64_t supervisor_restarts = 0;

    // --- events with sequence numbers (guarded by `events_mutex`) ---
    std::mutex events_mutex;
    std::deque<protocol::event_row> events;   // at most 1024, oldest first
    std::uint64_t next_event_seq = 1;
    std::uint64_t events_in_last_sample = 0;
    std::map<std::string, std::uint64_t> events_by_kind;

    // --- per-process windows (shared: read by queries, written by the sampler) ---
    std::shared_mutex windows_mutex;
    std::vector<process_window> windows;      // by pid index
    std::uint64_t windows_at_ms = 0;          // when the last window ended
    std::uint64_t window_ms = 0;              // its length; 0 while none is complete
    std::atomic<std::uint64_t> rates_wanted_until_ms{0};

    // --- the sampler thread ---
    std::mutex sampler_mutex;
    std::condition_variable sampler_wake;
    bool stopping = false;
    std::thread sampler;

    /// Takes in the node's new events, numbering them. Returns how many.
    std::uint64_t sync_events();
    /// One pass of the sampler (engine::sample).
    void sample();
    void sample_history(std::uint64_t now, const std::vector<scheduler_stats>& schedulers, const system_stats& system,
                        const node_totals& totals, std::uint64_t new_events);
    void record(const std::string& name, double value, std::uint64_t now);
};

/// The sampler's per-process work for the rate windows (processes.cpp):
/// made with windows_mutex held, shown every process, then finished.
class window_pass {
public:
    window_pass(engine::state& s, std::uint64_t now);
    void look_at(const process_stats& p);
    void finish();

private:
    engine::state& s_;
    const std::uint64_t now_;
    bool active_ = false;
    std::uint64_t length_ = 0;
    double seconds_ = 0;
};

/// The sampler's per-process work for the warnings (warnings.cpp).
class warning_scan {
public:
    warning_scan(engine::state& s, std::uint64_t now);
    void look_at(const process_stats& p);
    /// Adds the node-wide warnings (long_schedule, restart_limit_near) and
    /// publishes the lot.
    void finish();

private:
    protocol::warning_row warning(const char* kind, const pid& p, std::uint64_t since_engine_ms, std::uint64_t value,
                                  std::uint64_t limit, std::string message) const;
    engine::state& s_;
    const std::uint64_t now_;
    const std::uint64_t growth_for_;
    const std::uint64_t old_after_;
    std::uint64_t uptime_now_ = 0;
    std::unordered_map<std::uint64_t, suspect> before_, next_;
    std::vector<protocol::warning_row> found_;
};

/// The error_reason for a runtime call_error.
protocol::error_reason reason_of(const call_error& e);
/// `{noproc, "no process <0.4.0>"}`.
protocol::error_reason no_process(const pid& p);
/// Prints `t` within the engine's print limit.
std::string print_bounded(const term& t, std::size_t limit);
/// The node's uptime now (from the last sample's offset; one scan before
/// the first sample).
std::uint64_t node_uptime_ms(engine::state& s);
/// The row of `p` with the given rates.
protocol::process_row row_of(const process_stats& p, double reduction_rate, double message_rate, double latency_us, std::uint64_t uptime_ms);
/// A supervisor as the replies show it.
protocol::supervisor_row supervisor_row_of(const supervisor_stats& s, std::size_t print_limit);
/// Key of a process in the engine's tables.
inline std::uint64_t process_key(const pid& p) { return std::uint64_t{p.id} << 32 | p.serial; }

} // namespace ember::query
