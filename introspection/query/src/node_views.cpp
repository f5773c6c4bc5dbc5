// The node as a whole: schedulers, system figures, applications with their
// supervision trees, and the events the runtime raised, numbered so that a
// subscriber asks only for the new ones.

#include "engine_state.hpp"

namespace ember::query {

namespace {

constexpr std::size_t max_events_kept = 1024;
/// Supervision trees deeper than this are cut (a tree is data from the
/// node: bounded like any other answer).
constexpr int max_tree_depth = 32;
/// And the supervisors of all trees in one answer.
constexpr std::size_t max_tree_supervisors = 10'000;

bool same_event(const protocol::event_row& a, const runtime_event& b) {
    return a.at_ms == b.at_ms && a.pid == b.id && a.value == b.value && a.limit == b.limit && a.kind.name() == event_kind_name(b.kind);
}

std::optional<protocol::tree_node> tree_of(node& n, const pid& supervisor, std::size_t print_limit, int depth, std::size_t& budget) {
    if (budget == 0) return std::nullopt;
    auto stats = n.supervisor_info(supervisor);
    if (!stats) return std::nullopt;
    --budget;
    protocol::tree_node out;
    out.supervisor = supervisor_row_of(*stats, print_limit);
    if (depth >= max_tree_depth) return out;
    for (const child_stats& c : stats->children)
        if (c.process && c.type == atom("supervisor"))
            if (auto sub = tree_of(n, *c.process, print_limit, depth + 1, budget)) out.subtrees.push_back(std::move(*sub));
    return out;
}

} // namespace

std::uint64_t engine::state::sync_events() {
    const std::vector<runtime_event> now = target.events(); // oldest first, at most 1024
    std::lock_guard lock(events_mutex);
    // The node's list is a window that slides: find where our newest event
    // sits in it, and take what follows.
    std::size_t first_new = 0;
    if (!events.empty()) {
        const protocol::event_row& newest = events.back();
        for (std::size_t i = now.size(); i-- > 0;) {
            if (same_event(newest, now[i])) {
                first_new = i + 1;
                break;
            }
        }
    }
    std::uint64_t added = 0;
    for (std::size_t i = first_new; i < now.size(); ++i) {
        const runtime_event& e = now[i];
        const std::string_view kind = event_kind_name(e.kind);
        events.push_back({next_event_seq++, atom(kind), e.id, e.scheduler, e.at_ms, e.value, e.limit});
        ++events_by_kind[std::string(kind)];
        ++added;
        if (events.size() > max_events_kept) events.pop_front();
    }
    return added;
}

std::vector<protocol::event_row> engine::events(std::uint64_t after) {
    state_->sync_events();
    std::lock_guard lock(state_->events_mutex);
    std::vector<protocol::event_row> out;
    for (const auto& e : state_->events)
        if (e.seq > after) out.push_back(e);
    return out;
}

std::map<std::string, std::uint64_t> engine::event_counts() {
    state_->sync_events();
    std::lock_guard lock(state_->events_mutex);
    return state_->events_by_kind;
}

std::vector<protocol::scheduler_row> engine::schedulers() {
    const std::vector<scheduler_stats> now = state_->target.schedulers();
    std::vector<protocol::scheduler_row> out;
    std::lock_guard lock(state_->mutex);
    for (std::size_t i = 0; i < now.size(); ++i) {
        const scheduler_stats& s = now[i];
        protocol::scheduler_row row;
        row.id = s.id;
        // The last sample's window; the lifetime figure before the first.
        if (i < state_->utilization.size() && state_->samples > 1) row.utilization = state_->utilization[i];
        else row.utilization = s.busy_ns + s.idle_ns ? static_cast<double>(s.busy_ns) / static_cast<double>(s.busy_ns + s.idle_ns) : 0.0;
        row.run_queue = s.run_queue_length;
        row.processes_run = s.processes_run;
        row.context_switches = s.context_switches;
        row.steals = s.steals;
        row.parks = s.parks;
        out.push_back(row);
    }
    return out;
}

protocol::system_info engine::system() {
    state& s = *state_;
    system_stats st;
    protocol::system_info out;
    {
        std::lock_guard lock(s.mutex);
        if (s.last_system) {
            // The last sample's figures (memory needs a scan of every
            // process: once a second, not once a query), with what is
            // cheap to read fresh read fresh below.
            st = *s.last_system;
            out.reductions = s.last_totals.reductions;
            out.messages = s.last_totals.messages;
            out.reduction_rate = s.reduction_rate;
            out.message_rate = s.message_rate;
            out.supervisor_restarts = s.supervisor_restarts;
        }
    }
    if (st.schedulers == 0) st = s.target.system(); // before the first sample
    const std::uint64_t uptime = node_uptime_ms(s);
    out.node = local_node().name;
    out.process_count = s.target.process_count();
    out.process_limit = st.process_limit;
    out.schedulers = st.schedulers;
    out.memory = st.process_memory_bytes;
    out.uptime_ms = std::max<std::uint64_t>(uptime, st.uptime_ms);
    out.atom_count = st.atom_count;
    out.runaway_threads = st.runaway_threads;
    out.dirty_threads = st.dirty_threads;
    out.dirty_running = st.dirty_running;
    out.dirty_queued = st.dirty_queued;
    out.dirty_completed = st.dirty_completed;
    return out;
}

std::vector<protocol::application_row> engine::applications() {
    std::vector<protocol::application_row> out;
    std::size_t budget = max_tree_supervisors;
    for (const application_stats& a : state_->target.applications()) {
        protocol::application_row row;
        row.name = a.name;
        row.running = a.running;
        if (!a.running) row.exit_reason = print_bounded(a.exit_reason, state_->options.print_limit);
        if (a.running) row.tree = tree_of(state_->target, a.supervisor, state_->options.print_limit, 0, budget);
        out.push_back(std::move(row));
    }
    return out;
}

} // namespace ember::query
