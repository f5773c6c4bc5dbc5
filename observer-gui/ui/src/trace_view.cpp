// trace_view: the Trace tab. A bounded message trace of one process: the
// operator names a pid and two bounds, the node traces that process until
// it has sent max_messages rows (dropping, and counting, what comes faster
// than max_rate a second), and the rows scroll by here, newest at the
// bottom like a log.
//
// Tracing costs the traced process on every send and receive, so the node
// takes it only from an admin token: for any other, Start is greyed out and
// says why rather than failing after a round trip. The bounds are checked
// here as the node and ember-ctl check them, so what is asked is what is
// shown.
//
// Sections: [input] [rows] [view]

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "ember/observer_ui/views.hpp"
#include "ember/observer_ui/widgets.hpp"
#include "ember/render/text.hpp"
#include "ember/term/parse.hpp"

namespace ember::observer::ui {

namespace {

// ember-ctl's bound for --rate (commands/arguments.cpp): the protocol sets
// none, and one a second more than a million is no cap at all.
constexpr int max_rate_bound = 1'000'000;
constexpr int max_messages_bound = static_cast<int>(protocol::trace_options::max_max_messages);

// [input] ---------------------------------------------------------------------

struct pid_input {
    std::optional<pid> value;
    std::string error; ///< "" when empty or read
};

// The pid box: "<0.42.0>" as pids are printed everywhere, or "0.42.0"
// without the brackets. Read as an Erlang term, so the node numbers it
// accepts are those of pids this Observer has seen; no atom is made from
// what is typed.
pid_input read_pid(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    if (text.empty()) return {};
    std::string t(text);
    if (t.front() != '<') t = "<" + t + ">";
    auto parsed = ember::parse(t, {.existing_atoms_only = true});
    if (!parsed) return {std::nullopt, parsed.error().message};
    if (!parsed->is_pid()) return {std::nullopt, "not a pid: write it as <0.42.0>"};
    return {parsed->as_pid(), {}};
}

// Why Start cannot be pressed now, or "" when it can.
std::string_view start_blocked(const node_session& s, const pid_input& target) {
    if (!s.is_admin()) return "Tracing needs an admin token.";
    if (s.state() != connection_state::connected) return "Not connected.";
    if (!target.value) return "Type the pid of the process to trace.";
    return {};
}

// [rows] ----------------------------------------------------------------------

void draw_status(node_session& s, const trace_session& t) {
    if (t.starting) {
        ImGui::TextUnformatted("Starting the trace of");
    } else if (t.running) {
        ImGui::TextUnformatted("Tracing");
    } else {
        ImGui::Text("Ended (%s): trace of", t.ended.empty() ? "-" : t.ended.c_str());
    }
    ImGui::SameLine();
    if (pid_link(t.pid)) s.open_window(t.pid);
    ImGui::SameLine();
    std::string figures = render::count_text(t.rows.size()) + (t.rows.size() == 1 ? " message" : " messages");
    if (t.rows.size() >= trace_session::max_rows) figures += " (the latest " + render::count_text(trace_session::max_rows) + ")";
    figures += ", " + render::count_text(t.dropped) + " dropped by the rate cap";
    figures += "; at most " + render::count_text(t.options.max_messages) + " at " + render::count_text(t.options.max_rate) + "/s";
    dim_text(figures);
}

void draw_rows(node_session& s, const trace_session& t, bool follow, bool& scroll_to_end) {
    constexpr ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_Resizable;
    if (!ImGui::BeginTable("##trace", 4, flags)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    // Widths from sample text: fixed columns fit what the first frame
    // showed, and the first rows are seldom the widest.
    ImGui::TableSetupColumn("At", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("00m 00s").x);
    ImGui::TableSetupColumn("Dir", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("out").x);
    ImGui::TableSetupColumn("From -> to", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("<0.00000.0> -> <0.00000.0>").x);
    ImGui::TableSetupColumn("Message", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(t.rows.size()));
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const protocol::trace_row& r = t.rows[static_cast<std::size_t>(i)];
            ImGui::PushID(i);
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(render::ms_text(r.at_ms).c_str());
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("node uptime when it was sent or received");
            ImGui::TableNextColumn();
            const std::string_view dir = r.direction.name();
            ImGui::TextUnformatted(dir.data(), dir.data() + dir.size());
            ImGui::TableNextColumn();
            if (pid_link(r.from, 1)) s.open_window(r.from);
            ImGui::SameLine();
            ImGui::TextUnformatted("->");
            ImGui::SameLine();
            if (pid_link(r.to, 2)) s.open_window(r.to);
            ImGui::TableNextColumn();
            if (r.dropped > 0) { // before this row, so shown before its message
                // Appended, not "[" + ...: GCC 12 -O3 warns -Wrestrict on the latter.
                std::string note(1, '[');
                note += render::count_text(r.dropped);
                note += " dropped]";
                dim_text(note);
                ImGui::SameLine();
            }
            ImGui::TextUnformatted(r.message.c_str());
            if (ImGui::IsItemHovered() && !r.message.empty()) ImGui::SetTooltip("%s", r.message.c_str());
            ImGui::PopID();
        }
    }
    // Like a terminal: stay at the newest while the view is at the bottom,
    // and let the operator scroll up to read without being pulled back.
    // GetScrollMaxY is last frame's, so new rows still count as "at the
    // bottom" on the frame they arrive.
    if (scroll_to_end || (follow && ImGui::GetScrollY() >= ImGui::GetScrollMaxY())) ImGui::SetScrollHereY(1.0f);
    scroll_to_end = false;
    ImGui::EndTable();
}

} // namespace

