// applications_view: the Applications tab, after Erlang observer's. The
// applications the node runs on the left; on the right, the supervision
// tree of the one chosen drawn as a graph, and its restart history below.
// Clicking a box that runs opens its process window: a tree is where one
// goes looking for the process that keeps dying.
//
// The graph is boxes and edges on the child window's ImDrawList, placed by
// layout_tree() (tree_layout.hpp: tidy, bounded to 2000 boxes) and scaled
// by the zoom. It is laid out again every frame rather than kept: layout is
// linear in the boxes drawn, and a kept layout would point into
// applications the node has replaced since. Only the boxes and edges in
// view are drawn; one invisible button over the whole canvas gives it its
// scrollable size and takes hover, clicks and drags (drag to pan).
//
// Sections: [boxes] [graph] [restart history] [view]

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <imgui.h>

#include "ember/observer_ui/views.hpp"
#include "ember/observer_ui/widgets.hpp"
#include "ember/render/text.hpp"
#include "tree_layout.hpp"

namespace ember::observer::ui {

namespace {

// The tree in one answer is bounded by the node (32 levels, 10,000
// supervisors, 1,000 children each); drawing is bounded again, tighter:
// 2,000 boxes keep a frame's draw list small even when all are in view.
constexpr tree_layout_options graph_bounds{.max_boxes = 2000, .max_depth = 64};
constexpr float min_zoom = 0.25f;
constexpr float max_zoom = 2.0f;
// Below this many pixels text is unreadable: boxes only, tooltips still say all.
constexpr float min_text_pixels = 6.0f;

std::string name_of(atom a) { return a == atoms::undefined ? std::string("-") : std::string(a.name()); }

// [boxes] ---------------------------------------------------------------------

std::optional<pid> pid_of(const layout_box& b) {
    if (b.supervisor) return b.supervisor->pid;
    if (b.child) return b.child->pid;
    return std::nullopt;
}

// Sizes in pixels at a zoom: a box is three lines of text (name, pid,
// strategy or type); a column leaves room for the edges between boxes.
struct graph_metrics {
    float font = 0, line = 0, pad = 0, width = 0, height = 0, column = 0, row = 0, margin = 0, rounding = 0;

