// The Observer's main window (app.hpp): the node list, the connect dialog,
// the tabs of the current node, its process windows, and the keyboard.
//
// Only the current node's visible tab subscribes (view_subscriptions);
// other nodes keep their connection but ask for nothing, as Erlang's
// Observer refreshes only what is on screen.
//
// Sections: [views] [app] [menu and node list] [connect dialog] [node] [keyboard]

#include "ember/observer_ui/app.hpp"

#include <algorithm>
#include <array>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "ember/client/endpoint.hpp"
#include "ember/observer_ui/actions.hpp"
#include "ember/observer_ui/views.hpp"
#include "ember/observer_ui/widgets.hpp"

namespace ember::observer::ui {

// [views] ---------------------------------------------------------------------------

namespace {

struct tab_info {
    tab which;
    const char* label;
    const char* view_name; // as --view takes it
    view_kind subscribes;
};
constexpr std::array tabs{
    tab_info{tab::system, "System", "system", view_kind::system},
    tab_info{tab::load, "Load", "load", view_kind::load},
    tab_info{tab::processes, "Processes", "processes", view_kind::processes},
    tab_info{tab::applications, "Applications", "apps", view_kind::applications},
    tab_info{tab::events, "Events", "events", view_kind::events},
    tab_info{tab::trace, "Trace", "trace", view_kind::none},
};

constexpr std::array intervals{refresh_interval::s1, refresh_interval::s2, refresh_interval::s5, refresh_interval::s10,
                               refresh_interval::paused};

constexpr float min_font_scale = 0.75f;
constexpr float max_font_scale = 3.0f;

ImU32 state_colour(connection_state s) {
    switch (s) {
    case connection_state::connected: return IM_COL32(80, 200, 120, 255);
    case connection_state::connecting:
    case connection_state::lost: return IM_COL32(240, 170, 50, 255);
    case connection_state::disconnected: return IM_COL32(140, 140, 140, 255);
    default: return IM_COL32(235, 75, 65, 255);
    }
}

} // namespace

std::optional<view_choice> parse_view(std::string_view name) {
    if (name == "process") return view_choice{tab::processes, true, false};
    if (name == "trace") return view_choice{tab::trace, false, true};
    for (const tab_info& t : tabs)
        if (name == t.view_name) return view_choice{t.which, false, false};
    return std::nullopt;
}

struct app::node_entry {
    explicit node_entry(connection_options o) : session(std::make_unique<node_session>(std::move(o))) {}
    std::unique_ptr<node_session> session;
    system_view system;
    load_view load;
    processes_view processes;
    process_windows windows;
    applications_view applications;
    events_view events;
    trace_view trace;
    action_dialog actions;
    tab shown = tab::system;
    // A tab chosen by code (keyboard, --view, a Trace button): it is what
    // subscribes from now on, and the tab bar shows it within a frame or two.
    std::optional<tab> select_next;
    bool open_top_process = false;
    bool trace_top_process = false; // shows Processes until the top row is known, then traces it
};

// [app] -----------------------------------------------------------------------------

app::app(app_options options) : options_(std::move(options)), font_scale_(options_.font_scale), interval_(options_.interval) {}

app::~app() = default;

std::size_t app::node_count() const noexcept { return nodes_.size(); }

node_session* app::current_node() noexcept { return nodes_.empty() ? nullptr : nodes_[current_]->session.get(); }

void app::add_node(std::string where, std::string token) {
    connection_options o = options_.connection;
    o.where = std::move(where);
    o.token = std::move(token);
    auto n = std::make_unique<node_entry>(std::move(o));
    n->session->set_interval(interval_);
    n->session->connect();
    nodes_.push_back(std::move(n));
    current_ = nodes_.size() - 1;
}

void app::show(view_choice v) {
    if (nodes_.empty()) return;
    node_entry& n = *nodes_[current_];
    n.open_top_process = v.open_top_process;
    n.trace_top_process = v.trace_top_process;
    n.select_next = n.trace_top_process ? tab::processes : v.shown;
    n.shown = *n.select_next; // subscribes now, not after a frame of the old tab
}

bool app::settled() const {
    if (nodes_.empty()) return true;
    const node_entry& n = *nodes_[current_];
    const node_session& s = *n.session;
    switch (s.state()) {
    case connection_state::refused:
    case connection_state::unreachable:
    case connection_state::mismatch: return true; // nothing more will come
    case connection_state::connected: break;
    default: return false;
    }
    if (n.select_next || n.open_top_process || n.trace_top_process) return false;
    switch (n.shown) {
    case tab::system: return s.system() && !s.schedulers().empty();
    case tab::load: return s.history().latest() > 0;
    case tab::processes:
        return s.processes().row_count() > 0 && s.processes().row(0) && (s.windows().empty() || s.windows().back().info || s.windows().back().gone);
    case tab::applications: return !s.applications().empty();
    case tab::events: return s.events_arrived();
    case tab::trace: return !s.is_admin() || (s.trace() && (!s.trace()->rows.empty() || !s.trace()->ended.empty()));
    }
    return true;
}

void app::frame(std::chrono::steady_clock::time_point now) {
    ImGuiIO& io = ImGui::GetIO();
    // The atlas was built at options_.font_scale (crisp); changes from there scale it.
    io.FontGlobalScale = font_scale_ / options_.font_scale;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        node_entry& n = *nodes_[i];
        // Only the current node's visible tab subscribes.
        const view_kind wanted = i == current_ ? tabs[static_cast<std::size_t>(n.shown)].subscribes : view_kind::none;
        n.session->set_view(wanted);
        n.session->update(now);
    }

    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                                   ImGuiWindowFlags_MenuBar | ImGuiWindowFlags_NoBringToFrontOnFocus;
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0.0f);
    ImGui::Begin("Ember Observer", nullptr, flags);
    ImGui::PopStyleVar();
    draw_menu();
    draw_node_list();
    ImGui::SameLine();
    ImGui::BeginChild("node", ImVec2(0, 0), false);
    if (nodes_.empty()) {
        ImGui::TextUnformatted("No node yet.");
        dim_text("Connect to a node's agent: its address (ember-node prints `agent: ADDR:PORT`) and a token file from its state directory.");
        if (ImGui::Button("Connect...")) connect_open_ = true;
    } else {
        // Per node: its tab bar, table sort and scroll are its own.
        ImGui::PushID(nodes_[current_].get());
        draw_node(*nodes_[current_]);
        ImGui::PopID();
    }
    ImGui::EndChild();
    ImGui::End();

    if (!nodes_.empty()) {
        node_entry& n = *nodes_[current_];
        ImGui::PushID(&n);
        n.windows.draw(*n.session, n.actions);
        ImGui::PopID();
        n.actions.draw(*n.session);
        keyboard(n);
    }
    draw_connect_dialog();
}

