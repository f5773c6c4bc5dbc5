// The confirmation dialog of process actions (actions.hpp).

#include "ember/observer_ui/actions.hpp"

#include <array>
#include <string>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "ember/observer_ui/widgets.hpp"
#include "ember/render/text.hpp"

namespace ember::observer::ui {

namespace {

constexpr std::array all_actions{action_kind::kill, action_kind::exit, action_kind::suspend, action_kind::resume, action_kind::send};
constexpr const char* read_only_reason = "Needs an admin token: this connection is read-only.";
constexpr const char* popup_id = "Confirm action";

const char* label_of(action_kind k) {
    switch (k) {
    case action_kind::kill: return "Kill";
    case action_kind::exit: return "Exit...";
    case action_kind::suspend: return "Suspend";
    case action_kind::resume: return "Resume";
    case action_kind::send: return "Send...";
    }
    return "?";
}

const char* explain(action_kind k) {
    switch (k) {
    case action_kind::kill: return "Kills the process (exit reason kill: it cannot trap it). Its links receive the exit.";
    case action_kind::exit: return "Sends an exit signal with a reason; a process trapping exits gets it as a message.";
    case action_kind::suspend: return "Stops scheduling the process until it is resumed; its messages queue up.";
    case action_kind::resume: return "Schedules a suspended process again.";
    case action_kind::send: return "Sends the term as a message to the process.";
    }
    return "";
}

bool takes_term(action_kind k) { return k == action_kind::exit || k == action_kind::send; }

// Why the actions are greyed out, or nullptr when they are not.
const char* why_not(const node_session& s) {
    if (s.state() != connection_state::connected) return "Not connected to the node.";
    return s.is_admin() ? nullptr : read_only_reason;
}

} // namespace

void action_dialog::buttons(const node_session& s, const ember::pid& p) {
    const char* refused = why_not(s);
    const bool admin = refused == nullptr;
    for (std::size_t i = 0; i < all_actions.size(); ++i) {
        if (i > 0) ImGui::SameLine();
        ImGui::BeginDisabled(!admin);
        if (ImGui::Button(label_of(all_actions[i]))) ask(all_actions[i], p);
        ImGui::EndDisabled();
        if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", admin ? explain(all_actions[i]) : refused);
    }
}

void action_dialog::menu_items(const node_session& s, const ember::pid& p) {
    const char* refused = why_not(s);
    for (action_kind k : all_actions) {
        if (ImGui::MenuItem(label_of(k), nullptr, false, refused == nullptr)) ask(k, p);
        if (refused && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", refused);
    }
}

void action_dialog::ask(action_kind kind, const ember::pid& p) {
    kind_ = kind;
    pid_ = p;
    open_ = true;
    input_ = kind == action_kind::exit ? "shutdown" : "";
    error_.clear();
}

void action_dialog::draw(node_session& s) {
    if (!kind_) return;
    if (open_) {
        ImGui::OpenPopup(popup_id);
        open_ = false;
    }
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    if (!ImGui::BeginPopupModal(popup_id, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
        kind_.reset(); // closed from outside (another modal took its place)
        return;
    }
    const action_kind k = *kind_;
    const std::string who = render::pid_text(pid_);
    ImGui::Text("%s %s on %s?", label_of(k), who.c_str(), s.title().c_str());
    dim_text(explain(k));
    bool confirm = false;
    if (takes_term(k)) {
        ImGui::TextUnformatted(k == action_kind::exit ? "Reason (Erlang term):" : "Message (Erlang term):");
        if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 30.0f);
        if (ImGui::InputText("##term", &input_, ImGuiInputTextFlags_EnterReturnsTrue)) confirm = true;
        if (ImGui::IsItemEdited() || ImGui::IsWindowAppearing()) { // parsed when it changes, not every frame
            auto parsed = parse_term_input(input_);
            error_ = parsed ? std::string() : parsed.error().message;
            error_offset_ = parsed ? 0 : parsed.error().offset;
        }
        if (!error_.empty()) {
            // A caret under the column the parser stopped at.
            const std::size_t at = std::min(error_offset_, input_.size());
            const float x = ImGui::CalcTextSize(input_.c_str(), input_.c_str() + at).x;
            ImGui::SetCursorPosX(ImGui::GetCursorPosX() + ImGui::GetStyle().FramePadding.x + x);
            ImGui::TextColored(error_colour, "^");
            error_text(error_);
        }
    }
    ImGui::Separator();
    const bool ready = error_.empty();
    ImGui::BeginDisabled(!ready);
    if (ImGui::Button(label_of(k), ImVec2(ImGui::GetFontSize() * 8, 0))) confirm = true;
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Cancel", ImVec2(ImGui::GetFontSize() * 8, 0)) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
        kind_.reset();
        ImGui::CloseCurrentPopup();
    } else if (confirm && ready) {
        action a{k, pid_, term()};
        if (takes_term(k)) a.argument = *parse_term_input(input_);
        s.act(std::move(a));
        kind_.reset();
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

} // namespace ember::observer::ui
