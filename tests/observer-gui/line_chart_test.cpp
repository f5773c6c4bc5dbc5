// Tests of observer-gui/ui/src/line_chart.cpp: its pure steps (polylines
// broken at gaps, hover, legend rows) directly, and the widget in a
// headless ImGui frame, by what it adds to the draw list: where, how much,
// and what the tooltip showed. The figures themselves (ticks, labels,
// mapping, decimation) are chart_scale's and tested in chart_scale_test.cpp.

#include "ember/observer_ui/line_chart.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "ui_test_support.hpp"

namespace ember::observer::ui {
namespace {

using test::drawn;
using test::headless_imgui;
using test::inside;
using test::record;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// n samples one `step` apart ending at `end`, values f(i).
template <class F>
std::vector<chart_point> series_of(std::size_t n, double end, double step, F f) {
    std::vector<chart_point> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.push_back({end - static_cast<double>(n - 1 - i) * step, f(i)});
    return out;
}

/// A noisy value that moves every sample, so that decimation keeps 2 per column.
double noise(std::size_t i) { return 0.5 + 0.4 * std::sin(static_cast<double>(i) * 1.7) * std::cos(static_cast<double>(i) * 0.31); }

// [pure steps] -------------------------------------------------------------------

TEST(chart_polylines, few_samples_are_kept_and_every_nan_splits) {
    const chart_mapping m({0, 0, 100, 100}, {0, 10}, {0, 1});
    const std::vector<chart_point> pts{{0, 0.1}, {1, 0.2}, {2, nan}, {3, 0.3}, {4, nan}, {5, nan}, {6, 0.4}, {7, 0.5}};
    std::vector<chart_point> out;
    std::vector<std::size_t> runs;
    chart_polylines(pts, m, out, runs);
    EXPECT_EQ(out, (std::vector<chart_point>{{0, 0.1}, {1, 0.2}, {3, 0.3}, {6, 0.4}, {7, 0.5}}));
    EXPECT_EQ(runs, (std::vector<std::size_t>{2, 1, 2}));
}

TEST(chart_polylines, empty_and_all_nan_give_nothing) {
    const chart_mapping m({0, 0, 100, 100}, {0, 10}, {0, 1});
    std::vector<chart_point> out{{1, 1}};
    std::vector<std::size_t> runs{3};
    chart_polylines({}, m, out, runs);
    EXPECT_TRUE(out.empty());
    EXPECT_TRUE(runs.empty());
    const std::vector<chart_point> gaps{{1, nan}, {2, nan}};
    chart_polylines(gaps, m, out, runs);
    EXPECT_TRUE(out.empty());
    EXPECT_TRUE(runs.empty());
}

TEST(chart_polylines, decimated_series_split_at_gaps_wider_than_a_column) {
    // 1000 samples over 100 columns, a NaN stretch over columns 40..59.
    const chart_mapping m({0, 0, 100, 100}, {0, 1000}, {0, 1});
    std::vector<chart_point> pts = series_of(1000, 999.5, 1, noise);
    for (std::size_t i = 400; i < 600; ++i) pts[i].v = nan;
    std::vector<chart_point> out;
    std::vector<std::size_t> runs;
    chart_polylines(pts, m, out, runs);
    ASSERT_EQ(runs.size(), 2U);
    EXPECT_LE(out.size(), 2U * m.columns());
    EXPECT_LT(out[runs[0] - 1].t, 400);
    EXPECT_GT(out[runs[0]].t, 600);
}

TEST(chart_polylines, gaps_inside_one_column_do_not_multiply_the_runs) {
    // Every other sample NaN, 10 samples a column: without the column rule
    // each finite sample would be a run of its own (a dot each).
    const chart_mapping m({0, 0, 100, 100}, {0, 1000}, {0, 1});
    std::vector<chart_point> pts = series_of(1000, 999.5, 1, noise);
    for (std::size_t i = 0; i < pts.size(); i += 2) pts[i].v = nan;
    std::vector<chart_point> out;
    std::vector<std::size_t> runs;
    chart_polylines(pts, m, out, runs);
    EXPECT_LE(out.size(), 2U * m.columns());
    EXPECT_LE(runs.size(), m.columns());
}

TEST(window_points, keeps_the_samples_inside_only) {
    const std::vector<chart_point> pts{{0, 1}, {1, 2}, {2, 3}, {3, 4}};
    const auto w = window_points(pts, 0.5, 2);
    ASSERT_EQ(w.size(), 2U);
    EXPECT_EQ(w[0].t, 1);
    EXPECT_EQ(w[1].t, 2);
    EXPECT_TRUE(window_points(pts, 5, 6).empty());
    EXPECT_TRUE(window_points(pts, 2, 1).empty());
    EXPECT_TRUE(window_points(pts, nan, 1).empty());
}

TEST(latest_finite, skips_trailing_gaps) {
    const std::vector<chart_point> pts{{0, 1}, {1, 2}, {2, nan}};
    EXPECT_EQ(latest_finite(pts), (chart_point{1, 2}));
    const std::vector<chart_point> gaps{{0, nan}};
    EXPECT_FALSE(latest_finite(gaps));
    EXPECT_FALSE(latest_finite({}));
}

TEST(chart_hover, between_samples_the_nearest_shows_however_sparse) {
    // Samples 50 px apart: the mouse 20 px from the nearest still hits it.
    const chart_mapping m({0, 0, 100, 100}, {0, 10}, {0, 1});
    const std::vector<chart_point> pts{{0, 0.1}, {5, 0.2}, {10, 0.3}};
    const auto hit = chart_hover(pts, m, 70);
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->index, 1U);
    EXPECT_EQ(hit->point, (chart_point{5, 0.2}));
}

TEST(chart_hover, before_the_first_sample_only_near_it) {
    const chart_mapping m({0, 0, 100, 100}, {0, 10}, {0, 1});
    const std::vector<chart_point> pts{{5, 0.2}, {6, 0.3}};
    EXPECT_FALSE(chart_hover(pts, m, 20)); // 30 px before the series began
    const auto near = chart_hover(pts, m, 45);
    ASSERT_TRUE(near);
    EXPECT_EQ(near->index, 0U);
    EXPECT_FALSE(chart_hover(pts, m, 90)); // 30 px after it ended
}

TEST(chart_hover, not_in_a_gap) {
    const chart_mapping m({0, 0, 100, 100}, {0, 10}, {0, 1});
    const std::vector<chart_point> pts{{0, 0.1}, {2, 0.2}, {4, nan}, {6, nan}, {8, 0.3}};
    EXPECT_FALSE(chart_hover(pts, m, 50)); // nearest is a NaN
    EXPECT_FALSE(chart_hover(pts, m, 31)); // nearest 0.2, but the line stops after it
    EXPECT_TRUE(chart_hover(pts, m, 25)); // within 8 px of it
    EXPECT_FALSE(chart_hover({}, m, 25));
}

TEST(layout_legend, wraps_to_new_rows) {
    std::vector<legend_slot> slots;
    const std::vector<float> widths{40, 40, 40, 150, 10};
    EXPECT_EQ(layout_legend(widths, 100, 10, slots), 4);
    ASSERT_EQ(slots.size(), 5U);
    EXPECT_EQ(slots[0].x, 0);
    EXPECT_EQ(slots[1].x, 50);
    EXPECT_EQ(slots[1].row, 0);
    EXPECT_EQ(slots[2].x, 0); // 50 + 40 + 10 + 40 > 100
    EXPECT_EQ(slots[2].row, 1);
    EXPECT_EQ(slots[3].row, 2); // too wide for any row: one of its own
    EXPECT_EQ(slots[3].x, 0);
    EXPECT_EQ(slots[4].row, 3);
    EXPECT_EQ(layout_legend({}, 100, 10, slots), 0);
    EXPECT_TRUE(slots.empty());
}

TEST(series_colour, eight_distinct_opaque_colours_then_repeats) {
    for (std::size_t i = 0; i < 8; ++i) {
        EXPECT_EQ(series_colour(i) & IM_COL32_A_MASK, IM_COL32_A_MASK);
        EXPECT_EQ(series_colour(i), series_colour(i + 8));
        for (std::size_t j = 0; j < i; ++j) EXPECT_NE(series_colour(i), series_colour(j));
    }
}

// [widget] -----------------------------------------------------------------------

line_chart_options options_at(double now, double window = 300) {
    line_chart_options o;
    o.now_s = now;
    o.window_s = window;
    return o;
}

TEST(line_chart, draws_inside_its_rectangle) {
    headless_imgui gui;
    const std::vector<chart_point> a = series_of(301, 1000, 1, noise);
    const std::vector<chart_point> b = series_of(400, 1000, 1, [](std::size_t i) { return i % 50 < 10 ? nan : 0.01 * static_cast<double>(i); });
    const chart_series series[]{{"a", a}, {"b", b, IM_COL32(255, 0, 0, 255)}};
    line_chart chart;
    drawn d;
    gui.frame([&] { d = record([&] { chart.draw("##chart", series, options_at(1000)); }); });
    const chart_layout& l = chart.last_layout();
    EXPECT_FALSE(l.no_data);
    EXPECT_GT(l.points_drawn, 0U);
    EXPECT_FLOAT_EQ(l.min.x, ImGui::GetStyle().WindowPadding.x);
    EXPECT_FLOAT_EQ(l.max.x - l.min.x, 800 - 2 * ImGui::GetStyle().WindowPadding.x);
    EXPECT_TRUE(inside(l.plot_min, l.min, l.max));
    EXPECT_TRUE(inside(l.plot_max, l.min, l.max));
    EXPECT_GT(l.plot_min.x, l.min.x); // room for the y labels
    EXPECT_EQ(l.legend_rows, 1);
    ASSERT_GT(d.size(), 0);
    // AA lines reach a pixel and a half past their points.
    EXPECT_EQ(test::count_vertices(d, [&](const ImDrawVert& v) { return !inside(v.pos, l.min, l.max, 2); }), 0);
    // The explicit colour is used, and the palette's first for the other.
    EXPECT_GT(test::count_vertices(d, [](const ImDrawVert& v) { return v.col == IM_COL32(255, 0, 0, 255); }), 0);
    EXPECT_GT(test::count_vertices(d, [](const ImDrawVert& v) { return v.col == series_colour(0); }), 0);
}

TEST(line_chart, empty_series_show_no_data) {
    headless_imgui gui;
    const std::vector<chart_point> gaps{{990, nan}, {995, nan}};
    const std::vector<chart_point> old = series_of(10, 100, 1, noise); // long before the window
    const chart_series series[]{{"none", {}}, {"gaps", gaps}, {"old", old}};
    line_chart chart;
    drawn d;
    ImU32 dim = 0;
    ImVec2 text_size;
    gui.frame([&] {
        dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
        text_size = ImGui::CalcTextSize("no data");
        d = record([&] { chart.draw("##chart", series, options_at(1000)); });
    });
    const chart_layout& l = chart.last_layout();
    EXPECT_TRUE(l.no_data);
    EXPECT_EQ(l.points_drawn, 0U);
    // Glyph quads in the dim text colour, centred in the plot.
    const ImVec2 c{(l.plot_min.x + l.plot_max.x) / 2, (l.plot_min.y + l.plot_max.y) / 2};
    const ImVec2 lo{c.x - text_size.x / 2 - 1, c.y - text_size.y / 2 - 1};
    const ImVec2 hi{c.x + text_size.x / 2 + 1, c.y + text_size.y / 2 + 1};
    EXPECT_GT(test::count_vertices(d, [&](const ImDrawVert& v) { return v.col == dim && inside(v.pos, lo, hi); }), 0);

    // With data, no such text.
    const std::vector<chart_point> some = series_of(100, 1000, 1, noise);
    const chart_series one[]{{"some", some}};
    gui.frame([&] { d = record([&] { chart.draw("##chart", one, options_at(1000)); }); });
    EXPECT_FALSE(chart.last_layout().no_data);
    EXPECT_EQ(test::count_vertices(d, [&](const ImDrawVert& v) { return v.col == dim && inside(v.pos, lo, hi); }), 0);
}

TEST(line_chart, advances_the_cursor_by_its_height) {
    headless_imgui gui;
    const std::vector<chart_point> a = series_of(100, 1000, 1, noise);
    const chart_series series[]{{"a", a}, {"b", a}};
    line_chart first;
    line_chart second;
    float start = 0;
    float after_first = 0;
    float after_second = 0;
    float start_x = 0;
    float end_x = 0;
    gui.frame([&] {
        start = ImGui::GetCursorScreenPos().y;
        start_x = ImGui::GetCursorScreenPos().x;
        line_chart_options o = options_at(1000);
        o.height = 123;
        o.legend = false;
        first.draw("##first", series, o);
        after_first = ImGui::GetCursorScreenPos().y;
        o.legend = true;
        second.draw("##second", series, o);
        after_second = ImGui::GetCursorScreenPos().y;
        end_x = ImGui::GetCursorScreenPos().x;
    });
    const float spacing = ImGui::GetStyle().ItemSpacing.y;
    EXPECT_FLOAT_EQ(after_first - start, 123 + spacing);
    EXPECT_EQ(first.last_layout().legend_rows, 0);
    EXPECT_FLOAT_EQ(first.last_layout().max.y - first.last_layout().min.y, 123);
    // The legend adds its row below.
    EXPECT_EQ(second.last_layout().legend_rows, 1);
    EXPECT_FLOAT_EQ(second.last_layout().min.y, after_first);
    EXPECT_FLOAT_EQ(after_second - after_first, second.last_layout().max.y - second.last_layout().min.y + spacing);
    EXPECT_GT(after_second - after_first, 123 + spacing + ImGui::GetFontSize());
    EXPECT_FLOAT_EQ(end_x, start_x);
}

TEST(line_chart, many_samples_draw_in_proportion_to_the_width) {
    headless_imgui gui;
    // An hour at 1 and at 10 samples a second, and one with every other
    // sample missing; a fixed y range keeps the axes the same for all.
    const std::vector<chart_point> hour = series_of(3600, 3600, 1, noise);
    const std::vector<chart_point> dense = series_of(36000, 3600, 0.1, noise);
    std::vector<chart_point> holes = hour;
    for (std::size_t i = 0; i < holes.size(); i += 2) holes[i].v = nan;
    line_chart_options o = options_at(3600, 3600);
    o.fixed_y = value_range{0, 1};
    o.legend = false;

    const auto draw_one = [&](const std::vector<chart_point>& pts, float width, std::size_t& points, double& columns) {
        line_chart chart;
        const chart_series s[]{{"s", pts}};
        drawn d;
        gui.frame([&] {
            ImGui::BeginChild("box", {width, 300});
            d = record([&] { chart.draw("##chart", s, o); });
            ImGui::EndChild();
        });
        points = chart.last_layout().points_drawn;
        columns = std::ceil(chart.last_layout().plot_max.x - chart.last_layout().plot_min.x);
        return d.size();
    };
    std::size_t p_hour = 0, p_dense = 0, p_holes = 0, p_half = 0;
    double cols = 0, cols_half = 0;
    const int v_hour = draw_one(hour, 780, p_hour, cols);
    const int v_dense = draw_one(dense, 780, p_dense, cols);
    const int v_holes = draw_one(holes, 780, p_holes, cols);
    const int v_half = draw_one(hour, 390, p_half, cols_half);

    ASSERT_GT(cols, 300);
    // At most 2 points per pixel column (and the samples either side).
    EXPECT_LE(static_cast<double>(p_hour), 2 * cols + 2);
    EXPECT_LE(static_cast<double>(p_dense), 2 * cols + 2);
    EXPECT_LE(static_cast<double>(p_holes), 2 * cols + 2);
    EXPECT_LT(p_hour, hour.size());
    // Ten times the samples, about the same drawing.
    EXPECT_LE(v_dense, v_hour * 11 / 10);
    // The vertices follow the width: a generous per-column bound, and half
    // the width about half the vertices.
    EXPECT_LE(v_hour, static_cast<int>(16 * cols));
    EXPECT_LE(v_holes, static_cast<int>(16 * cols));
    EXPECT_LE(static_cast<double>(p_half), 2 * cols_half + 2);
    EXPECT_LT(v_half, v_hour * 6 / 10);
}

TEST(line_chart, hover_shows_the_nearest_sample_of_each_series) {
    headless_imgui gui;
    // a: every second over the window, value i; b: a gap around the mouse;
    // c: begins after the mouse's time.
    const std::vector<chart_point> a = series_of(301, 1000, 1, [](std::size_t i) { return static_cast<double>(i); });
    std::vector<chart_point> b = a;
    for (std::size_t i = 60; i < 90; ++i) b[i].v = nan;
    const std::vector<chart_point> c = series_of(50, 1000, 1, [](std::size_t i) { return static_cast<double>(i); });
    const chart_series series[]{{"a", a}, {"b", b}, {"c", c}};
    line_chart chart;
    const line_chart_options o = options_at(1000);
    gui.frame([&] { chart.draw("##chart", series, o); });
    EXPECT_FALSE(chart.last_hover().active);

    // A quarter of the way across: 75 s into the window.
    const chart_layout l = chart.last_layout();
    // Whole pixels: NewFrame floors io.MousePos.
    const double mouse_x = std::floor(l.plot_min.x + 0.25 * (l.plot_max.x - l.plot_min.x));
    const chart_mapping m({l.plot_min.x, l.plot_min.y, l.plot_max.x, l.plot_max.y}, {700, 1000}, l.y);
    const std::optional<std::size_t> expected = nearest_sample(a, m.time_at(mouse_x));
    ASSERT_TRUE(expected);
    gui.set_mouse({static_cast<float>(mouse_x), (l.plot_min.y + l.plot_max.y) / 2});
    int windows = 0;
    gui.frame([&] { chart.draw("##chart", series, o); });
    gui.frame([&] { chart.draw("##chart", series, o); });
    windows = ImGui::GetDrawData()->CmdListsCount;

    const hover_state& h = chart.last_hover();
    ASSERT_TRUE(h.active);
    EXPECT_NEAR(h.t, 775, 1);
    EXPECT_EQ(h.time_label.front(), '-');
    ASSERT_EQ(h.lines.size(), 1U); // b is in its gap, c has not begun
    EXPECT_EQ(h.lines[0].series, 0U);
    EXPECT_EQ(h.lines[0].hit.index, *expected);
    EXPECT_EQ(h.lines[0].hit.point, a[*expected]);
    EXPECT_EQ(h.lines[0].value_text, format_value(a[*expected].v, value_unit::count));
    EXPECT_EQ(h.lines[0].colour, series_colour(0));
    EXPECT_EQ(windows, 2); // the test window and the tooltip

    // Over the legend, below the plot: no hover.
    gui.set_mouse({static_cast<float>(mouse_x), l.max.y - 2});
    gui.frame([&] { chart.draw("##chart", series, o); });
    EXPECT_FALSE(chart.last_hover().active);
    EXPECT_TRUE(chart.last_hover().lines.empty());
}

TEST(line_chart, bad_input_draws_finite_vertices) {
    headless_imgui gui;
    // Values far outside a fixed range, a NaN clock, a zero window.
    const std::vector<chart_point> wild = series_of(100, 1000, 1, [](std::size_t i) { return i % 2 ? 1e300 : -1e300; });
    const chart_series series[]{{"wild", wild}, {"", wild}};
    line_chart chart;
    line_chart_options o = options_at(1000);
    o.fixed_y = value_range{0, 1};
    const auto all_finite = [](const drawn& d) {
        return test::count_vertices(d, [](const ImDrawVert& v) { return !std::isfinite(v.pos.x) || !std::isfinite(v.pos.y); }) == 0;
    };
    drawn d;
    gui.frame([&] { d = record([&] { chart.draw("##chart", series, o); }); });
    EXPECT_TRUE(all_finite(d));
    EXPECT_FALSE(chart.last_layout().no_data);
    o.now_s = nan;
    gui.frame([&] { d = record([&] { chart.draw("##chart", series, o); }); });
    EXPECT_TRUE(all_finite(d));
    EXPECT_TRUE(chart.last_layout().no_data);
    o.now_s = 1000;
    o.window_s = 0;
    o.height = -5;
    gui.frame([&] { d = record([&] { chart.draw("##chart", series, o); }); });
    EXPECT_TRUE(all_finite(d));
    EXPECT_TRUE(chart.last_layout().no_data);
}

} // namespace
} // namespace ember::observer::ui
