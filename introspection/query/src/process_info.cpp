// One process in full: its counters and relations (lock-free reads and the
// relation lock), a bounded peek at its mailbox (answered by the process
// itself, so its queue is never read by another thread), its state through
// sys:get_state for a behaviour, and its children when it is a supervisor.
// Every wait is bounded by options().state_timeout.

#include <charconv>

#include "ember/runtime/block_on.hpp"
#include "ember/runtime/sys.hpp"
#include "engine_state.hpp"

namespace ember::query {

namespace {

// "<0.42.0>" -> the local pid with that index and serial.
std::optional<pid> parse_pid_text(std::string_view text) {
    if (text.size() < 7 || text.front() != '<' || text.back() != '>') return std::nullopt;
    std::uint32_t parts[3];
    const char* at = text.data() + 1;
    const char* end = text.data() + text.size() - 1;
    for (int i = 0; i < 3; ++i) {
        auto [next, ec] = std::from_chars(at, end, parts[i]);
        if (ec != std::errc() || (i < 2 && (next == end || *next != '.')) || (i == 2 && next != end)) return std::nullopt;
        at = next + 1;
    }
    if (parts[0] != 0) return std::nullopt; // another node's pid: there is no distribution
    const node_identity local = local_node();
    return pid{local.name, parts[1], parts[2], local.creation};
}

} // namespace

// Lists in one answer hold at most this many: a process with a million
// links, or a simple_one_for_one supervisor with a million children, must
// not make a reply of a hundred megabytes.
constexpr std::size_t max_list = 1000;

template <class T>
bool cut_to(std::vector<T>& v) {
    if (v.size() <= max_list) return false;
    v.resize(max_list);
    return true;
}

protocol::supervisor_row supervisor_row_of(const supervisor_stats& s, std::size_t print_limit) {
    protocol::supervisor_row row;
    row.pid = s.id;
    row.strategy = s.strategy;
    row.intensity = s.intensity;
    row.period_ms = s.period_ms;
    row.restarts_total = s.restarts_total;
    row.children_count = s.children.size();
    for (std::size_t i = 0; i < s.children.size() && i < max_list; ++i) {
        const child_stats& c = s.children[i];
        row.children.push_back({c.id, c.process, c.type, c.restart});
    }
    for (const restart_record& r : s.restarts) row.restarts.push_back({r.at_ms, r.child, r.old_process, print_bounded(r.reason, print_limit)});
    return row;
}



expected<pid, protocol::error_reason> engine::resolve(const term& who) const {
    node& n = state_->target;
    auto alive = [&](const pid& p) -> expected<pid, protocol::error_reason> {
        if (!n.is_alive(p)) return unexpected(no_process(p));
        return p;
    };
    auto by_name = [&](std::string_view name) -> expected<pid, protocol::error_reason> {
        if (auto p = parse_pid_text(name)) return alive(*p);
        const auto a = atom::existing(name); // never make an atom from input
        if (auto p = a ? n.whereis(*a) : std::nullopt) return *p;
        return unexpected(protocol::make_reason("noproc", "no process named '" + std::string(name) + "'"));
    };
    if (who.is_pid()) return alive(who.as_pid());
    if (who.is_atom()) return by_name(who.as_atom().name());
    if (who.is_binary()) return by_name(who.text());
    return unexpected(protocol::make_reason("bad_request", "a process is a pid, a registered name or \"<0.N.S>\", not " +
                                                                 print_bounded(who, 80)));
}

expected<protocol::process_info_reply, protocol::error_reason> engine::process_info(const pid& p) {
    state& s = *state_;
    auto details = s.target.process_info(p);
    // Killed but not yet unwound is dead to the node (is_alive) and to us.
    if (!details || !s.target.is_alive(p)) return unexpected(no_process(p));
    const process_stats& st = details->stats;
    const std::uint64_t uptime = node_uptime_ms(s);

    protocol::process_info_reply out;
    const double age_s = std::max(1e-3, static_cast<double>(uptime - std::min(uptime, st.started_us / 1000)) / 1000.0);
    out.process = row_of(st, static_cast<double>(st.reductions) / age_s, static_cast<double>(st.messages_in) / age_s,
                         st.latency_samples ? static_cast<double>(st.runnable_wait_us) / static_cast<double>(st.latency_samples) : 0.0,
                         uptime);
    out.parent = st.parent;
    out.priority = atom(st.prio == priority::low ? "low" : st.prio == priority::high ? "high" : "normal");
    out.trap_exit = st.trap_exit;
    out.messages_in = st.messages_in;
    out.messages_out = st.messages_out;
    out.latency_samples = st.latency_samples;
    out.runnable_wait_us = st.runnable_wait_us;
    out.links = std::move(details->links);
    out.monitors = std::move(details->monitors);
    out.monitored_by = std::move(details->monitored_by);
    bool cut = cut_to(out.links);
    cut = cut_to(out.monitors) || cut;
    cut = cut_to(out.monitored_by) || cut;

    // The mailbox: at most mailbox_preview messages, each printed within the
    // print limit; a process that does not take in its mailbox in time (a
    // runaway) shows none, and state_error says why.
    std::string errors;
    if (st.mailbox_length > 0 && s.options.mailbox_preview > 0) {
        auto peek = s.target.peek_mailbox(p, s.options.mailbox_preview, s.options.state_timeout);
        if (peek) {
            for (const term& m : peek->first) out.messages.push_back(print_bounded(m, s.options.print_limit));
        } else {
            errors = "mailbox: " + peek.error().message();
        }
    }
    if (st.behaviour && st.status != process_status::zombie) {
        const auto timeout = s.options.state_timeout;
        auto answer = block_on(s.target, [p, timeout] { return sys::get_state(p, timeout); }, timeout + std::chrono::milliseconds(500));
        if (answer && *answer) out.state = print_bounded(**answer, s.options.print_limit);
        else {
            if (!errors.empty()) errors += "; ";
            errors += "state: " + (answer ? answer->error().message() : answer.error().message());
        }
    } else if (!st.behaviour) {
        if (!errors.empty()) errors += "; ";
        errors += "state: not a behaviour";
    }
    out.state_error = std::move(errors);
    if (auto sup = s.target.supervisor_info(p)) {
        out.supervisor = supervisor_row_of(*sup, s.options.print_limit);
        cut = cut || out.supervisor->children_count > out.supervisor->children.size();
    }
    out.cut = atom(cut ? "size_budget" : "complete");
    return out;
}

} // namespace ember::query