// [view] ----------------------------------------------------------------------

void trace_view::set_target(const ember::pid& p) { pid_text_ = render::pid_text(p); }

void trace_view::draw(node_session& s) {
    if (!connected_or_banner(s)) return;

    const float field = ImGui::GetFontSize() * 8.0f;
    ImGui::SetNextItemWidth(field);
    const bool entered = ImGui::InputTextWithHint("Process", "<0.42.0>", &pid_text_, ImGuiInputTextFlags_EnterReturnsTrue);
    const pid_input target = read_pid(pid_text_);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(field);
    if (ImGui::InputInt("Max messages", &max_messages_, 100, 1000)) max_messages_ = std::clamp(max_messages_, 1, max_messages_bound);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(field);
    if (ImGui::InputInt("Max rate/s", &max_rate_, 10, 100)) max_rate_ = std::clamp(max_rate_, 1, max_rate_bound);
    ImGui::SameLine();
    help_marker("The node traces every message the process sends and receives, until it has sent max messages; "
                "past max rate a second it drops messages and counts them.");

    const std::optional<trace_session>& trace = s.trace();
    const bool active = trace && (trace->running || trace->starting);
    const std::string_view blocked = start_blocked(s, target);
    ImGui::BeginDisabled(!blocked.empty());
    if ((ImGui::Button(active ? "Restart" : "Start") || entered) && blocked.empty()) {
        protocol::trace_options options;
        options.max_messages = static_cast<std::uint64_t>(std::clamp(max_messages_, 1, max_messages_bound));
        options.max_rate = static_cast<std::uint64_t>(std::clamp(max_rate_, 1, max_rate_bound));
        s.start_trace(*target.value, options); // stops a running trace first
        scroll_to_end_ = true;
    }
    ImGui::EndDisabled();
    if (!blocked.empty() && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("%.*s", static_cast<int>(blocked.size()), blocked.data());
    ImGui::SameLine();
    ImGui::BeginDisabled(!active);
    if (ImGui::Button("Stop")) s.stop_trace();
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!trace);
    if (ImGui::Button("Clear")) s.clear_trace(); // stops it too
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Checkbox("Follow", &follow_) && follow_) scroll_to_end_ = true;

    if (!target.error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.9f, 0.45f, 0.35f, 1.0f));
        ImGui::TextUnformatted(("Process: " + target.error).c_str());
        ImGui::PopStyleColor();
    }
    if (!trace) {
        dim_text(s.is_admin() ? "No trace. Name a process and press Start; a process window's Trace button fills the pid."
                              : "No trace. Tracing needs an admin token: connect with one to trace a process.");
        return;
    }
    draw_status(s, *trace);
    if (trace->rows.empty()) {
        dim_text(active ? "No message sent or received yet." : "No message was traced.");
        return;
    }
    draw_rows(s, *trace, follow_, scroll_to_end_);
}

} // namespace ember::observer::ui
