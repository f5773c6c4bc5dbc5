// events_view: the Events tab. Two tables, one above the other: the
// warnings the node holds now (a lint over the live node: what is wrong at
// this moment), then the events it raised (what went wrong, kept as a
// history of the last 1,000). Warnings come first because they are few and
// current; events fill the rest of the tab and scroll.
//
// Both name their process as a link that opens its window. A value is
// printed in the unit of its kind (milliseconds, bytes, a count), the one
// way render::text(events) prints it for ember-ctl.
//
// Sections: [units] [warnings] [events] [view]

#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <imgui.h>

#include "ember/observer_ui/views.hpp"
#include "ember/observer_ui/widgets.hpp"
#include "ember/render/text.hpp"

namespace ember::observer::ui {

namespace {

constexpr ImGuiTableFlags table_flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_Resizable;

// A fixed column's width from sample text: left alone, it fits what the
// first frame showed, and the first rows are seldom the widest.
float width_of(const char* sample) { return ImGui::CalcTextSize(sample).x; }

// [units] ---------------------------------------------------------------------

enum class unit : std::uint8_t { count, ms, bytes, none };

// The unit of an event's or a warning's value and limit, by kind (see
// protocol/replies.hpp). A kind this Observer does not know is a count:
// a number printed plainly is never wrong, only less helpful.
unit unit_of(atom kind) {
    if (kind == "long_schedule"_atom || kind == "old_message"_atom) return unit::ms;
    if (kind == "large_memory"_atom) return unit::bytes;
    if (kind == "zombie"_atom) return unit::none;
    return unit::count; // long_message_queue, mailbox_growing, restart_limit_near
}

std::string value_text(unit u, std::uint64_t v) {
    switch (u) {
    case unit::ms: return render::ms_text(v);
    case unit::bytes: return render::bytes_text(v);
    case unit::none: return "-";
    case unit::count: break;
    }
    return render::count_text(v);
}

void kind_text(atom kind) {
    ImGui::PushStyleColor(ImGuiCol_Text, warning_colour(kind));
    ImGui::TextUnformatted(kind.name().data(), kind.name().data() + kind.name().size());
    ImGui::PopStyleColor();
}

void text(const std::string& t) { ImGui::TextUnformatted(t.c_str()); }

// [warnings] ------------------------------------------------------------------

void draw_warnings(node_session& s, float height) {
    // Newest first: the node holds them in no order that means anything to a
    // reader, and the one that just appeared is the one to look at.
    std::vector<const protocol::warning_row*> rows;
    rows.reserve(s.warnings().size());
    for (const auto& w : s.warnings()) rows.push_back(&w);
    std::stable_sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) { return a->since_ms > b->since_ms; });

