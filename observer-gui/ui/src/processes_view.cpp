// Processes: a table that stays fluid over a million processes. It never
// holds the process list: the node sorts, filters and pages
// (process_table), and the table asks only for the rows ImGuiListClipper
// says are on screen. Erlang's Observer fetches every process's info each
// refresh and stalls at that size; here a frame costs the same at 1,000 or
// 1,000,000 processes.
//
// Keyboard: Ctrl-F to the filter; Up/Down/PageUp/PageDown/Home/End move the
// selection (the table scrolls to it); Enter opens the selected process.
// Double-click opens too; right-click gives the actions.

#include <algorithm>
#include <array>
#include <string>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "ember/observer_ui/actions.hpp"
#include "ember/observer_ui/views.hpp"
#include "ember/observer_ui/widgets.hpp"
#include "ember/render/text.hpp"
#include "ember/term/print.hpp"

namespace ember::observer::ui {

namespace {

enum column : int { c_pid, c_name, c_function, c_status, c_reductions, c_reduction_rate, c_memory, c_queue, c_message_rate,
                    c_run_time, c_age, c_oldest, c_latency, column_count };

struct column_info {
    const char* label;
    std::optional<protocol::process_sort> sort; // nullopt: the node cannot sort by it
    float weight;
    const char* tooltip;
};
const std::array<column_info, column_count> columns{{
    {"Pid", std::nullopt, 1.0f, "Process identifier; double-click or Enter opens it"},
    {"Name", std::nullopt, 1.6f, "Registered name, else the spawn label"},
    {"Current function", std::nullopt, 1.6f, "The label it set last"},
    {"Status", std::nullopt, 0.9f, "runnable, running, waiting, suspended, exiting, zombie"},
    {"Reductions", protocol::process_sort::reductions, 1.0f, "Work done since spawn"},
    {"Reds/s", protocol::process_sort::reduction_rate, 0.9f, "Reductions per second over the agent's window"},
    {"Memory", protocol::process_sort::memory, 0.9f, "Stack, heap and queued messages"},
    {"MsgQ", protocol::process_sort::message_queue_len, 0.7f, "Messages waiting in its mailbox"},
    {"Msgs/s", protocol::process_sort::message_rate, 0.8f, "Messages received per second over the window"},
    {"Run time", protocol::process_sort::run_time, 0.9f, "Time spent running"},
    {"Age", protocol::process_sort::age, 0.8f, "Time since spawn (sorted oldest first)"},
    {"Oldest msg", std::nullopt, 0.9f, "Age of the oldest message waiting"},
    {"Latency", std::nullopt, 0.8f, "Mean time runnable before it ran"},
}};

std::string name_of(const protocol::process_row& r) {
    if (r.registered_name != atoms::undefined) return std::string(r.registered_name.name());
    return r.initial_call;
}

ImU32 faint(ImU32 c) { return (c & 0x00FFFFFFu) | (IM_COL32_A_MASK & IM_COL32(0, 0, 0, 70)); }

} // namespace

void processes_view::draw(node_session& s, action_dialog& actions) {
    if (!connected_or_banner(s)) return;
    process_table& t = s.processes();

    // The filter: the node matches it against names, functions and status.
    if (focus_filter_) {
        ImGui::SetKeyboardFocusHere();
        focus_filter_ = false;
    }
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 18);
    if (ImGui::InputTextWithHint("##filter", "Filter (Ctrl-F)", &filter_)) t.set_filter(filter_);
    ImGui::SameLine();
    if (t.total_known()) {
        std::string line = render::count_text(t.row_count());
        line += t.filter().empty() ? " processes" : " match";
        if (s.system()) {
            line += " of ";
            line += render::count_text(s.system()->process_count);
        }
        ImGui::TextUnformatted(line.c_str());
    } else {
        dim_text("asking the node...");
    }
    ImGui::SameLine();
    help_marker("The filter keeps processes whose name, spawn label, current function or status contains it. The node sorts, filters and pages: only the rows on screen are asked for. Columns without an arrow "
                "cannot be sorted by the node. Rows are coloured by the engine's warnings: red runaway, magenta zombie, "
                "orange growing mailbox, yellow old message.");