    explicit graph_metrics(float zoom) {
        font = ImGui::GetFontSize() * zoom;
        line = font + 2.0f * zoom;
        pad = 6.0f * zoom;
        // Wide enough for the longest strategy with a four-digit count.
        width = ImGui::CalcTextSize("simple_one_for_one, 1000 children").x * zoom + 2.0f * pad;
        height = 3.0f * line + 2.0f * pad;
        column = width + 48.0f * zoom;
        row = height + 12.0f * zoom;
        margin = 12.0f * zoom;
        rounding = 4.0f * zoom;
    }
    ImVec2 box_min(ImVec2 origin, const layout_box& b) const {
        return ImVec2(origin.x + margin + static_cast<float>(b.depth) * column, origin.y + margin + static_cast<float>(b.row) * row);
    }
    ImVec2 box_max(ImVec2 origin, const layout_box& b) const {
        const ImVec2 min = box_min(origin, b);
        return ImVec2(min.x + width, min.y + height);
    }
    ImVec2 content(const tree_layout& l) const {
        const auto columns = static_cast<float>(std::max<std::size_t>(l.columns, 1));
        const auto rows = static_cast<float>(std::max<std::size_t>(l.rows, 1));
        return ImVec2(2.0f * margin + (columns - 1.0f) * column + width, 2.0f * margin + (rows - 1.0f) * row + height);
    }
};

void box_text(ImDrawList* dl, const graph_metrics& m, ImVec2 at, ImU32 colour, std::string_view text, const ImVec4& clip) {
    dl->AddText(ImGui::GetFont(), m.font, at, colour, text.data(), text.data() + text.size(), 0.0f, &clip);
}

// A supervisor's restarts in a pill at the top right: coloured once it has
// restarted anything, so a tree that churns shows where at a glance.
// Returns the pill's left edge, where the title must stop.
float draw_badge(ImDrawList* dl, const graph_metrics& m, ImVec2 min, ImVec2 max, std::uint64_t restarts, bool text) {
    const std::string label = render::count_text(restarts);
    const float text_width = ImGui::CalcTextSize(label.c_str()).x * (m.font / ImGui::GetFontSize());
    const ImVec2 pill_max(max.x - m.pad * 0.5f, min.y + m.pad * 0.5f + m.line);
    const ImVec2 pill_min(pill_max.x - text_width - m.font, min.y + m.pad * 0.5f);
    const ImU32 fill = restarts > 0 ? IM_COL32(200, 64, 48, 255) : ImGui::GetColorU32(ImGuiCol_FrameBg);
    dl->AddRectFilled(pill_min, pill_max, fill, m.line * 0.5f);
    if (text) {
        const ImU32 colour = restarts > 0 ? IM_COL32(255, 255, 255, 255) : ImGui::GetColorU32(ImGuiCol_TextDisabled);
        box_text(dl, m, ImVec2(pill_min.x + m.font * 0.5f, pill_min.y + (m.line - m.font) * 0.5f), colour, label,
                 ImVec4(pill_min.x, pill_min.y, pill_max.x, pill_max.y));
    }
    return pill_min.x;
}

void draw_box(ImDrawList* dl, const graph_metrics& m, ImVec2 min, ImVec2 max, const layout_box& b, const protocol::application_row& app,
              bool hovered) {
    const bool text = m.font >= min_text_pixels;
    const ImU32 fg = ImGui::GetColorU32(ImGuiCol_Text);
    const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    const ImU32 border = hovered ? ImGui::GetColorU32(ImGuiCol_ButtonHovered) : ImGui::GetColorU32(ImGuiCol_Border);
    const float thickness = hovered ? 2.0f : 1.0f;
    const ImVec4 clip(min.x + m.pad, min.y, max.x - m.pad, max.y);

    if (b.kind == box_kind::more) {
        dl->AddRect(min, max, dim, m.rounding, 0, thickness);
        if (text) {
            const std::string label = "+" + render::count_text(b.more) + " more";
            box_text(dl, m, ImVec2(min.x + m.pad, min.y + (m.height - m.font) * 0.5f), dim, label, clip);
        }
        return;
    }
    const bool supervisor = b.kind == box_kind::supervisor;
    // Supervisors stronger than workers, in the style's own colours.
    dl->AddRectFilled(min, max, supervisor ? ImGui::GetColorU32(ImGuiCol_Header, 1.5f) : ImGui::GetColorU32(ImGuiCol_FrameBg, 0.6f), m.rounding);
    dl->AddRect(min, max, border, m.rounding, 0, thickness);

    float title_end = max.x - m.pad;
    if (b.supervisor) title_end = draw_badge(dl, m, min, max, b.supervisor->restarts_total, text) - m.pad * 0.5f;
    if (!text) return;

    const std::optional<pid> p = pid_of(b);
    const std::string title = b.child ? name_of(b.child->id) : name_of(app.name); // the root is the application's
    std::string detail;
    if (b.supervisor) {
        const std::uint64_t n = std::max<std::uint64_t>(b.supervisor->children_count, b.supervisor->children.size());
        detail = name_of(b.supervisor->strategy) + ", " + render::count_text(n) + (n == 1 ? " child" : " children");
    } else if (b.child) {
        detail = name_of(b.child->type) + ", " + name_of(b.child->restart);
    }
    const float x = min.x + m.pad;
    float y = min.y + m.pad;
    box_text(dl, m, ImVec2(x, y), fg, title, ImVec4(clip.x, clip.y, title_end, clip.w));
    y += m.line;
    box_text(dl, m, ImVec2(x, y), p ? fg : dim, p ? render::pid_text(*p) : std::string("not running"), clip);
    y += m.line;
    box_text(dl, m, ImVec2(x, y), dim, detail, clip);
}

void box_tooltip(const layout_box& b) {
    ImGui::BeginTooltip();
    if (b.kind == box_kind::more) {
        ImGui::Text("%s more %s not drawn", render::count_text(b.more).c_str(), b.more == 1 ? "child" : "children");
        dim_text("The node lists at most 1,000 children of a supervisor,\nand the graph draws at most 2,000 boxes.");
        ImGui::EndTooltip();
        return;
    }
    const std::optional<pid> p = pid_of(b);
    if (ImGui::BeginTable("##box", 2, ImGuiTableFlags_SizingFixedFit)) {
        property_row("pid", p ? render::pid_text(*p) : "not running");
        if (b.child) {
            property_row("child id", name_of(b.child->id));
            property_row("type", name_of(b.child->type));
            property_row("restart", name_of(b.child->restart));
        }
        if (const protocol::supervisor_row* sup = b.supervisor) {
            property_row("strategy", name_of(sup->strategy));
            property_row("intensity", std::to_string(sup->intensity) + " restarts in " + render::ms_text(sup->period_ms));
            std::string children = render::count_text(sup->children_count);
            if (sup->children_count > sup->children.size()) children += " (the node lists " + render::count_text(sup->children.size()) + ")";
            property_row("children", children);
            property_row("restarts", render::count_text(sup->restarts_total));
        }
        ImGui::EndTable();
    }
    if (p) dim_text("Click to open its process window.");
    ImGui::EndTooltip();
}

// [graph] ---------------------------------------------------------------------

// Edges first, so boxes cover their ends: a curve from the parent's right
// side to the child's left side, drawn only when its bounds are in view.
void draw_edges(ImDrawList* dl, const graph_metrics& m, ImVec2 origin, const tree_layout& l) {
    const ImU32 colour = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    const float thickness = std::max(1.0f, m.font / 13.0f);
    for (const layout_box& b : l.boxes) {
        if (b.parent == layout_box::no_parent) continue;
        const layout_box& parent = l.boxes[b.parent];
        const ImVec2 pmax = m.box_max(origin, parent);
        const ImVec2 cmin = m.box_min(origin, b);
        const ImVec2 from(pmax.x, pmax.y - m.height * 0.5f);
        const ImVec2 to(cmin.x, cmin.y + m.height * 0.5f);
        if (!ImGui::IsRectVisible(ImVec2(from.x, std::min(from.y, to.y)), ImVec2(to.x, std::max(from.y, to.y) + 1.0f))) continue;
        const float bend = (to.x - from.x) * 0.5f;
        dl->AddBezierCubic(from, ImVec2(from.x + bend, from.y), ImVec2(to.x - bend, to.y), to, colour, thickness);
    }
}

// How the graph is scrolled when it is not by hand.
struct graph_scroll {
    bool centre_root = false; ///< in: bring the root into view; out: false once done
    float zoom_from = 1.0f;   ///< last frame's zoom: a new zoom keeps the centre of the view in place
};

// Inside the graph's child window, `view` its visible size.
void scroll_graph(graph_scroll& scroll, const graph_metrics& m, const tree_layout& l, ImVec2 content, ImVec2 view, float zoom) {
    if (scroll.centre_root) {
        // A tall tree puts its root halfway down: show it, at the left.
        // The scroll applies next frame, against this frame's content
        // size; on the frame the canvas first appears there is none yet.
        ImGui::SetScrollX(0);
        ImGui::SetScrollY(m.box_min(ImVec2(0, 0), l.boxes.front()).y + m.height * 0.5f - view.y * 0.5f);
        scroll.centre_root = ImGui::GetScrollMaxY() <= 0 && content.y > view.y;
    } else if (zoom != scroll.zoom_from && scroll.zoom_from > 0) {
        const float k = zoom / scroll.zoom_from;
        ImGui::SetScrollX((ImGui::GetScrollX() + view.x * 0.5f) * k - view.x * 0.5f);
        ImGui::SetScrollY((ImGui::GetScrollY() + view.y * 0.5f) * k - view.y * 0.5f);
    }
    scroll.zoom_from = zoom;
}

void draw_graph(node_session& s, const protocol::application_row& app, const tree_layout& l, float zoom, float height, graph_scroll& scroll) {
    // Always EndChild, whatever BeginChild says (ImGui 1.86's rule).
    if (ImGui::BeginChild("##graph", ImVec2(0, height), true, ImGuiWindowFlags_HorizontalScrollbar)) {
        const graph_metrics m(zoom);
        const ImVec2 origin = ImGui::GetCursorScreenPos();
        const ImVec2 content = m.content(l);
        const ImVec2 view = ImGui::GetContentRegionAvail();
        const bool clicked = ImGui::InvisibleButton("##canvas", ImVec2(std::max(content.x, 1.0f), std::max(content.y, 1.0f)));
        scroll_graph(scroll, m, l, content, view, zoom);
        const bool canvas_hovered = ImGui::IsItemHovered();
        const ImGuiIO& io = ImGui::GetIO();
        if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
            ImGui::SetScrollX(ImGui::GetScrollX() - io.MouseDelta.x);
            ImGui::SetScrollY(ImGui::GetScrollY() - io.MouseDelta.y);
        }

        std::optional<std::size_t> hovered;
        if (canvas_hovered) {
            for (std::size_t i = 0; i < l.boxes.size() && !hovered; ++i) {
                const ImVec2 min = m.box_min(origin, l.boxes[i]);
                const ImVec2 max = m.box_max(origin, l.boxes[i]);
                if (io.MousePos.x >= min.x && io.MousePos.x < max.x && io.MousePos.y >= min.y && io.MousePos.y < max.y) hovered = i;
            }
        }

        ImDrawList* dl = ImGui::GetWindowDrawList();
        draw_edges(dl, m, origin, l);
        for (std::size_t i = 0; i < l.boxes.size(); ++i) {
            const ImVec2 min = m.box_min(origin, l.boxes[i]);
            const ImVec2 max = m.box_max(origin, l.boxes[i]);
            if (ImGui::IsRectVisible(min, max)) draw_box(dl, m, min, max, l.boxes[i], app, hovered == i);
        }

        if (hovered) {
            const layout_box& b = l.boxes[*hovered];
            const std::optional<pid> p = pid_of(b);
            if (p) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
            box_tooltip(b);
            // A drag to pan ends over a box too: only a click that stayed
            // put opens a window.
            const float still = io.MouseDragThreshold * io.MouseDragThreshold;
            if (clicked && p && io.MouseDragMaxDistanceSqr[ImGuiMouseButton_Left] < still) s.open_window(*p);
        }
    }
    ImGui::EndChild();
}

// [restart history] -------------------------------------------------------------

struct restart_entry {
    const protocol::restart_row* restart = nullptr;
    const protocol::supervisor_row* supervisor = nullptr;
};

// Every restart the tree's supervisors keep, and their restarts_total
// summed (the node keeps only the latest few of each).
void collect_restarts(const protocol::tree_node& n, std::vector<restart_entry>& out, std::uint64_t& total, std::size_t depth = 0) {
    total += n.supervisor.restarts_total;
    for (const auto& r : n.supervisor.restarts) out.push_back({&r, &n.supervisor});
    if (depth + 1 < graph_bounds.max_depth)
        for (const auto& sub : n.subtrees) collect_restarts(sub, out, total, depth + 1);
}

void draw_restart_history(node_session& s, const std::vector<restart_entry>& restarts) {
    constexpr ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_Resizable;
    if (!ImGui::BeginTable("##restarts", 5, flags)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    // Widths from sample text: fixed columns fit what the first frame
    // showed, and the first rows are seldom the widest.
    const float pid_width = ImGui::CalcTextSize("<0.00000.0>").x;
    ImGui::TableSetupColumn("At", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("00m 00s").x);
    ImGui::TableSetupColumn("Supervisor", ImGuiTableColumnFlags_WidthFixed, pid_width);
    ImGui::TableSetupColumn("Child", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("a_child_name").x);
    ImGui::TableSetupColumn("Old pid", ImGuiTableColumnFlags_WidthFixed, pid_width);
    ImGui::TableSetupColumn("Reason", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(restarts.size()));
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const restart_entry& e = restarts[static_cast<std::size_t>(i)];
            ImGui::PushID(i);
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(render::ms_text(e.restart->at_ms).c_str());
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("node uptime when it restarted");
            ImGui::TableNextColumn();
            if (pid_link(e.supervisor->pid, 1)) s.open_window(e.supervisor->pid);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(name_of(e.restart->child).c_str());
            ImGui::TableNextColumn();
            if (pid_link(e.restart->old_pid, 2)) s.open_window(e.restart->old_pid);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(e.restart->reason.c_str());
            if (ImGui::IsItemHovered() && !e.restart->reason.empty()) ImGui::SetTooltip("%s", e.restart->reason.c_str());
            ImGui::PopID();
        }
    }
    ImGui::EndTable();
}

