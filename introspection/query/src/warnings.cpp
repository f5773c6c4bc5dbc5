// Warnings: lints over a live node, as tokio-console has for tasks. The
// sampler looks at every process once a sample (one lock-free scan) and
// keeps state only for the few that look wrong; each warning carries the
// pid and the evidence.

#include <algorithm>

#include "engine_state.hpp"

namespace ember::query {

namespace {

std::string ms_text(std::uint64_t ms) {
    return ms >= 10'000 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

} // namespace

warning_scan::warning_scan(engine::state& s, std::uint64_t now)
    : s_(s),
      now_(now),
      growth_for_(static_cast<std::uint64_t>(s.options.mailbox_growth_for.count())),
      old_after_(static_cast<std::uint64_t>(s.options.old_message_after.count())) {
    std::lock_guard lock(s.mutex);
    uptime_now_ = static_cast<std::uint64_t>(static_cast<std::int64_t>(now) + s.uptime_offset_ms);
    before_.swap(s.suspects);
}

protocol::warning_row warning_scan::warning(const char* kind, const pid& p, std::uint64_t since_engine_ms, std::uint64_t value,
                                            std::uint64_t limit, std::string message) const {
    const std::uint64_t held = now_ - std::min(now_, since_engine_ms);
    return {atom(kind), p, uptime_now_ - std::min(uptime_now_, held), held, value, limit, std::move(message)};
}

void warning_scan::look_at(const process_stats& p) {
    const bool long_queue = p.mailbox_length >= s_.options.mailbox_growth_min;
    const bool old = old_after_ && p.oldest_message_age_ms >= old_after_;
    const bool zombie = p.status == process_status::zombie;
    if (!long_queue && !old && !zombie) return; // the common case: no state kept
    const std::uint64_t key = process_key(p.id);
    suspect s;
    if (auto it = before_.find(key); it != before_.end()) s = it->second;
    if (long_queue) {
        if (s.last_len && p.mailbox_length > s.last_len) {
            if (!s.growing_since_ms) {
                s.growing_since_ms = now_;
                s.growth_start_len = s.last_len;
            }
        } else if (p.mailbox_length <= s.last_len) {
            s.growing_since_ms = 0;
        }
        s.last_len = p.mailbox_length;
        if (s.growing_since_ms && now_ - s.growing_since_ms >= growth_for_)
            found_.push_back(warning("mailbox_growing", p.id, s.growing_since_ms, p.mailbox_length, s.growth_start_len,
                                     "mailbox grew from " + std::to_string(s.growth_start_len) + " to " + std::to_string(p.mailbox_length) +
                                         " messages over " + ms_text(now_ - s.growing_since_ms)));
    } else {
        s.growing_since_ms = 0;
        s.last_len = 0;
    }
    if (old) {
        // Two samples in a row: a stamp read mid-push can look old once.
        if (!s.old_samples++) s.old_since_ms = now_;
        if (s.old_samples >= 2)
            found_.push_back(warning("old_message", p.id, s.old_since_ms, p.oldest_message_age_ms, old_after_,
                                     "oldest message has waited " + ms_text(p.oldest_message_age_ms)));
    } else {
        s.old_samples = 0;
    }
    if (zombie) {
        if (!s.zombie_since_ms) s.zombie_since_ms = now_;
        found_.push_back(warning("zombie", p.id, s.zombie_since_ms, 0, 0,
                                 "killed while running without a checkpoint; its code still runs on a low-priority thread"));
    }
    next_.emplace(key, s);
}

void warning_scan::finish() {
    node& target = s_.target;
    // A process still running since a long_schedule event was raised for it.
    {
        std::lock_guard lock(s_.events_mutex);
        for (const protocol::event_row& e : s_.events) {
            if (e.kind.name() != "long_schedule") continue;
            if (std::any_of(found_.begin(), found_.end(), [&](const auto& w) { return w.pid == e.pid && w.kind.name() == "long_schedule"; }))
                continue;
            auto info = target.process_info(e.pid);
            if (!info || info->stats.status != process_status::running) continue;
            const std::uint64_t since = now_ - std::min(now_, uptime_now_ - std::min(uptime_now_, e.at_ms));
            const std::uint64_t ran = e.value + (uptime_now_ - std::min(uptime_now_, e.at_ms));
            found_.push_back(warning("long_schedule", e.pid, since, ran, e.limit, "running without a checkpoint for " + ms_text(ran)));
        }
    }

    // Supervisors that one more crash in their period would end.
    std::uint64_t restarts_total = 0;
    for (const pid& sup : target.supervisors()) {
        auto st = target.supervisor_info(sup);
        if (!st) continue;
        restarts_total += st->restarts_total;
        const std::uint64_t from = uptime_now_ - std::min(uptime_now_, st->period_ms);
        auto recent_first = std::find_if(st->restarts.begin(), st->restarts.end(), [&](const restart_record& r) { return r.at_ms >= from; });
        const auto recent = static_cast<std::uint64_t>(std::distance(recent_first, st->restarts.end()));
        if (recent == 0 || recent + 1 < st->intensity) continue;
        const std::uint64_t since = now_ - std::min(now_, uptime_now_ - std::min(uptime_now_, recent_first->at_ms));
        found_.push_back(warning("restart_limit_near", sup, since, recent, st->intensity,
                                 std::to_string(recent) + " restarts in " + ms_text(st->period_ms) + " of " +
                                     std::to_string(st->intensity) + " allowed"));
    }

    std::sort(found_.begin(), found_.end(), [](const auto& a, const auto& b) { return a.for_ms > b.for_ms; });
    if (found_.size() > s_.options.max_warnings) found_.resize(s_.options.max_warnings);
    std::lock_guard lock(s_.mutex);
    s_.suspects.swap(next_);
    s_.warnings.swap(found_);
    s_.supervisor_restarts = restarts_total;
}

std::vector<protocol::warning_row> engine::warnings() {
    std::lock_guard lock(state_->mutex);
    return state_->warnings;
}

} // namespace ember::query
