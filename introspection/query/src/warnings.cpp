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

protocol::warning_row warning(const char* kind, const pid& p, std::uint64_t since_uptime, std::uint64_t for_ms, std::uint64_t value,
                              std::uint64_t limit, std::string message) {
    return {atom(kind), p, since_uptime, for_ms, value, limit, std::move(message)};
}

} // namespace

void engine::state::sample_warnings(std::uint64_t now) {
    const std::uint64_t growth_for = static_cast<std::uint64_t>(options.mailbox_growth_for.count());
    const std::uint64_t old_after = static_cast<std::uint64_t>(options.old_message_after.count());
    std::vector<protocol::warning_row> found;
    std::unordered_map<std::uint64_t, suspect> next;
    std::uint64_t uptime_now = 0;
    {
        std::lock_guard lock(mutex);
        uptime_now = static_cast<std::uint64_t>(static_cast<std::int64_t>(now) + uptime_offset_ms);
    }
    auto uptime_of = [&](std::uint64_t engine_ms) { return uptime_now - std::min(uptime_now, now - engine_ms); };

    std::unordered_map<std::uint64_t, suspect> before;
    {
        std::lock_guard lock(mutex);
        before.swap(suspects);
    }
    target.visit_processes([&](const process_stats& p) {
        const bool long_queue = p.mailbox_length >= options.mailbox_growth_min;
        const bool old = old_after && p.oldest_message_age_ms >= old_after;
        const bool zombie = p.status == process_status::zombie;
        if (!long_queue && !old && !zombie) return;
        const std::uint64_t key = process_key(p.id);
        suspect s;
        if (auto it = before.find(key); it != before.end()) s = it->second;
        if (long_queue) {
            if (s.last_len && p.mailbox_length > s.last_len) {
                if (!s.growing_since_ms) {
                    s.growing_since_ms = now;
                    s.growth_start_len = s.last_len;
                }
            } else if (p.mailbox_length <= s.last_len) {
                s.growing_since_ms = 0;
            }
            s.last_len = p.mailbox_length;
            if (s.growing_since_ms && now - s.growing_since_ms >= growth_for)
                found.push_back(warning("mailbox_growing", p.id, uptime_of(s.growing_since_ms), now - s.growing_since_ms, p.mailbox_length,
                                        s.growth_start_len,
                                        "mailbox grew from " + std::to_string(s.growth_start_len) + " to " +
                                            std::to_string(p.mailbox_length) + " messages over " + ms_text(now - s.growing_since_ms)));
        } else {
            s.growing_since_ms = 0;
            s.last_len = 0;
        }
        if (old) {
            // Two samples in a row: a stamp read mid-push can look old once.
            if (!s.old_samples++) s.old_since_ms = now;
            if (s.old_samples >= 2)
                found.push_back(warning("old_message", p.id, uptime_of(s.old_since_ms), now - s.old_since_ms, p.oldest_message_age_ms,
                                        old_after, "oldest message has waited " + ms_text(p.oldest_message_age_ms)));
        } else {
            s.old_samples = 0;
        }
        if (zombie) {
            if (!s.zombie_since_ms) s.zombie_since_ms = now;
            found.push_back(warning("zombie", p.id, uptime_of(s.zombie_since_ms), now - s.zombie_since_ms, 0, 0,
                                    "killed while running without a checkpoint; its code still runs on a low-priority thread"));
        }
        next.emplace(key, s);
    });

    // A process still running since a long_schedule event was raised for it.
    {
        std::lock_guard lock(events_mutex);
        for (const protocol::event_row& e : events) {
            if (e.kind.name() != "long_schedule") continue;
            auto info = target.process_info(e.pid);
            if (!info || info->stats.status != process_status::running) continue;
            if (std::any_of(found.begin(), found.end(), [&](const auto& w) { return w.pid == e.pid && w.kind.name() == "long_schedule"; }))
                continue;
            const std::uint64_t ran = e.value + (uptime_now - std::min(uptime_now, e.at_ms));
            found.push_back(warning("long_schedule", e.pid, e.at_ms, uptime_now - std::min(uptime_now, e.at_ms), ran, e.limit,
                                    "running without a checkpoint for " + ms_text(ran)));
        }
    }

    // Supervisors that one more crash in their period would end.
    std::uint64_t restarts_total = 0;
    for (const pid& sup : target.supervisors()) {
        auto st = target.supervisor_info(sup);
        if (!st) continue;
        restarts_total += st->restarts_total;
        const std::uint64_t from = uptime_now - std::min(uptime_now, st->period_ms);
        const auto recent = static_cast<std::uint64_t>(
            std::count_if(st->restarts.begin(), st->restarts.end(), [&](const restart_record& r) { return r.at_ms >= from; }));
        if (recent == 0 || recent + 1 < st->intensity) continue;
        const std::uint64_t first = std::find_if(st->restarts.begin(), st->restarts.end(), [&](const restart_record& r) {
                                        return r.at_ms >= from;
                                    })->at_ms;
        found.push_back(warning("restart_limit_near", sup, first, uptime_now - std::min(uptime_now, first), recent, st->intensity,
                                std::to_string(recent) + " restarts in " + ms_text(st->period_ms) + " of " + std::to_string(st->intensity) +
                                    " allowed"));
    }

    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.for_ms > b.for_ms; });
    if (found.size() > options.max_warnings) found.resize(options.max_warnings);
    std::lock_guard lock(mutex);
    suspects.swap(next);
    warnings.swap(found);
    supervisor_restarts = restarts_total;
}

std::vector<protocol::warning_row> engine::warnings() {
    std::lock_guard lock(state_->mutex);
    return state_->warnings;
}

} // namespace ember::query
