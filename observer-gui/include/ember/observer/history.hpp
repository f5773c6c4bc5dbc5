#pragma once
// history_store: what the Load charts draw. One fixed-capacity ring of
// (time, value) samples per metric (process_count, memory, reduction_rate,
// message_rate, events, utilization_N and run_queue_N per scheduler),
// named as the agent names its history series.
//
//   history_store h;
//   h.merge(arrival.history);               // the node's last 10 minutes, at once
//   h.merge_push(push.value);               // a `history` subscription's push
//   h.mark_gap();                           // on a reconnect
//   h.window("utilization_0", 300s, points); // the last five minutes, for a chart
//
// Why merging by time: the agent's `history` push carries each whole ring
// (600 samples at 1 s), not the newest sample, and its `{history, Names}`
// reply on connect is the same shape. Keeping only the samples newer than
// the last one kept makes seeding, pushes, a push after a pause, and a
// reconnect one operation, and a sample is never stored twice.
//
// Times are the node's uptime in seconds (series::last_ms / 1000), so every
// series shares one axis. A gap (samples missing between the last one kept
// and the next one merged: a reconnect after a long outage, a paused view)
// is a sample whose value is NaN, which the chart draws as a break. A node that restarted (its clock went back
// across a reconnect) starts its series afresh.
//
// Thread-safety: a value owned by one thread (the UI's). Nothing throws but
// std::bad_alloc; a push that is not a list of series is ignored (false).
//
// Sections: [samples] [series names] [store]

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ember/observer/export.hpp"
#include "ember/protocol/replies.hpp"

namespace ember::observer {

// [samples] -------------------------------------------------------------------

/// One sample: `t` in seconds of node uptime, `v` in the metric's unit
/// (NaN: a gap, the line breaks here).
struct sample {
    double t = 0;
    double v = 0;
    friend bool operator==(const sample&, const sample&) = default;
};

/// A ring of at most `capacity` samples, oldest first; when full the
/// oldest goes. Fixed memory: allocated once.
class time_series {
public:
    EMBER_OBSERVER_EXPORT explicit time_series(std::size_t capacity);
    EMBER_OBSERVER_EXPORT void push(sample s);
    EMBER_OBSERVER_EXPORT void clear() noexcept;
    std::size_t size() const noexcept { return size_; }
    std::size_t capacity() const noexcept { return ring_.size(); }
    bool empty() const noexcept { return size_ == 0; }
    /// 0 is the oldest. `i` < size().
    EMBER_OBSERVER_EXPORT const sample& operator[](std::size_t i) const noexcept;
    const sample& back() const noexcept { return (*this)[size_ - 1]; }

private:
    std::vector<sample> ring_;
    std::size_t head_ = 0; // index of the oldest
    std::size_t size_ = 0;
};

// [series names] ----------------------------------------------------------------

/// Every series of a node with `schedulers` schedulers, as `{history,
/// Names}` takes them: the node-wide ones, then utilization_N and
/// run_queue_N. Any thread.
EMBER_OBSERVER_EXPORT std::vector<std::string> history_series_names(std::size_t schedulers);

// [store] -----------------------------------------------------------------------

class history_store {
public:
    /// Samples kept per series: one hour at 1 s.
    static constexpr std::size_t default_capacity = 3600;

    EMBER_OBSERVER_EXPORT explicit history_store(std::size_t capacity = default_capacity);

    /// Appends the samples of `s` newer than the last one kept for its name
    /// (all of them for a new name). Sample i of n was taken at
    /// last_ms - (n - 1 - i) * resolution_ms.
    EMBER_OBSERVER_EXPORT void merge(const protocol::series& s);
    EMBER_OBSERVER_EXPORT void merge(std::span<const protocol::series> all);
    /// A push of a `history` subscription (or a `{history, Names}` reply):
    /// a list of series. False when it is not one (nothing changes).
    EMBER_OBSERVER_EXPORT bool merge_push(const term& value);
    /// The connection was made again. Samples missing between the last one
    /// kept and the next merged show as a gap (as they always do; the
    /// node's ring often fills a short outage, and then there is none), and
    /// a series whose clock went back across this reconnect (the node
    /// restarted: its uptime began again) starts afresh; without a
    /// reconnect an older sample is only a stale push, and is ignored.
    EMBER_OBSERVER_EXPORT void mark_gap();
    EMBER_OBSERVER_EXPORT void clear();

    /// The series of that name, or nullptr.
    EMBER_OBSERVER_EXPORT const time_series* find(std::string_view name) const;
    /// Names held, sorted.
    EMBER_OBSERVER_EXPORT std::vector<std::string> names() const;
    /// The newest sample time of any series (seconds of node uptime), 0 when empty.
    double latest() const noexcept { return latest_; }

    /// Replaces `out` with the samples of `name` taken in the last `span`
    /// before latest(), oldest first (gaps included); returns how many.
    /// Empty for an unknown name. `out` keeps its capacity, so a chart that
    /// reuses it allocates nothing per frame.
    EMBER_OBSERVER_EXPORT std::size_t window(std::string_view name, std::chrono::milliseconds span, std::vector<sample>& out) const;

private:
    struct entry {
        time_series samples;
        std::uint64_t last_ms = 0;  // newest real sample kept (the node's clock)
        std::uint64_t resolution_ms = 0;
        bool has_sample = false;
        bool after_reconnect = false; // mark_gap() was called since the last merge
    };
    std::size_t capacity_;
    std::map<std::string, entry, std::less<>> series_;
    double latest_ = 0;
};

} // namespace ember::observer
