// The small pieces every view draws with (widgets.hpp).

#include "ember/observer_ui/widgets.hpp"

#include <string>

#include "ember/render/text.hpp"

namespace ember::observer::ui {

bool pid_link(const ember::pid& p, int salt) {
    const std::string text = render::pid_text(p);
    ImGui::PushID(salt);
    ImGui::PushID(text.c_str());
    const ImVec4 link = ImGui::GetStyle().Colors[ImGuiCol_ButtonHovered];
    ImGui::PushStyleColor(ImGuiCol_Text, link);
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopStyleColor();
    const bool hovered = ImGui::IsItemHovered();
    if (hovered) {
        const ImVec2 lo = ImGui::GetItemRectMin();
        const ImVec2 hi = ImGui::GetItemRectMax();
        ImGui::GetWindowDrawList()->AddLine({lo.x, hi.y}, hi, ImGui::GetColorU32(link));
        ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
        ImGui::SetTooltip("Open %s", text.c_str());
    }
    const bool clicked = hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left);
    ImGui::PopID();
    ImGui::PopID();
    return clicked;
}

namespace {

// Worse first: a zombie's code still runs; a long schedule holds a core.
int severity(std::string_view kind) {
    if (kind == "zombie") return 5;
    if (kind == "long_schedule") return 4;
    if (kind == "mailbox_growing" || kind == "long_message_queue") return 3;
    if (kind == "old_message") return 2;
    if (kind == "restart_limit_near" || kind == "large_memory") return 1;
    return 0;
}

} // namespace

ImU32 warning_colour(std::string_view kind) {
    switch (severity(kind)) {
    case 5: return IM_COL32(235, 80, 200, 255);  // zombie: magenta
    case 4: return IM_COL32(240, 70, 60, 255);   // runaway: red
    case 3: return IM_COL32(245, 160, 40, 255);  // long mailbox: orange
    case 2: return IM_COL32(230, 210, 60, 255);  // old message: yellow
    case 1: return IM_COL32(90, 170, 240, 255);  // restarts, memory: blue
    default: return ImGui::GetColorU32(ImGuiCol_Text);
    }
}

const protocol::warning_row* worst_warning(const std::vector<const protocol::warning_row*>& warnings) {
    const protocol::warning_row* worst = nullptr;
    for (const auto* w : warnings)
        if (!worst || severity(w->kind.name()) > severity(worst->kind.name())) worst = w;
    return worst;
}

void dim_text(std::string_view text) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
    ImGui::TextUnformatted(text.data(), text.data() + text.size());
    ImGui::PopStyleColor();
}

void error_text(std::string_view text) {
    ImGui::PushStyleColor(ImGuiCol_Text, error_colour);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(text.data(), text.data() + text.size());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
}

void help_marker(std::string_view text) {
    ImGui::SameLine();
    dim_text("(?)");
    if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
        ImGui::TextUnformatted(text.data(), text.data() + text.size());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
}

void property_row(std::string_view key, std::string_view value) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    dim_text(key);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(value.data(), value.data() + value.size());
}

bool connected_or_banner(node_session& s) {
    const connection_state st = s.state();
    if (st == connection_state::connected) return true;
    const bool has_figures = s.system().has_value();
    ImU32 colour = ImGui::GetColorU32(ImGuiCol_Text);
    std::string line;
    switch (st) {
    case connection_state::connecting: line = "Connecting to " + s.connection().where() + "..."; break;
    case connection_state::lost:
        line = "Connection lost: reconnecting to " + s.connection().where() + " (figures below are from before)";
        colour = warning_colour("mailbox_growing");
        break;
    case connection_state::refused:
        line = "Refused: the node did not accept this token (" + s.connection().where() + ")";
        colour = warning_colour("long_schedule");
        break;
    case connection_state::unreachable:
        line = "Unreachable: no connection to " + s.connection().where();
        colour = warning_colour("long_schedule");
        break;
    case connection_state::mismatch:
        line = "Protocol mismatch: the node at " + s.connection().where() + " speaks another protocol version";
        colour = warning_colour("long_schedule");
        break;
    case connection_state::disconnected: line = "Disconnected from " + s.connection().where(); break;
    case connection_state::connected: break;
    }
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    ImGui::TextWrapped("%s", line.c_str());
    ImGui::PopStyleColor();
    if (!s.connection().last_error().empty() && st != connection_state::connecting) dim_text(s.connection().last_error());
    if (st != connection_state::connecting && st != connection_state::lost) {
        if (ImGui::Button("Connect")) s.connect();
    }
    ImGui::Separator();
    return st == connection_state::lost && has_figures;
}

} // namespace ember::observer::ui
