#pragma once
// The Observer's views, one file each (src/NAME_view.cpp), over one
// node_session. Each class holds only what the user set in it (a window
// length, a filter box, a selection); everything the node told lives in the
// model. draw() runs inside an ImGui window (a tab's body) on the UI thread
// and never waits: it reads the session and calls its mutators.

#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ember/observer/node_session.hpp"
#include "ember/observer_ui/line_chart.hpp"

namespace ember::observer::ui {

class action_dialog; // actions.hpp

/// System: node, schedulers, uptime, processes against the limit, memory,
/// atoms, dirty pool, versions (src/system_view.cpp).
class system_view {
public:
    void draw(node_session& s);
};

/// Load charts: utilization per scheduler, run queues, memory, reduction
/// and message rates, from the history rings (src/load_view.cpp).
class load_view {
public:
    void draw(node_session& s);
private:
    // The points of one chart's series, copied from the history rings each
    // frame into buffers that keep their capacity.
    struct chart_data {
        std::vector<std::vector<chart_point>> points;
        std::vector<std::string> labels;
        std::vector<chart_series> series;
    };
    void fill(const node_session& s, chart_data& d, std::span<const std::string> names, std::span<const std::string> labels);
    int window_index_ = 1; // into the window choices: 1, 5, 10, 60 min
    line_chart utilization_{y_range_policy{.include_zero = true}};
    line_chart run_queue_, memory_, rates_, processes_;
    chart_data data_[5];
    std::vector<sample> scratch_;
    std::vector<std::string> utilization_names_, run_queue_names_, labels_; // per scheduler
};

/// Processes: the virtualized table (src/processes_view.cpp).
class processes_view {
public:
    void draw(node_session& s, action_dialog& actions);
    /// Ctrl-F: the filter box takes the keyboard on the next frame.
    void focus_filter() noexcept { focus_filter_ = true; }
private:
    std::string filter_;
    bool focus_filter_ = false;
    std::optional<std::size_t> pending_select_; // a row moved to by the keyboard whose page is not here yet
    std::uint64_t pending_epoch_ = 0;
};

/// Every open process window of a node (src/process_window.cpp).
class process_windows {
public:
    void draw(node_session& s, action_dialog& actions);
    /// The process whose Trace... button was pressed, once.
    std::optional<ember::pid> take_trace_request() noexcept { return std::exchange(trace_request_, std::nullopt); }
private:
    std::optional<ember::pid> trace_request_;
    std::optional<ember::pid> newest_; // the window at the back of windows() last frame
};

/// Applications: supervision trees drawn as a graph with restart history
/// (src/applications_view.cpp).
class applications_view {
public:
    void draw(node_session& s);
private:
    std::string selected_app_;
    float zoom_ = 1.0f;
    std::string centred_app_; // whose graph was scrolled to its root ("" none yet)
    float drawn_zoom_ = 1.0f; // the zoom of the last frame, to zoom about the centre
};

/// Events and warnings, newest first (src/events_view.cpp).
class events_view {
public:
    void draw(node_session& s);
private:
    std::string kind_filter_; // an event kind's name, "" for all
};

/// Trace: a bounded message trace of a chosen process (src/trace_view.cpp).
class trace_view {
public:
    void draw(node_session& s);
    /// Fills the pid box (from a process window's "Trace" button).
    void set_target(const ember::pid& p);
private:
    std::string pid_text_;
    int max_messages_ = 1000;
    int max_rate_ = 100;
    bool follow_ = true;
    bool scroll_to_end_ = false; // once, when follow is turned on
};

} // namespace ember::observer::ui
