// System: the node at a glance, as Erlang Observer's System tab: node,
// uptime, processes against their limit, memory, atoms, schedulers, the
// dirty pool, versions. From the `system` and `schedulers` subscriptions.

#include <string>

#include <imgui.h>

#include "ember/observer_ui/views.hpp"
#include "ember/observer_ui/widgets.hpp"
#include "ember/protocol/version.hpp"
#include "ember/render/text.hpp"

namespace ember::observer::ui {

namespace {

constexpr ImGuiTableFlags properties_flags = ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg;

bool begin_section(const char* title) {
    ImGui::Spacing();
    ImGui::TextUnformatted(title);
    ImGui::Separator();
    return ImGui::BeginTable(title, 2, properties_flags);
}

std::string of_limit(std::uint64_t n, std::uint64_t limit) {
    std::string s = render::count_text(n);
    if (limit == 0) return s;
    s += " of ";
    s += render::count_text(limit);
    s += " (";
    s += render::percent_text(static_cast<double>(n) / static_cast<double>(limit));
    s += ')';
    return s;
}

} // namespace

void system_view::draw(node_session& s) {
    if (!connected_or_banner(s)) return;
    if (!s.system()) {
        dim_text("Waiting for the node's figures...");
        return;
    }
    const protocol::system_info& i = *s.system();

    // Processes against their limit, as a bar: the figure an operator
    // watches when something spawns without end.
    const float used = i.process_limit ? static_cast<float>(static_cast<double>(i.process_count) / static_cast<double>(i.process_limit)) : 0.0f;
    ImGui::TextUnformatted("Processes");
    ImGui::SameLine(ImGui::GetFontSize() * 8);
    ImGui::ProgressBar(used, ImVec2(ImGui::GetFontSize() * 24, 0), of_limit(i.process_count, i.process_limit).c_str());

    if (ImGui::BeginTable("columns", 2, ImGuiTableFlags_SizingStretchSame)) {
        ImGui::TableNextColumn();
        if (begin_section("Node")) {
            property_row("Node", i.node.name());
            property_row("Uptime", render::ms_text(i.uptime_ms));
            property_row("Schedulers", std::to_string(i.schedulers));
            property_row("Access", s.is_admin() ? "admin" : "read-only");
            property_row("Protocol", "node v" + std::to_string(s.connection().protocol_version()) + ", observer v" +
                                         std::to_string(protocol::protocol_version));
            property_row("Agent", s.connection().where());
            ImGui::EndTable();
        }
        if (begin_section("Memory and atoms")) {
            property_row("Process memory", render::bytes_text(i.memory));
            property_row("Atoms", render::count_text(i.atom_count));
            ImGui::EndTable();
        }
        ImGui::TableNextColumn();
        if (begin_section("Work")) {
            property_row("Reductions", render::count_text(i.reductions));
            property_row("Reduction rate", render::rate_text(i.reduction_rate) + "/s");
            property_row("Messages", render::count_text(i.messages));
            property_row("Message rate", render::rate_text(i.message_rate) + "/s");
            property_row("Supervisor restarts", render::count_text(i.supervisor_restarts));
            property_row("Runaway threads", std::to_string(i.runaway_threads));
            ImGui::EndTable();
        }
        if (begin_section("Dirty pool")) {
            property_row("Threads", std::to_string(i.dirty_threads));
            property_row("Running", std::to_string(i.dirty_running));
            property_row("Queued", std::to_string(i.dirty_queued));
            property_row("Completed", render::count_text(i.dirty_completed));
            ImGui::EndTable();
        }
        ImGui::EndTable();
    }

    ImGui::Spacing();
    ImGui::TextUnformatted("Schedulers");
    ImGui::Separator();
    if (s.schedulers().empty()) {
        dim_text("Waiting for the schedulers' figures...");
        return;
    }
    constexpr ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("schedulers", 7, flags)) return;
    ImGui::TableSetupColumn("Id", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("Utilization", ImGuiTableColumnFlags_WidthStretch, 3.0f);
    ImGui::TableSetupColumn("Run queue");
    ImGui::TableSetupColumn("Processes run");
    ImGui::TableSetupColumn("Context switches");
    ImGui::TableSetupColumn("Steals");
    ImGui::TableSetupColumn("Parks");
    ImGui::TableHeadersRow();
    for (const protocol::scheduler_row& r : s.schedulers()) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%llu", static_cast<unsigned long long>(r.id));
        ImGui::TableNextColumn();
        ImGui::ProgressBar(static_cast<float>(r.utilization), ImVec2(-1, 0), render::percent_text(r.utilization).c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%llu", static_cast<unsigned long long>(r.run_queue));
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(render::count_text(r.processes_run).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(render::count_text(r.context_switches).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(render::count_text(r.steals).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(render::count_text(r.parks).c_str());
    }
    ImGui::EndTable();
}

} // namespace ember::observer::ui
