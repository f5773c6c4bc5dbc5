// Process windows: one floating window per open process (several at once),
// as Erlang Observer's process info window: its figures, links and
// monitors as clickable pids, the first messages of its mailbox, its state,
// a supervisor's children and restarts, and the actions. Each is refreshed
// at the view's interval by node_session.

#include <string>

#include <imgui.h>

#include "ember/observer_ui/actions.hpp"
#include "ember/observer_ui/views.hpp"
#include "ember/observer_ui/widgets.hpp"
#include "ember/render/text.hpp"

namespace ember::observer::ui {

namespace {

constexpr ImGuiTableFlags properties_flags = ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg;
constexpr ImGuiTableFlags list_flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchProp;

std::string atom_text(atom a) { return std::string(a.name()); }

// Pids clicked in this frame's windows, opened after every window is drawn:
// opening one reorders node_session::windows(), which is being walked.
using opens = std::vector<ember::pid>;

// A list of pids as links; a click opens that process's window.
void pid_list(opens& open, const char* title, const std::vector<ember::pid>& pids, int salt) {
    ImGui::Text("%s (%zu)", title, pids.size());
    if (pids.empty()) return;
    ImGui::Indent();
    float x = 0;
    const float wrap = ImGui::GetContentRegionAvail().x;
    for (std::size_t i = 0; i < pids.size(); ++i) {
        const float w = ImGui::CalcTextSize(render::pid_text(pids[i]).c_str()).x + ImGui::GetStyle().ItemSpacing.x;
        if (i > 0 && x + w < wrap) ImGui::SameLine();
        else x = 0;
        x += w;
        if (pid_link(pids[i], salt)) open.push_back(pids[i]);
    }
    ImGui::Unindent();
}

void overview(const protocol::process_info_reply& info) {
    const protocol::process_row& p = info.process;
    if (!ImGui::BeginTable("overview", 4, properties_flags)) return;
    auto pair = [](const char* k1, const std::string& v1, const char* k2, const std::string& v2) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        dim_text(k1);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(v1.c_str());
        ImGui::TableNextColumn();
        dim_text(k2);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(v2.c_str());
    };
    pair("Registered name", p.registered_name == atoms::undefined ? "-" : atom_text(p.registered_name), "Status", atom_text(p.status));
    pair("Initial call", p.initial_call.empty() ? "-" : p.initial_call, "Current function", p.current_function.empty() ? "-" : p.current_function);
    pair("Priority", atom_text(info.priority), "Trap exit", info.trap_exit ? "true" : "false");
    pair("Reductions", render::count_text(p.reductions), "Reductions/s", render::rate_text(p.reduction_rate));
    pair("Memory", render::bytes_text(p.memory), "Run time", render::us_text(p.run_time_us));
    pair("Message queue", render::count_text(p.message_queue_len), "Messages/s", render::rate_text(p.message_rate));
    pair("Messages in", render::count_text(info.messages_in), "Messages out", render::count_text(info.messages_out));
    pair("Age", render::ms_text(p.age_ms), "Oldest message", p.oldest_message_age_ms ? render::ms_text(p.oldest_message_age_ms) : "-");
    // The two latency figures: how long it waits to run, and how long its
    // mail waits to be read.
    pair("Scheduling latency", render::us_text(p.scheduling_latency_us) + " (" + std::to_string(info.latency_samples) + " samples)",
         "Runnable wait", render::us_text(info.runnable_wait_us));
    ImGui::EndTable();
}

void supervisor(opens& open, const protocol::supervisor_row& sup) {
    ImGui::Text("Strategy %s, at most %llu restarts in %s; %llu restarts so far", atom_text(sup.strategy).c_str(),
                static_cast<unsigned long long>(sup.intensity), render::ms_text(sup.period_ms).c_str(),
                static_cast<unsigned long long>(sup.restarts_total));
    ImGui::Text("Children (%llu)", static_cast<unsigned long long>(sup.children_count));
    if (ImGui::BeginTable("children", 4, list_flags)) {
        ImGui::TableSetupColumn("Id");
        ImGui::TableSetupColumn("Pid");
        ImGui::TableSetupColumn("Type");
        ImGui::TableSetupColumn("Restart");
        ImGui::TableHeadersRow();
        int salt = 100;
        for (const protocol::child_row& c : sup.children) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(atom_text(c.id).c_str());
            ImGui::TableNextColumn();
            if (c.pid) {
                if (pid_link(*c.pid, ++salt)) open.push_back(*c.pid);
            } else {
                dim_text("not running");
            }
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(atom_text(c.type).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(atom_text(c.restart).c_str());
        }
        ImGui::EndTable();
    }
    if (sup.children_count > sup.children.size()) dim_text("(" + std::to_string(sup.children_count - sup.children.size()) + " more not shown)");
    ImGui::Text("Restarts (%zu)", sup.restarts.size());
    if (!sup.restarts.empty() && ImGui::BeginTable("restarts", 4, list_flags)) {
        ImGui::TableSetupColumn("At (uptime)");
        ImGui::TableSetupColumn("Child");
        ImGui::TableSetupColumn("Old pid");
        ImGui::TableSetupColumn("Reason", ImGuiTableColumnFlags_WidthStretch, 3.0f);
        ImGui::TableHeadersRow();
        for (auto it = sup.restarts.rbegin(); it != sup.restarts.rend(); ++it) { // newest first
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(render::ms_text(it->at_ms).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(atom_text(it->child).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(render::pid_text(it->old_pid).c_str());
            ImGui::TableNextColumn();
            ImGui::TextWrapped("%s", it->reason.c_str());
        }
        ImGui::EndTable();
    }
}

// The newest outcome of an action on `p`, if any.
const action_outcome* last_outcome(const node_session& s, const ember::pid& p) {
    for (auto it = s.outcomes().rbegin(); it != s.outcomes().rend(); ++it)
        if (it->what.pid == p) return &*it;
    return nullptr;
}

void one_window(node_session& s, const process_window& w, action_dialog& actions, opens& open_later, bool& open, bool& trace) {
    const std::string pid = render::pid_text(w.pid);
    std::string title = "Process " + pid;
    if (w.info && w.info->process.registered_name != atoms::undefined) title += " (" + atom_text(w.info->process.registered_name) + ")";
    title += "###process" + pid + s.connection().where();
    // First shown over the right part of the main window, so the table
    // row it came from stays in sight.
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.38f, vp->WorkPos.y + vp->WorkSize.y * 0.12f), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize(ImVec2(ImGui::GetFontSize() * 44, ImGui::GetFontSize() * 34), ImGuiCond_FirstUseEver);
    if (!ImGui::Begin(title.c_str(), &open)) {
        ImGui::End();
        return;
    }
    if (w.gone) error_text(w.info ? "This process no longer exists; below is what was last seen." : "This process does not exist.");
    else if (!w.error.empty()) error_text(w.error);
    actions.buttons(s, w.pid);
    ImGui::SameLine();
    if (ImGui::Button("Trace...")) trace = true;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Open the Trace tab with this process");
    ImGui::SameLine();
    if (ImGui::Button("Refresh")) s.refresh_window(w.pid);
    if (const action_outcome* o = last_outcome(s, w.pid)) {
        if (!o->done) dim_text(o->text + ": waiting for the node...");
        else if (o->ok) dim_text(o->text + ": done");
        else error_text(o->text + ": " + o->error);
    }
    if (!w.info) {
        dim_text(w.error.empty() ? "Asking the node..." : "");
        ImGui::End();
        return;
    }
    const protocol::process_info_reply& info = *w.info;
    if (ImGui::BeginTabBar("sections")) {
        if (ImGui::BeginTabItem("Overview")) {
            overview(info);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Links and monitors")) {
            ImGui::TextUnformatted("Parent");
            ImGui::SameLine();
            if (pid_link(info.parent, 1)) open_later.push_back(info.parent);
            pid_list(open_later, "Links", info.links, 2);
            pid_list(open_later, "Monitors", info.monitors, 3);
            pid_list(open_later, "Monitored by", info.monitored_by, 4);
            if (info.cut.name() == "size_budget") dim_text("Lists longer than 1000 were cut.");
            ImGui::EndTabItem();
        }
        const std::string mailbox = "Mailbox (" + std::to_string(info.process.message_queue_len) + ")###mailbox";
        if (ImGui::BeginTabItem(mailbox.c_str())) {
            if (info.messages.empty()) dim_text("Empty.");
            for (std::size_t i = 0; i < info.messages.size(); ++i) {
                ImGui::Text("%zu.", i + 1);
                ImGui::SameLine();
                ImGui::TextWrapped("%s", info.messages[i].c_str());
            }
            if (info.process.message_queue_len > info.messages.size())
                dim_text("... and " + std::to_string(info.process.message_queue_len - info.messages.size()) + " more");
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("State")) {
            if (info.state) ImGui::TextWrapped("%s", info.state->c_str());
            else dim_text(info.state_error.empty() ? "No state: it is not a behaviour." : info.state_error);
            ImGui::EndTabItem();
        }
        if (info.supervisor && ImGui::BeginTabItem("Supervisor")) {
            supervisor(open_later, *info.supervisor);
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    ImGui::End();
}

} // namespace

void process_windows::draw(node_session& s, action_dialog& actions) {
    // node_session keeps the window opened or raised last at the back; when
    // that changed, ImGui must bring it to the front (it stacks by focus).
    const std::optional<ember::pid> newest = s.windows().empty() ? std::nullopt : std::optional(s.windows().back().pid);
    const bool raise = newest && newest != newest_;
    newest_ = newest;
    std::vector<ember::pid> closed;
    opens open_later;
    for (const process_window& w : s.windows()) { // nothing below changes windows()
        bool open = true;
        bool trace = false;
        if (raise && w.pid == *newest) ImGui::SetNextWindowFocus();
        one_window(s, w, actions, open_later, open, trace);
        if (!open) closed.push_back(w.pid);
        if (trace) trace_request_ = w.pid;
    }
    for (const auto& p : closed) s.close_window(p);
    for (const auto& p : open_later) s.open_window(p);
}

} // namespace ember::observer::ui
