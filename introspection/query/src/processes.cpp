// A page of the process table: one lock-free scan into a bounded heap of
// offset+limit keys (never a row per process), then the winners' rows. Also
// the per-process rate windows the sampler keeps while someone sorts by a
// rate.

#include <algorithm>
#include <cmath>
#include <queue>

#include "engine_state.hpp"

namespace ember::query {

namespace {

/// The most keys one page may hold (offset + limit): past it the answer is
/// cut (size_budget) rather than growing with the request.
constexpr std::size_t max_heap_keys = 110'000;
/// The shortest window rates are computed over.
constexpr std::uint64_t min_window_ms = 10;
/// How long a rate query keeps the per-process windows alive.
constexpr std::uint64_t rates_keep_ms = 60'000;

/// A process_window whose first window has not ended.
constexpr float no_window_yet = -1.0f;

struct ranked {
    double key;
    std::uint32_t index;
    std::uint32_t serial;
};
// Larger key first; on a tie the lower index (older slot) first, so pages
// are stable.
struct ranks_before {
    bool operator()(const ranked& a, const ranked& b) const { return a.key != b.key ? a.key > b.key : a.index < b.index; }
};

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

bool matches(const process_stats& p, std::string_view filter) {
    if (filter.empty()) return true;
    if (p.registered_name != atoms::undefined && contains(p.registered_name.name(), filter)) return true;
    return contains(p.initial_call, filter) || contains(p.current, filter) || contains(process_status_name(p.status), filter);
}

// A process's rates: its window when one is complete for it, else its
// lifetime averages.
struct rates {
    double reductions = 0;
    double messages = 0;
    double latency_us = 0;
};

rates lifetime_rates(const process_stats& p, std::uint64_t uptime_ms) {
    rates r;
    const double age_s = std::max(1e-3, static_cast<double>(uptime_ms - std::min(uptime_ms, p.started_us / 1000)) / 1000.0);
    r.reductions = static_cast<double>(p.reductions) / age_s;
    r.messages = static_cast<double>(p.messages_in) / age_s;
    r.latency_us = p.latency_samples ? static_cast<double>(p.runnable_wait_us) / static_cast<double>(p.latency_samples) : 0.0;
    return r;
}

rates rates_of(const process_stats& p, const std::vector<process_window>& windows, bool have_window, std::uint64_t uptime_ms) {
    if (have_window && p.id.id < windows.size() && windows[p.id.id].serial == p.id.serial && windows[p.id.id].reduction_rate != no_window_yet) {
        const process_window& w = windows[p.id.id];
        return {w.reduction_rate, w.message_rate, w.latency_us};
    }
    return lifetime_rates(p, uptime_ms);
}

double key_of(const process_stats& p, protocol::process_sort sort, const rates& r) {
    using protocol::process_sort;
    switch (sort) {
    case process_sort::reductions: return static_cast<double>(p.reductions);
    case process_sort::reduction_rate: return r.reductions;
    case process_sort::memory: return static_cast<double>(p.memory_bytes);
    case process_sort::message_queue_len: return static_cast<double>(p.mailbox_length);
    case process_sort::message_rate: return r.messages;
    case process_sort::run_time: return static_cast<double>(p.run_time_us);
    case process_sort::age: return -static_cast<double>(p.started_us); // spawned first, first
    }
    return 0;
}

bool is_rate(protocol::process_sort sort) {
    return sort == protocol::process_sort::reduction_rate || sort == protocol::process_sort::message_rate;
}

} // namespace

std::uint64_t node_uptime_ms(engine::state& s) {
    {
        std::lock_guard lock(s.mutex);
        if (s.samples) return static_cast<std::uint64_t>(static_cast<std::int64_t>(now_ms()) + s.uptime_offset_ms);
    }
    return s.target.system_counts().uptime_ms; // no sample yet
}

protocol::process_row row_of(const process_stats& p, double reduction_rate, double message_rate, double latency_us, std::uint64_t uptime_ms) {
    protocol::process_row row;
    row.pid = p.id;
    row.registered_name = p.registered_name;
    row.initial_call = std::string(p.initial_call);
    row.current_function = std::string(p.current);
    row.status = atom(process_status_name(p.status));
    row.reductions = p.reductions;
    row.reduction_rate = reduction_rate;
    row.memory = p.memory_bytes;
    row.message_queue_len = p.mailbox_length;
    row.message_rate = message_rate;
    row.run_time_us = p.run_time_us;
    row.age_ms = uptime_ms - std::min(uptime_ms, p.started_us / 1000);
    row.oldest_message_age_ms = p.oldest_message_age_ms;
    row.scheduling_latency_us = static_cast<std::uint64_t>(std::llround(latency_us));
    return row;
}

protocol::processes_page engine::processes(const protocol::processes_options& o) {
    state& s = *state_;
    const std::uint64_t start = now_ms();
    if (is_rate(o.sort)) s.rates_wanted_until_ms.store(start + rates_keep_ms, std::memory_order_relaxed);
    const std::uint64_t uptime = node_uptime_ms(s);

