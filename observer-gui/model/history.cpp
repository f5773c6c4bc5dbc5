// history_store: rings per metric, merged by the node's clock.

#include "ember/observer/history.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ember::observer {

// [samples] -------------------------------------------------------------------

time_series::time_series(std::size_t capacity) : ring_(std::max<std::size_t>(capacity, 1)) {}

void time_series::push(sample s) {
    if (size_ < ring_.size()) {
        ring_[(head_ + size_) % ring_.size()] = s;
        ++size_;
        return;
    }
    ring_[head_] = s; // full: the oldest goes
    head_ = (head_ + 1) % ring_.size();
}

void time_series::clear() noexcept {
    head_ = 0;
    size_ = 0;
}

const sample& time_series::operator[](std::size_t i) const noexcept { return ring_[(head_ + i) % ring_.size()]; }

// [series names] ----------------------------------------------------------------

std::vector<std::string> history_series_names(std::size_t schedulers) {
    std::vector<std::string> names{"process_count", "memory", "reduction_rate", "message_rate", "events"};
    for (std::size_t i = 0; i < schedulers; ++i) names.push_back("utilization_" + std::to_string(i));
    for (std::size_t i = 0; i < schedulers; ++i) names.push_back("run_queue_" + std::to_string(i));
    return names;
}

// [store] -----------------------------------------------------------------------

namespace {

double seconds(std::uint64_t ms) { return static_cast<double>(ms) / 1000.0; }

} // namespace

history_store::history_store(std::size_t capacity) : capacity_(capacity) {}

void history_store::merge(const protocol::series& s) {
    if (s.values.empty()) return;
    const std::string name(s.name.name());
    auto it = series_.find(name);
    if (it == series_.end()) it = series_.emplace(name, entry{time_series(capacity_)}).first;
    entry& e = it->second;
    const std::uint64_t step = s.resolution_ms ? s.resolution_ms : 1000;
    const bool restarted = e.has_sample && e.after_reconnect && s.last_ms < e.last_ms;
    if (restarted) {
        e.samples.clear();
        e.has_sample = false;
    }
    e.after_reconnect = false;
    const std::size_t n = s.values.size();
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t back = static_cast<std::uint64_t>(n - 1 - i) * step;
        if (back > s.last_ms) continue; // before the node started: no such sample
        const std::uint64_t at = s.last_ms - back;
        // Kept already. The node stamps its ring from a clock that moves a
        // few tens of ms between pushes (its uptime is read anew each
        // sample), so "the same sample" is one within half a step.
        if (e.has_sample && at < e.last_ms + step / 2) continue;
        // Missing samples in between: break the line half-way.
        if (e.has_sample && at > e.last_ms + step + step / 2)
            e.samples.push({seconds(e.last_ms + (at - e.last_ms) / 2), std::numeric_limits<double>::quiet_NaN()});
        e.samples.push({seconds(at), s.values[i]});
        e.last_ms = at;
        e.has_sample = true;
        e.resolution_ms = step;
    }
    if (restarted) {
        latest_ = 0;
        for (const auto& [_, other] : series_)
            if (other.has_sample) latest_ = std::max(latest_, seconds(other.last_ms));
    } else if (e.has_sample) {
        latest_ = std::max(latest_, seconds(e.last_ms));
    }
}

void history_store::merge(std::span<const protocol::series> all) {
    for (const auto& s : all) merge(s);
}

bool history_store::merge_push(const term& value) {
    auto all = from_term<std::vector<protocol::series>>(value);
    if (!all) return false;
    merge(*all);
    return true;
}

void history_store::mark_gap() {
    for (auto& [_, e] : series_) e.after_reconnect = true;
}

void history_store::clear() {
    series_.clear();
    latest_ = 0;
}

const time_series* history_store::find(std::string_view name) const {
    auto it = series_.find(name);
    return it == series_.end() ? nullptr : &it->second.samples;
}

std::vector<std::string> history_store::names() const {
    std::vector<std::string> out;
    for (const auto& [name, _] : series_) out.push_back(name);
    return out;
}

std::size_t history_store::window(std::string_view name, std::chrono::milliseconds span, std::vector<sample>& out) const {
    out.clear();
    const time_series* s = find(name);
    if (!s) return 0;
    const double from = latest_ - static_cast<double>(span.count()) / 1000.0;
    // Samples are in time order: find the first inside, copy the rest.
    std::size_t lo = 0, hi = s->size();
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if ((*s)[mid].t < from) lo = mid + 1;
        else hi = mid;
    }
    for (std::size_t i = lo; i < s->size(); ++i) out.push_back((*s)[i]);
    return out.size();
}

} // namespace ember::observer
