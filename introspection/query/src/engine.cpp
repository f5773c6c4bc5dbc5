// The engine's life: its state, the sampler thread, and the small helpers
// every query file shares (time, printing, error reasons).

#include <chrono>

#include "engine_state.hpp"

namespace ember::query {

std::uint64_t now_ms() noexcept {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

std::string print_bounded(const term& t, std::size_t limit) {
    // Depth bounds the work on a deep term; max_chars bounds the text.
    return to_string(t, print_options{.max_depth = 64, .max_chars = limit});
}

protocol::error_reason no_process(const pid& p) { return protocol::make_reason("noproc", "no process " + to_string(ember::to_term(p))); }

protocol::error_reason reason_of(const call_error& e) {
    switch (e.code) {
    case call_errc::noproc: return protocol::make_reason("noproc", e.message());
    case call_errc::timeout: return protocol::make_reason("timeout", e.message());
    case call_errc::exited: return protocol::make_reason("exited", e.message());
    case call_errc::refused: return protocol::make_reason("refused", e.message());
    case call_errc::calling_self: return protocol::make_reason("calling_self", e.message());
    }
    return protocol::make_reason("refused", e.message());
}

engine::engine(node& target, engine_options options) : state_(std::make_unique<state>(target, options)) {
    protocol::intern_atoms();
    if (!options.sampler_thread) return;
    state_->sampler = std::thread([s = state_.get()] {
        std::unique_lock lock(s->sampler_mutex);
        while (!s->stopping) {
            lock.unlock();
            s->sample();
            lock.lock();
            // A period, not a wait for an event: the sampler's job is to
            // look once per interval.
            s->sampler_wake.wait_for(lock, s->options.sample_interval, [s] { return s->stopping; });
        }
    });
}

engine::~engine() {
    {
        std::lock_guard lock(state_->sampler_mutex);
        state_->stopping = true;
    }
    state_->sampler_wake.notify_all();
    if (state_->sampler.joinable()) state_->sampler.join();
}

node& engine::target() const noexcept { return state_->target; }

const engine_options& engine::options() const noexcept { return state_->options; }

void engine::sample() { state_->sample(); }

// One scan of the process table a sample, whatever the node's size: it
// sums memory, looks for warnings and, while someone sorts by a rate,
// updates the per-process windows.
void engine::state::sample() {
    const std::uint64_t now = now_ms();
    const std::uint64_t new_events = sync_events();
    const std::vector<scheduler_stats> schedulers = target.schedulers();
    system_stats system = target.system_counts();
    std::size_t memory = 0;
    node_totals totals;
    for (const scheduler_stats& s : schedulers) {
        totals.reductions += s.exited_reductions;
        totals.messages += s.exited_messages_sent;
    }
    warning_scan warnings_seen(*this, now);
    std::unique_lock windows_lock(windows_mutex);
    window_pass windows_seen(*this, now);
    target.visit_processes([&](const process_stats& p) {
        memory += p.memory_bytes;
        totals.reductions += p.reductions;
        totals.messages += p.messages_out;
        warnings_seen.look_at(p);
        windows_seen.look_at(p);
    });
    windows_seen.finish();
    windows_lock.unlock();
    system.process_memory_bytes = memory;
    sample_history(now, schedulers, system, totals, new_events);
    warnings_seen.finish();
}

} // namespace ember::query
