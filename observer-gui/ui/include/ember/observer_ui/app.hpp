#pragma once
// The Observer's whole UI, without a window: a node list (several nodes at
// once), a connect dialog, and per node the tabs System, Load, Processes,
// Applications, Events, Trace plus its process windows. ember-observer
// (app/) puts it in a GLFW window; the frame bench and the headless tests
// draw it into a bare ImGui context.
//
//   app a({.font_scale = 1.5f});
//   a.add_node("127.0.0.1:7070", token);
//   ... each frame, between ImGui::NewFrame() and ImGui::Render():
//   a.frame(std::chrono::steady_clock::now());
//
// Keyboard: Ctrl-F goes to the Processes filter; arrows move in tables;
// Enter opens the selected process; Ctrl-+ / Ctrl-- scale the font.
//
// Thread-safety: the UI thread only (node sessions do their waiting on
// their own workers).

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/observer/node_session.hpp"

namespace ember::observer::ui {

/// The tabs of a node.
enum class tab : std::uint8_t { system, load, processes, applications, events, trace };

/// "system", "load", "processes", "apps", "events", "trace" (as --view
/// takes them); "process" is the Processes tab with the top process's
/// window open; "trace" also traces the top process when the token is an
/// admin's. nullopt for another name. Any thread.
struct view_choice {
    tab shown = tab::system;
    bool open_top_process = false; ///< "process": open the window of the top process by reductions
    bool trace_top_process = false; ///< "trace": trace the top process (admin only)
};
std::optional<view_choice> parse_view(std::string_view name);

struct app_options {
    float font_scale = 1.0f;
    refresh_interval interval = refresh_interval::s1;
    connection_options connection{}; ///< defaults for every node added (where and token are set per node)
};

class app {
public:
    explicit app(app_options options = {});
    ~app();
    app(const app&) = delete;
    app& operator=(const app&) = delete;

    /// Adds a node and starts connecting; it becomes the current node.
    void add_node(std::string where, std::string token);
    /// Shows `v` on the current node (and opens the top process's window
    /// once the table has a row, for "process").
    void show(view_choice v);

    /// One frame of UI: polls every node, draws the main window, the
    /// current node's tab and process windows, and the dialogs. Call
    /// between ImGui::NewFrame() and ImGui::Render().
    void frame(std::chrono::steady_clock::time_point now);

    /// True when the current view of the current node shows what it is
    /// for: its node answered (or cannot be reached: refused, unreachable,
    /// mismatch) and the figures that view draws have come. --screenshot
    /// waits for this, so a picture never shows "asking the node...".
    bool settled() const;

    /// The font scale the user picked (the program applies it to
    /// io.FontGlobalScale before each frame; frame() does that too).
    float font_scale() const noexcept { return font_scale_; }
    std::size_t node_count() const noexcept;
    /// nullptr when there is none.
    node_session* current_node() noexcept;

    struct node_entry; // app.cpp: a session and its views

private:
    void draw_menu();
    void draw_node_list();
    void draw_connect_dialog();
    void draw_node(node_entry& n);
    void draw_status(const node_session& s);
    void keyboard(node_entry& n);

    app_options options_;
    std::vector<std::unique_ptr<node_entry>> nodes_;
    std::vector<std::unique_ptr<node_entry>> retiring_; // removed, disconnected; destroyed with the app
    std::size_t current_ = 0;
    float font_scale_ = 1.0f;
    refresh_interval interval_ = refresh_interval::s1;
    bool connect_open_ = false;
    std::string connect_where_ = "127.0.0.1:7070";
    std::string connect_token_file_;
    std::string connect_error_;
};

} // namespace ember::observer::ui