// [view] ------------------------------------------------------------------------

void draw_status(const protocol::application_row& a) {
    if (a.running) {
        ImGui::TextUnformatted("running");
    } else {
        const std::string text = a.exit_reason.empty() ? std::string("stopped") : a.exit_reason;
        ImGui::TextColored(error_colour, "%s", text.c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text.c_str());
    }
}

} // namespace

void applications_view::draw(node_session& s) {
    if (!connected_or_banner(s)) return;
    zoom_ = std::clamp(zoom_, min_zoom, max_zoom);
    const auto& apps = s.applications();
    if (apps.empty()) {
        dim_text("No applications yet: the node sends them with its next update.");
        return;
    }
    // The choice is kept by name: the node sends its applications afresh,
    // and one that stops stays listed with its exit reason.
    const protocol::application_row* app = &apps.front();
    for (const auto& a : apps)
        if (a.name.name() == selected_app_) app = &a;
    selected_app_ = std::string(app->name.name());

    constexpr ImGuiTableFlags list_flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                           ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable;
    if (ImGui::BeginTable("##applications", 2, list_flags, ImVec2(ImGui::GetFontSize() * 18.0f, 0))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("Application", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("Status", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableHeadersRow();
        for (const auto& a : apps) {
            ImGui::PushID(static_cast<int>(a.name.index()));
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            if (ImGui::Selectable(std::string(a.name.name()).c_str(), &a == app, ImGuiSelectableFlags_SpanAllColumns))
                selected_app_ = std::string(a.name.name());
            ImGui::TableNextColumn();
            draw_status(a);
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    ImGui::SameLine();

    if (ImGui::BeginChild("##application")) {
        ImGui::TextUnformatted(selected_app_.c_str());
        ImGui::SameLine();
        draw_status(*app);
        if (!app->tree) {
            dim_text("Not running: it has no supervision tree.");
        } else {
            const protocol::tree_node& root = *app->tree;
            std::vector<restart_entry> restarts;
            std::uint64_t restarts_total = 0;
            collect_restarts(root, restarts, restarts_total);
            std::stable_sort(restarts.begin(), restarts.end(),
                             [](const restart_entry& a, const restart_entry& b) { return a.restart->at_ms > b.restart->at_ms; });
            const tree_layout l = layout_tree(root, graph_bounds);

            ImGui::SameLine();
            ImGui::TextUnformatted("root");
            ImGui::SameLine();
            if (pid_link(root.supervisor.pid)) s.open_window(root.supervisor.pid);
            ImGui::SameLine();
            ImGui::Text("%s %s", render::count_text(restarts_total).c_str(), restarts_total == 1 ? "restart" : "restarts");
            ImGui::SameLine();
            ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10.0f);
            ImGui::SliderFloat("Zoom", &zoom_, min_zoom, max_zoom, "%.2fx", ImGuiSliderFlags_AlwaysClamp);
            ImGui::SameLine();
            if (ImGui::SmallButton("1:1")) zoom_ = 1.0f;
            ImGui::SameLine();
            help_marker("Click a box to open its process; drag to pan. The badge is the supervisor's restarts.");
            if (l.not_drawn > 0)
                dim_text("The graph draws the first " + render::count_text(graph_bounds.max_boxes) + " boxes: " + render::count_text(l.not_drawn) +
                         " children are in the \"more\" boxes.");

            // The graph takes what the history leaves; the history gets a
            // third, or one line when there is nothing to list.
            const float avail = ImGui::GetContentRegionAvail().y;
            const float line = ImGui::GetFrameHeightWithSpacing();
            const float history = restarts.empty() ? line : std::max(avail / 3.0f, 5.0f * line);
            graph_scroll scroll{.centre_root = centred_app_ != selected_app_, .zoom_from = drawn_zoom_};
            draw_graph(s, *app, l, zoom_, std::max(avail - history - line, 4.0f * line), scroll);
            if (!scroll.centre_root) centred_app_ = selected_app_;
            drawn_zoom_ = scroll.zoom_from;

            ImGui::TextUnformatted("Restart history");
            ImGui::SameLine();
            if (restarts.empty()) {
                dim_text("none kept");
            } else {
                dim_text("newest first; the node keeps the latest of each supervisor");
                draw_restart_history(s, restarts);
            }
        }
    }
    ImGui::EndChild();
}

} // namespace ember::observer::ui
