#pragma once
// The Observer's line chart: time series over the last few minutes, drawn
// with ImDrawList (Debian ships no ImPlot). Every figure it draws (ticks,
// labels, pixel positions, decimation, the sample under the mouse) comes
// from chart_scale.hpp, where it is tested without ImGui; this widget only
// turns those figures into draw calls, plus the few pure steps below
// (polylines broken at gaps, the legend's rows, what the tooltip shows),
// which are free functions so that tests reach them without a frame.
//
//   line_chart chart_;                           // a member: it keeps the y range steady
//   chart_series s{"run queue", points};         // points: a span into the history ring
//   chart_.draw("##runq", {&s, 1}, {.unit = value_unit::count, .now_s = history.latest()});
//
// Threads: the UI thread only, inside an ImGui frame (between NewFrame and
// Render) and inside a window; the free functions are pure and any thread
// may call them. Nothing throws but std::bad_alloc; bad data (NaN, empty
// series, a window of 0 s) draws an empty chart, never fails.
//
// Sections: [pure steps] [options] [widget]

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <imgui.h>

#include "ember/observer/chart_scale.hpp"

namespace ember::observer::ui {

// [pure steps] -------------------------------------------------------------------

/// The points that draw one series in `m`, as polylines: the finite samples
/// of `points` (sorted by t), decimated to at most 2 per pixel column when
/// there are more samples than columns (decimate), and split where a NaN
/// sample lies between two kept points. Once decimated, a gap inside one
/// pixel column does not split (it would not show, and splitting there
/// would let the point count grow with the samples). Writes the kept points
/// to `out` and each polyline's length to `runs` (a run of 1 is a lone dot),
/// clearing both first; allocates only when they grow or to decimate.
void chart_polylines(std::span<const chart_point> points, const chart_mapping& m, std::vector<chart_point>& out, std::vector<std::size_t>& runs);

/// The samples of a sorted series with t0 <= t <= t1 (no neighbours outside,
/// unlike visible_points: what lies outside the window must not size the y
/// axis).
std::span<const chart_point> window_points(std::span<const chart_point> points, double t0, double t1) noexcept;

/// The newest sample with a finite value, for the legend; nullopt when none.
std::optional<chart_point> latest_finite(std::span<const chart_point> points) noexcept;

/// What the tooltip shows of one series with the mouse at `mouse_x`: the
/// sample nearest in time (hover_sample) when the series' line passes under
/// the mouse (a finite sample on either side of it), or the mouse is within
/// `edge_pixels` of that sample (past the first or last sample of a run).
/// nullopt before the series began, after it ended, and in a NaN gap.
std::optional<hover_hit> chart_hover(std::span<const chart_point> points, const chart_mapping& m, double mouse_x, double edge_pixels = 8) noexcept;

/// Where one legend item goes: its left edge from the legend's left, and its row.
struct legend_slot {
    float x = 0;
    int row = 0;
};

/// Places legend items of `widths` left to right, `gap` apart, starting a
/// new row when an item would pass `avail_width`; an item wider than a row
/// gets a row of its own. Writes one slot per item to `out` (cleared first)
/// and returns the rows used, 0 for no items.
int layout_legend(std::span<const float> widths, float avail_width, float gap, std::vector<legend_slot>& out);

// [options] ----------------------------------------------------------------------

/// One series of a chart. Borrowed: label and points must live until draw()
/// returns (the history ring's spans do, within a frame).
struct chart_series {
    std::string_view label; ///< legend and hover text
    std::span<const chart_point> points; ///< sorted by t; NaN v = gap (the line breaks)
    ImU32 colour = 0; ///< 0: series_colour(index)
};

struct line_chart_options {
    value_unit unit = value_unit::count; ///< y labels: bytes, rate, percent (0..1), duration, count
    float height = 160.0f; ///< pixels, axes included, legend not (font scale is the caller's business)
    double window_s = 300; ///< x spans [now_s - window_s, now_s]
    double now_s = 0; ///< the newest time (history_store::latest())
    int y_ticks = 5, x_ticks = 6;
    bool legend = true;
    std::optional<value_range> fixed_y; ///< e.g. 0..1 for utilization; otherwise stable_y_range
};

/// The `index`th colour of a palette readable on ImGui's dark style
/// (Okabe and Ito's colour-blind safe set, lightened); it repeats after 8.
ImU32 series_colour(std::size_t index) noexcept;

// [widget] -----------------------------------------------------------------------

/// One series' line in the tooltip.
struct hover_line {
    std::size_t series = 0; ///< index into the series given to draw()
    hover_hit hit; ///< hit.index is into that series' points
    std::string value_text; ///< format_value(hit.point.v, unit)
    ImU32 colour = 0;
};

/// What the last draw() showed under the mouse.
struct hover_state {
    bool active = false; ///< the mouse was over the plot: the line and tooltip were drawn
    double mouse_x = 0; ///< screen pixels
    double t = 0; ///< the time under the mouse
    std::string time_label; ///< format_time_offset(t - now_s)
    std::vector<hover_line> lines; ///< series with a sample to show, in series order
};

/// Where the last draw() put things, in screen pixels.
struct chart_layout {
    ImVec2 min, max; ///< the whole widget, legend included (the item's rectangle)
    ImVec2 plot_min, plot_max; ///< the framed plot area the series are clipped to
    value_range y; ///< the value range the plot spans
    bool no_data = false; ///< no series had a finite sample in the window: "no data" drawn
    std::size_t points_drawn = 0; ///< polyline points of all series, after decimation
    int legend_rows = 0;
};

/// A line chart with a y range that does not flicker (it grows at once,
/// shrinks after a while: stable_y_range), so keep one per chart across
/// frames. UI thread only; owns only scratch buffers, reused each frame.
class line_chart {
public:
    explicit line_chart(y_range_policy policy = {});