    constexpr ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_ScrollY | ImGuiTableFlags_ScrollX | ImGuiTableFlags_RowBg |
                                      ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersV | ImGuiTableFlags_Resizable |
                                      ImGuiTableFlags_Hideable | ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("processes", column_count, flags)) return;
    ImGui::TableSetupScrollFreeze(1, 1);
    for (int c = 0; c < column_count; ++c) {
        const column_info& info = columns[static_cast<std::size_t>(c)];
        ImGuiTableColumnFlags f = info.sort ? ImGuiTableColumnFlags_PreferSortDescending : ImGuiTableColumnFlags_NoSort;
        if (c == c_reductions) f |= ImGuiTableColumnFlags_DefaultSort;
        if (c == c_pid) f |= ImGuiTableColumnFlags_NoHide;
        ImGui::TableSetupColumn(info.label, f, info.weight, static_cast<ImGuiID>(c));
    }
    ImGui::TableHeadersRow();
    if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
        if (specs->SpecsCount > 0) {
            const ImGuiTableColumnSortSpecs& spec = specs->Specs[0];
            if (const auto& key = columns[static_cast<std::size_t>(spec.ColumnUserID)].sort) {
                // The node's order is largest first (age: oldest first),
                // which ImGui calls descending.
                t.set_sort(*key, spec.SortDirection == ImGuiSortDirection_Ascending ? sort_direction::ascending : sort_direction::descending);
            }
        }
        specs->SpecsDirty = false;
    }

    const float row_height = ImGui::GetTextLineHeightWithSpacing();
    const std::size_t count = t.row_count();

    // Keyboard, while the table has focus: move the selection, open it.
    // The table's own scrolling window, not the whole main window: arrows
    // in the node list are not for it.
    const bool focused = ImGui::IsWindowFocused();
    if (focused && count > 0 && !ImGui::GetIO().WantTextInput) {
        const std::size_t fit = static_cast<std::size_t>(std::max(0.0f, ImGui::GetWindowHeight() / row_height));
        const std::size_t page = fit > 3 ? fit - 2 : 1;
        const std::size_t at = pending_select_ ? *pending_select_ : t.selected_row().value_or(0);
        std::optional<std::size_t> to;
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_DownArrow))) to = std::min(count - 1, t.selected() ? at + 1 : 0);
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_UpArrow))) to = at > 0 ? at - 1 : 0;
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_PageDown))) to = std::min(count - 1, at + page);
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_PageUp))) to = at > page ? at - page : 0;
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Home))) to = 0;
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_End))) to = count - 1;
        if (to) {
            // A row not here yet (End on a large table) is selected when its page comes.
            pending_select_ = *to;
            pending_epoch_ = t.epoch();
            // Keep it in view: scroll just enough.
            const float y = static_cast<float>(*to) * row_height;
            const float top = ImGui::GetScrollY();
            const float visible = ImGui::GetWindowHeight() - row_height * 2;
            if (y < top) ImGui::SetScrollY(y);
            else if (y > top + visible) ImGui::SetScrollY(y - visible);
        }
        if (t.selected() && (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter))))
            s.open_window(*t.selected());
    }

    if (pending_select_) {
        if (pending_epoch_ != t.epoch() || *pending_select_ >= count) pending_select_.reset(); // re-sorted or filtered: moot
        else if (const protocol::process_row* r = t.row(*pending_select_)) {
            t.select(r->pid);
            pending_select_.reset();
        }
    }

    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(std::min<std::size_t>(count, static_cast<std::size_t>(INT32_MAX))), row_height);
    // The clipper may step through more than one range (the rows on screen,
    // and a focused row far away): the largest is the screen.
    std::size_t first = 0, last = 0;
    while (clipper.Step()) {
        if (static_cast<std::size_t>(clipper.DisplayEnd - clipper.DisplayStart) > last - first) {
            first = static_cast<std::size_t>(clipper.DisplayStart);
            last = static_cast<std::size_t>(clipper.DisplayEnd);
        }
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            ImGui::TableNextRow(ImGuiTableRowFlags_None, row_height);
            const protocol::process_row* r = t.row(static_cast<std::size_t>(i));
            ImGui::TableNextColumn();
            if (!r) {
                dim_text("...");
                continue;
            }
            const protocol::warning_row* w = worst_warning(s.warnings_for(r->pid));
            if (r->status.name() == "zombie") ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, faint(warning_colour("zombie")));
            else if (w) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, faint(warning_colour(w->kind)));

            const std::string pid = render::pid_text(r->pid);
            const bool selected = t.selected() && *t.selected() == r->pid;
            // Keyed by pid, not row: rows re-sort under an open context menu.
            ImGui::PushID(pid.c_str());
            if (ImGui::Selectable(pid.c_str(), selected, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowDoubleClick)) {
                t.select(r->pid);
                if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) s.open_window(r->pid);
            }
            if (w && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", w->message.c_str());
            if (ImGui::BeginPopupContextItem("row")) {
                t.select(r->pid);
                ImGui::TextUnformatted(pid.c_str());
                ImGui::Separator();
                if (ImGui::MenuItem("Open", "Enter")) s.open_window(r->pid);
                actions.menu_items(s, r->pid);
                ImGui::EndPopup();
            }
            ImGui::PopID();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(name_of(*r).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r->current_function.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r->status.name().data(), r->status.name().data() + r->status.name().size());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(render::count_text(r->reductions).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(render::rate_text(r->reduction_rate).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(render::bytes_text(r->memory).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(render::count_text(r->message_queue_len).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(render::rate_text(r->message_rate).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(render::us_text(r->run_time_us).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(render::ms_text(r->age_ms).c_str());
            ImGui::TableNextColumn();
            if (r->oldest_message_age_ms) ImGui::TextUnformatted(render::ms_text(r->oldest_message_age_ms).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(render::us_text(r->scheduling_latency_us).c_str());
        }
    }
    // Before the first reply the count is 0: ask for a screenful.
    if (!t.total_known()) {
        first = 0;
        last = static_cast<std::size_t>(std::max(1.0f, ImGui::GetWindowHeight() / row_height));
    }
    t.set_visible(first, last);
    ImGui::EndTable();
}

} // namespace ember::observer::ui