// [menu and node list] ----------------------------------------------------------------

void app::draw_menu() {
    if (!ImGui::BeginMenuBar()) return;
    if (ImGui::BeginMenu("Node")) {
        if (ImGui::MenuItem("Connect...", nullptr)) connect_open_ = true;
        if (node_session* s = current_node()) {
            if (ImGui::MenuItem("Reconnect", nullptr, false, s->state() != connection_state::connected)) s->connect();
            if (ImGui::MenuItem("Disconnect", nullptr, false, s->state() != connection_state::disconnected)) s->disconnect();
        }
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
        if (ImGui::MenuItem("Larger text", "Ctrl +")) font_scale_ = std::min(max_font_scale, font_scale_ + 0.25f);
        if (ImGui::MenuItem("Smaller text", "Ctrl -")) font_scale_ = std::max(min_font_scale, font_scale_ - 0.25f);
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
        ImGui::SliderFloat("Font scale", &font_scale_, min_font_scale, max_font_scale, "%.2f");
        ImGui::EndMenu();
    }
    // The refresh interval, at the right: what every node's visible view subscribes at.
    ImGui::SameLine(ImGui::GetWindowWidth() - ImGui::GetFontSize() * 12);
    ImGui::TextUnformatted("Refresh");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
    if (ImGui::BeginCombo("##refresh", std::string(refresh_interval_name(interval_)).c_str())) {
        for (refresh_interval r : intervals) {
            if (ImGui::Selectable(std::string(refresh_interval_name(r)).c_str(), r == interval_)) {
                interval_ = r;
                for (auto& n : nodes_) n->session->set_interval(r);
            }
        }
        ImGui::EndCombo();
    }
    ImGui::EndMenuBar();
}