    /// Draws at the cursor, full available width, options.height high (plus
    /// the legend's rows), and submits it as one item (an InvisibleButton
    /// named `id`, so the ImGui ids of two charts in a window must differ)
    /// so that layout continues below. Hovering the plot draws a vertical
    /// line and a tooltip with each series' nearest value.
    void draw(const char* id, std::span<const chart_series> series, const line_chart_options& options);

    /// What the last draw() showed on hover, and where it drew: for tests
    /// and for views that link charts (a shared hover time).
    const hover_state& last_hover() const noexcept { return hover_; }
    const chart_layout& last_layout() const noexcept { return layout_; }

private:
    void update_axes(std::span<const chart_series> series, const line_chart_options& options);
    void draw_axes(ImDrawList& dl, const chart_mapping& m) const;
    void draw_series(ImDrawList& dl, std::span<const chart_series> series, const chart_mapping& m);
    void update_hover(std::span<const chart_series> series, const line_chart_options& options, const chart_mapping& m, bool hovered);
    void draw_hover(ImDrawList& dl, std::span<const chart_series> series, const chart_mapping& m) const;
    float legend_height(std::span<const chart_series> series, const line_chart_options& options, float width);
    void draw_legend(ImDrawList& dl, std::span<const chart_series> series, ImVec2 at) const;

    stable_y_range y_;
    // Axes are rebuilt only when what they depend on changes, so a steady
    // chart formats no labels per frame.
    value_axis y_axis_;
    value_range y_axis_range_{0, 0};
    value_unit y_axis_unit_ = value_unit::count;
    int y_axis_ticks_ = 0;
    time_axis x_axis_;
    double x_axis_window_ = 0;
    int x_axis_ticks_ = 0;
    double now_s_ = 0;
    bool y_labels_ = false; ///< not while no data shows (the range is a placeholder or stale), unless fixed
    // Scratch, reused each frame.
    std::vector<chart_point> kept_;
    std::vector<std::size_t> runs_;
    std::vector<ImVec2> pixels_;
    std::vector<float> legend_widths_;
    std::vector<legend_slot> legend_slots_;
    std::vector<std::string> legend_values_;
    hover_state hover_;
    chart_layout layout_;
};

} // namespace ember::observer::ui
