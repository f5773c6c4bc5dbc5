// The text of `processes` (ps) and `process_info` (info).
//
// ps keeps what an operator scans for at any width (pid, name, status,
// reductions, memory, queue); at narrow widths the current function
// shrinks, then the figures only this runtime has (scheduling latency,
// oldest message) and the rates and times are dropped, least needed first.

#include "ember/render/text.hpp"
#include "table.hpp"

namespace ember::render {
namespace {

using detail::column;

std::string name_of(atom a) { return a == atoms::undefined ? std::string() : std::string(a.name()); }

// The name an operator knows a process by: its registered name, else what
// it was spawned as.
std::string label_of(const protocol::process_row& r) {
    if (r.registered_name != atoms::undefined) return std::string(r.registered_name.name());
    return r.initial_call;
}

std::string or_dash(std::string s) { return s.empty() ? "-" : s; }

std::string pid_list(const std::vector<pid>& pids) {
    if (pids.empty()) return "-";
    std::string out;
    for (const pid& p : pids) out += (out.empty() ? "" : " ") + pid_text(p);
    return out;
}

std::string cut_name(atom cut) {
    if (cut == "time_budget"_atom) return "the scan stopped at its time budget: not every process was looked at";
    if (cut == "size_budget"_atom) return "a size limit cut the list";
    return "cut short: " + name_of(cut);
}

} // namespace

std::string text(const protocol::processes_page& page, const text_options& options) {
    detail::table t({
        column{"PID"},
        column{"NAME", false, true, 10},
        column{"STATUS"},
        column{"REDS", true},
        column{"REDS/S", true, false, 0, 5},
        column{"MEMORY", true},
        column{"MSGQ", true},
        column{"MSG/S", true, false, 0, 6},
        column{"OLDEST", true, false, 0, 3},
        column{"LATENCY", true, false, 0, 4},
        column{"RUNTIME", true, false, 0, 8},
        column{"AGE", true, false, 0, 7},
        column{"CURRENT", false, true, 8, 2},
    });
    for (const auto& r : page.rows) {
        t.add({pid_text(r.pid), or_dash(label_of(r)), or_dash(name_of(r.status)), count_text(r.reductions), rate_text(r.reduction_rate),
               bytes_text(r.memory), count_text(r.message_queue_len), rate_text(r.message_rate),
               r.message_queue_len ? ms_text(r.oldest_message_age_ms) : "-", us_text(r.scheduling_latency_us), us_text(r.run_time_us),
               ms_text(r.age_ms), or_dash(r.current_function)});
    }
    std::string out = t.render(options.width, options.colour);
    std::string summary = std::to_string(page.rows.size()) + (page.rows.size() == 1 ? " process" : " processes") + " shown of " +
                          std::to_string(page.matched) + " matched (" + std::to_string(page.scanned) + " scanned)";
    summary += page.window_ms ? "; rates over " + ms_text(page.window_ms) : "; rates since spawn";
    detail::append_line(out, summary, options.width);
    if (page.cut != "complete"_atom && page.cut != atoms::undefined) detail::append_line(out, "note: " + cut_name(page.cut), options.width);
    return out;
}

std::string text(const protocol::process_info_reply& info, const text_options& options) {
    const protocol::process_row& p = info.process;
    const std::size_t width = options.width;
    std::string out;
    detail::append_line(out, pid_text(p.pid) + (p.registered_name != atoms::undefined ? "  " + name_of(p.registered_name) : ""), width);

    detail::key_values kv;
    kv.add("status", or_dash(name_of(p.status)));
    kv.add("initial call", or_dash(p.initial_call));
    kv.add("current", or_dash(p.current_function));
    kv.add("parent", pid_text(info.parent));
    kv.add("priority", name_of(info.priority) + (info.trap_exit ? ", traps exits" : ""));
    kv.add("age", ms_text(p.age_ms));
    kv.add("reductions", count_text(p.reductions) + " (" + rate_text(p.reduction_rate) + "/s)");
    kv.add("memory", bytes_text(p.memory));
    kv.add("message queue",
           count_text(p.message_queue_len) + (p.message_queue_len ? ", oldest waited " + ms_text(p.oldest_message_age_ms) : std::string()));
    kv.add("messages", "in " + count_text(info.messages_in) + " (" + rate_text(p.message_rate) + "/s), out " + count_text(info.messages_out));
    kv.add("run time", us_text(p.run_time_us));
    kv.add("latency", us_text(p.scheduling_latency_us) + " a run (runnable " + us_text(info.runnable_wait_us) + " over " +
                          count_text(info.latency_samples) + " sampled runs)");
    kv.add("links", pid_list(info.links));
    kv.add("monitors", pid_list(info.monitors));
    kv.add("monitored by", pid_list(info.monitored_by));
    out += kv.render(width, "  ");

    if (!info.messages.empty() || p.message_queue_len) {
        detail::append_line(out,
                            "mailbox (" +
                                (info.messages.size() < p.message_queue_len
                                     ? "first " + std::to_string(info.messages.size()) + " of " + std::to_string(p.message_queue_len)
                                     : std::to_string(info.messages.size())) +
                                "):",
                            width);
        for (const auto& m : info.messages) detail::append_line(out, "  " + m, width);
    }
    if (info.state) {
        detail::append_line(out, "state:", width);
        detail::append_line(out, "  " + *info.state, width);
    } else if (!info.state_error.empty()) {
        detail::append_line(out, "state: not read (" + info.state_error + ")", width);
    }
    if (info.supervisor) {
        const protocol::supervisor_row& s = *info.supervisor;
        detail::append_line(out,
                            "supervisor: " + name_of(s.strategy) + ", at most " + std::to_string(s.intensity) + " restarts in " +
                                ms_text(s.period_ms) + ", " + std::to_string(s.restarts_total) + " restarts so far",
                            width);
        detail::table children({column{"  ID", false, true, 6}, column{"PID"}, column{"TYPE"}, column{"RESTART"}});
        for (const auto& c : s.children) children.add({"  " + name_of(c.id), c.pid ? pid_text(*c.pid) : "-", name_of(c.type), name_of(c.restart)});
        if (!children.empty()) out += children.render(width, options.colour);
        if (s.children_count > s.children.size())
            detail::append_line(out, "  (" + std::to_string(s.children.size()) + " of " + count_text(s.children_count) + " children shown)", width);
        if (!s.restarts.empty()) {
            detail::append_line(out, "restarts (newest last):", width);
            out += detail::restarts_table(s.restarts, width, options.colour);
        }
    }
    if (info.cut != "complete"_atom && info.cut != atoms::undefined)
        detail::append_line(
            out, "note: " + (info.cut == "size_budget"_atom ? std::string("a list held more than the node sends and was cut") : cut_name(info.cut)),
            width);
    return out;
}

namespace detail {

std::string restarts_table(std::span<const protocol::restart_row> restarts, std::size_t width, bool colour) {
    // On a narrow terminal the old pid goes first, then the names shrink.
    table t({column{"  AT", true}, column{"CHILD", false, true, 6}, column{"OLD PID", false, false, 8, 1}, column{"REASON", false, true, 6}});
    for (const auto& r : restarts) t.add({"  " + ms_text(r.at_ms), name_of(r.child), pid_text(r.old_pid), r.reason});
    return t.render(width, colour);
}

} // namespace detail

} // namespace ember::render