void app::draw_node_list() {
    ImGui::BeginChild("nodes", ImVec2(ImGui::GetFontSize() * 13, 0), true);
    dim_text("NODES");
    std::optional<std::size_t> remove;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        node_session& s = *nodes_[i]->session;
        ImGui::PushID(static_cast<int>(i));
        const ImVec2 at = ImGui::GetCursorScreenPos();
        const float r = ImGui::GetFontSize() * 0.3f;
        ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(at.x + r, at.y + ImGui::GetTextLineHeight() * 0.5f), r, state_colour(s.state()));
        ImGui::SetCursorScreenPos(ImVec2(at.x + r * 3, at.y));
        const std::string label = s.title();
        if (ImGui::Selectable(label.c_str(), i == current_)) current_ = i;
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\n%s%s", s.connection().where().c_str(), std::string(connection_state_name(s.state())).c_str(),
                                                      s.is_admin() ? ", admin" : ", read-only");
        if (ImGui::BeginPopupContextItem()) {
            if (ImGui::MenuItem("Reconnect", nullptr, false, s.state() != connection_state::connected)) s.connect();
            if (ImGui::MenuItem("Disconnect", nullptr, false, s.state() != connection_state::disconnected)) s.disconnect();
            if (ImGui::MenuItem("Remove")) remove = i;
            ImGui::EndPopup();
        }
        ImGui::SetCursorPosX(ImGui::GetCursorPosX() + r * 3);
        dim_text(connection_state_name(s.state()));
        ImGui::PopID();
    }
    if (remove) {
        // Its worker may be inside a connect or a request for a few more
        // seconds; joining it here would freeze the window, so it is only
        // disconnected now and destroyed with the app.
        auto gone = nodes_.begin() + static_cast<std::ptrdiff_t>(*remove);
        (*gone)->session->disconnect();
        retiring_.push_back(std::move(*gone));
        nodes_.erase(gone);
        if (*remove < current_) --current_;
        if (current_ >= nodes_.size()) current_ = nodes_.empty() ? 0 : nodes_.size() - 1;
    }
    ImGui::Spacing();
    if (ImGui::Button("+ Connect...")) connect_open_ = true;
    ImGui::EndChild();
}

// [connect dialog] --------------------------------------------------------------------