    if (!ImGui::BeginTable("##warnings", 5, table_flags, ImVec2(0, height))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Kind", ImGuiTableColumnFlags_WidthFixed, width_of("restart_limit_near"));
    ImGui::TableSetupColumn("Pid", ImGuiTableColumnFlags_WidthFixed, width_of("<0.00000.0>"));
    ImGui::TableSetupColumn("For", ImGuiTableColumnFlags_WidthFixed, width_of("00m 00s"));
    ImGui::TableSetupColumn("Value / limit", ImGuiTableColumnFlags_WidthFixed, width_of("000.0 MiB / 000.0 MiB"));
    ImGui::TableSetupColumn("Message", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const protocol::warning_row& w = *rows[i];
        ImGui::PushID(static_cast<int>(i));
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        kind_text(w.kind);
        ImGui::TableNextColumn();
        if (pid_link(w.pid)) s.open_window(w.pid);
        ImGui::TableNextColumn();
        text(render::ms_text(w.for_ms));
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("first seen at %s of node uptime", render::ms_text(w.since_ms).c_str());
        ImGui::TableNextColumn();
        const unit u = unit_of(w.kind);
        text(u == unit::none ? std::string("-") : value_text(u, w.value) + " / " + value_text(u, w.limit));
        ImGui::TableNextColumn();
        text(w.message);
        if (ImGui::IsItemHovered() && !w.message.empty()) ImGui::SetTooltip("%s", w.message.c_str());
        ImGui::PopID();
    }
    ImGui::EndTable();
}

// [events] --------------------------------------------------------------------

// The kinds the filter offers: the four the node raises today, then any
// other it sent (a newer node), so none is unreachable.
std::vector<atom> event_kinds(const std::deque<protocol::event_row>& events) {
    std::vector<atom> kinds{"long_schedule"_atom, "long_message_queue"_atom, "large_memory"_atom, "restart_limit_near"_atom};
    for (const auto& e : events)
        if (std::find(kinds.begin(), kinds.end(), e.kind) == kinds.end()) kinds.push_back(e.kind);
    return kinds;
}

void draw_events(node_session& s, const std::vector<std::size_t>& shown) {
    if (!ImGui::BeginTable("##events", 7, table_flags)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Seq", ImGuiTableColumnFlags_WidthFixed, width_of("0000000"));
    ImGui::TableSetupColumn("Kind", ImGuiTableColumnFlags_WidthFixed, width_of("restart_limit_near"));
    ImGui::TableSetupColumn("Pid", ImGuiTableColumnFlags_WidthFixed, width_of("<0.00000.0>"));
    ImGui::TableSetupColumn("Scheduler", ImGuiTableColumnFlags_WidthFixed, width_of("Scheduler"));
    ImGui::TableSetupColumn("At", ImGuiTableColumnFlags_WidthFixed, width_of("00m 00s"));
    ImGui::TableSetupColumn("Value", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("Limit", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    const auto& events = s.events();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(shown.size()));
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const protocol::event_row& e = events[shown[static_cast<std::size_t>(i)]];
            // Keyed by seq, not by row: a new event moves every row down one.
            ImGui::PushID(static_cast<int>(e.seq));
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            text(std::to_string(e.seq));
            ImGui::TableNextColumn();
            kind_text(e.kind);
            ImGui::TableNextColumn();
            if (pid_link(e.pid)) s.open_window(e.pid);
            ImGui::TableNextColumn();
            text(std::to_string(e.scheduler));
            ImGui::TableNextColumn();
            text(render::ms_text(e.at_ms));
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("node uptime when it happened");
            const unit u = unit_of(e.kind);
            ImGui::TableNextColumn();
            text(value_text(u, e.value));
            ImGui::TableNextColumn();
            text(value_text(u, e.limit));
            ImGui::PopID();
        }
    }
    ImGui::EndTable();
}

} // namespace

// [view] ----------------------------------------------------------------------

void events_view::draw(node_session& s) {
    if (!connected_or_banner(s)) return;

    const float line = ImGui::GetFrameHeightWithSpacing();
    ImGui::Text("Warnings (%zu)", s.warnings().size());
    ImGui::SameLine();
    help_marker("What is wrong now: the node's lint over its processes, with the evidence that raised each warning. "
                "A warning goes when its cause does.");
    if (s.warnings().empty()) {
        dim_text("None: no process is misbehaving.");
    } else {
        // Its rows and a header (a row is a line and the cell padding; 2 px
        // for the borders), up to a third of the tab: events need room too.
        const float row = ImGui::GetTextLineHeight() + 2.0f * ImGui::GetStyle().CellPadding.y;
        const float rows = static_cast<float>(s.warnings().size() + 1) * row + 2.0f;
        draw_warnings(s, std::min(rows, std::max(ImGui::GetContentRegionAvail().y / 3.0f, 4.0f * line)));
    }
    ImGui::Spacing();

    const auto& events = s.events();
    ImGui::Text("Events (%zu)", events.size());
    ImGui::SameLine();
    help_marker("What went wrong: long schedules, long message queues, large processes, supervisors near their restart limit. "
                "Newest first; the last 1,000 are kept.");
    ImGui::SameLine();
    const std::vector<atom> kinds = event_kinds(events);
    const std::string current = kind_filter_.empty() ? std::string("all kinds") : kind_filter_;
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12.0f);
    if (ImGui::BeginCombo("Kind", current.c_str())) {
        if (ImGui::Selectable("all kinds", kind_filter_.empty())) kind_filter_.clear();
        for (atom k : kinds) {
            const std::string name(k.name());
            ImGui::PushStyleColor(ImGuiCol_Text, warning_colour(k));
            if (ImGui::Selectable(name.c_str(), kind_filter_ == name)) kind_filter_ = name;
            ImGui::PopStyleColor();
        }
        ImGui::EndCombo();
    }

    // events() is newest first already; the filter only picks rows, by
    // name, so it holds across pushes and before any event of its kind came.
    std::vector<std::size_t> shown;
    shown.reserve(events.size());
    for (std::size_t i = 0; i < events.size(); ++i)
        if (kind_filter_.empty() || events[i].kind.name() == kind_filter_) shown.push_back(i);
    if (events.empty()) {
        dim_text("None yet.");
    } else if (shown.empty()) {
        dim_text("None of this kind among the last " + std::to_string(events.size()) + ".");
    } else {
        draw_events(s, shown);
    }
}

} // namespace ember::observer::ui