    protocol::processes_page page;
    const std::size_t wanted = o.offset + o.limit;
    const std::size_t keep = std::min(wanted, max_heap_keys);
    bool size_cut = wanted > keep;

    std::shared_lock windows_lock(s.windows_mutex);
    const bool have_window = s.window_ms != 0;
    page.window_ms = have_window ? s.window_ms : 0;

    // The smallest kept key on top, so a better one replaces it.
    std::priority_queue<ranked, std::vector<ranked>, ranks_before> heap;
    const visit_result visit = s.target.visit_processes(
        [&](const process_stats& p) {
            ++page.scanned;
            if (!matches(p, o.filter)) return;
            ++page.matched;
            // Rates cost a division or two a process: only for a rate sort.
            const ranked r{key_of(p, o.sort, is_rate(o.sort) ? rates_of(p, s.windows, have_window, uptime) : rates{}), p.id.id, p.id.serial};
            if (heap.size() < keep) {
                heap.push(r);
            } else if (ranks_before{}(r, heap.top())) {
                heap.pop();
                heap.push(r);
            }
        },
        visit_options{.max_time = s.options.time_budget});

    std::vector<ranked> winners;
    winners.reserve(heap.size());
    while (!heap.empty()) {
        winners.push_back(heap.top());
        heap.pop();
    }
    std::reverse(winners.begin(), winners.end()); // best first
    for (std::size_t i = o.offset; i < winners.size() && page.rows.size() < o.limit; ++i) {
        const ranked& w = winners[i];
        // Read again for the row: a process that died since is left out.
        s.target.visit_processes(
            [&](const process_stats& p) {
                if (p.id.serial != w.serial) return visit_next::stop;
                const rates r = rates_of(p, s.windows, have_window, uptime);
                page.rows.push_back(row_of(p, r.reductions, r.messages, r.latency_us, uptime));
                return visit_next::stop;
            },
            visit_options{.from = w.index, .max_blocks = 1});
    }
    page.cut = !visit.complete && !visit.stopped ? atom("time_budget") : size_cut ? atom("size_budget") : atom("complete");
    return page;
}

window_pass::window_pass(engine::state& s, std::uint64_t now) : s_(s), now_(now) {
    if (s.rates_wanted_until_ms.load(std::memory_order_relaxed) < now) {
        // Nobody sorts by a rate: give the memory back.
        std::vector<process_window>().swap(s.windows);
        s.window_ms = s.windows_at_ms = 0;
        return;
    }
    length_ = s.windows_at_ms ? now - s.windows_at_ms : 0;
    // Samples closer than this (sample() called by hand) would give rates
    // of noise: the last window stands.
    active_ = !s.windows_at_ms || length_ >= min_window_ms;
    seconds_ = static_cast<double>(length_) / 1000.0;
}

void window_pass::look_at(const process_stats& p) {
    if (!active_) return;
    auto& windows = s_.windows;
    if (p.id.id >= windows.size()) windows.resize(std::max<std::size_t>(p.id.id + 1, windows.size() * 2));
    process_window& w = windows[p.id.id];
    const auto runs = static_cast<std::uint32_t>(p.latency_samples), reductions = static_cast<std::uint32_t>(p.reductions),
               messages = static_cast<std::uint32_t>(p.messages_in), wait = static_cast<std::uint32_t>(p.runnable_wait_us);
    if (w.serial == p.id.serial && seconds_ > 0) {
        // Differences of the low 32 bits: right across a wrap.
        w.reduction_rate = static_cast<float>(static_cast<std::uint32_t>(reductions - w.reductions) / seconds_);
        w.message_rate = static_cast<float>(static_cast<std::uint32_t>(messages - w.messages_in) / seconds_);
        const std::uint32_t new_runs = runs - w.runs;
        w.latency_us = new_runs ? static_cast<float>(static_cast<std::uint32_t>(wait - w.wait_us)) / static_cast<float>(new_runs) : 0.0f;
    } else {
        // New in this slot: its first window starts now (lifetime rates until then).
        w = process_window{};
        w.serial = p.id.serial;
        w.reduction_rate = no_window_yet;
    }
    w.runs = runs;
    w.reductions = reductions;
    w.messages_in = messages;
    w.wait_us = wait;
}

void window_pass::finish() {
    if (!active_) return;
    s_.window_ms = length_;
    s_.windows_at_ms = now_;
}

} // namespace ember::query