void app::draw_connect_dialog() {
    constexpr const char* id = "Connect to a node";
    if (connect_open_) {
        ImGui::OpenPopup(id);
        connect_open_ = false;
        connect_error_.clear();
    }
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    if (!ImGui::BeginPopupModal(id, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
    const float width = ImGui::GetFontSize() * 24;
    ImGui::TextUnformatted("Agent address (HOST:PORT)");
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    ImGui::SetNextItemWidth(width);
    bool go = ImGui::InputText("##where", &connect_where_, ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::TextUnformatted("Token file (read-only.token or admin.token in the node's state directory)");
    ImGui::SetNextItemWidth(width);
    go |= ImGui::InputText("##token", &connect_token_file_, ImGuiInputTextFlags_EnterReturnsTrue);
    if (!connect_error_.empty()) error_text(connect_error_);
    go |= ImGui::Button("Connect", ImVec2(ImGui::GetFontSize() * 7, 0));
    ImGui::SameLine();
    if (ImGui::Button("Cancel", ImVec2(ImGui::GetFontSize() * 7, 0)) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
        ImGui::CloseCurrentPopup();
    } else if (go) {
        // Checked here, so a typo is one line in the dialog, not a node
        // that stays "unreachable".
        auto endpoint = client::parse_endpoint(connect_where_);
        auto token = client::read_token_file(connect_token_file_);
        if (!endpoint) {
            connect_error_ = endpoint.error().describe();
        } else if (!token) {
            connect_error_ = token.error().describe();
        } else {
            add_node(connect_where_, *token);
            ImGui::CloseCurrentPopup();
        }
    }
    ImGui::EndPopup();
}

// [node] --------------------------------------------------------------------------------

void app::draw_node(node_entry& n) {
    node_session& s = *n.session;
    // A process window's Trace button: the Trace tab, with its pid.
    if (auto p = n.windows.take_trace_request()) {
        n.trace.set_target(*p);
        n.select_next = n.shown = tab::trace;
    }
    draw_status(s);
    if (!ImGui::BeginTabBar("views")) return;
    for (const tab_info& t : tabs) {
        const ImGuiTabItemFlags f = n.select_next == t.which ? ImGuiTabItemFlags_SetSelected : ImGuiTabItemFlags_None;
        if (!ImGui::BeginTabItem(t.label, nullptr, f)) continue;
        // While a tab chosen by code is on its way, the bar may still report
        // the old one: the chosen one stays shown (and subscribed).
        if (!n.select_next || *n.select_next == t.which) n.shown = t.which;
        if (n.select_next == t.which) n.select_next.reset();
        ImGui::BeginChild("body", ImVec2(0, 0), false);
        switch (t.which) {
        case tab::system: n.system.draw(s); break;
        case tab::load: n.load.draw(s); break;
        case tab::processes: n.processes.draw(s, n.actions); break;
        case tab::applications: n.applications.draw(s); break;
        case tab::events: n.events.draw(s); break;
        case tab::trace: n.trace.draw(s); break;
        }
        ImGui::EndChild();
        ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
    // --view process: the top process's window, once the table shows it.
    if (n.open_top_process && s.processes().row_count() > 0) {
        if (const protocol::process_row* top = s.processes().row(0)) {
            s.processes().select(top->pid);
            s.open_window(top->pid);
            n.open_top_process = false;
        }
    }
    // --view trace: trace the top process, then show the trace.
    if (n.trace_top_process && s.processes().row_count() > 0) {
        if (const protocol::process_row* top = s.processes().row(0)) {
            n.trace.set_target(top->pid);
            if (s.is_admin()) s.start_trace(top->pid);
            n.trace_top_process = false;
            n.select_next = n.shown = tab::trace;
        }
    }
}

// The line above the tabs: what the last action came to, and the last
// figure the node sent that could not be read, so neither goes unseen.
void app::draw_status(const node_session& s) {
    bool any = false;
    if (!s.outcomes().empty()) {
        const action_outcome& o = s.outcomes().back();
        any = true;
        if (!o.done) {
            dim_text(o.text + ": waiting for the node...");
        } else if (o.ok) {
            ImGui::TextColored(ImVec4(0.45f, 0.8f, 0.5f, 1), "%s: done", o.text.c_str());
        } else {
            error_text(o.text + ": " + o.error);
        }
    }
    if (!s.last_error().empty()) {
        if (any) ImGui::SameLine(0, ImGui::GetFontSize() * 2);
        dim_text("Last error: " + s.last_error());
        any = true;
    }
    if (!any) dim_text(s.is_admin() ? "Admin: actions are allowed." : "Read-only: watching only.");
}

// [keyboard] -------------------------------------------------------------------------

void app::keyboard(node_entry& n) {
    const ImGuiIO& io = ImGui::GetIO();
    if (!io.KeyCtrl) return;
    // Not under a dialog: it has the keyboard (a term being typed, a confirmation).
    if (ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel)) return;
    // Dear ImGui 1.86 indexes keys by the backend's codes; GLFW's letter
    // and punctuation codes are their ASCII.
    if (ImGui::IsKeyPressed('F', false)) {
        n.select_next = n.shown = tab::processes;
        n.processes.focus_filter();
    }
    if (ImGui::IsKeyPressed('=', false) || ImGui::IsKeyPressed(334 /* GLFW_KEY_KP_ADD */, false))
        font_scale_ = std::min(max_font_scale, font_scale_ + 0.25f);
    if (ImGui::IsKeyPressed('-', false) || ImGui::IsKeyPressed(333 /* GLFW_KEY_KP_SUBTRACT */, false))
        font_scale_ = std::max(min_font_scale, font_scale_ - 0.25f);
}

} // namespace ember::observer::ui
