// The line chart widget; see line_chart.hpp for the contract. The numbers
// come from chart_scale.hpp; this file decides only what goes where on the
// screen and in which order it is drawn (background, grid, series, frame,
// hover on top), so that each layer covers the one before.
//
// Sections: [palette] [pure steps] [layout] [axes] [series] [hover] [legend]

#include "ember/observer_ui/line_chart.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

namespace ember::observer::ui {

namespace {

constexpr float line_thickness = 1.5f;
/// How far beyond the plot a pixel coordinate may go before it is pulled
/// in: floats stay exact enough there, and ImGui's maths never meets
/// infinities from a value far outside a fixed y range.
constexpr double pixel_slack = 1e5;

ImVec2 offset(ImVec2 p, float dx, float dy) noexcept { return {p.x + dx, p.y + dy}; }

/// ImGui's text calls take (begin, end) and read a null end as "up to the
/// NUL", so an empty string_view (whose data() may be null) must not pass
/// its null pointers on.
struct text_range {
    const char* begin;
    const char* end;
};
text_range text_of(std::string_view s) noexcept {
    if (s.empty()) return {"", nullptr};
    return {s.data(), s.data() + s.size()};
}

bool earlier(const chart_point& p, double t) noexcept { return p.t < t; }
bool later(double t, const chart_point& p) noexcept { return t < p.t; }

} // namespace

// [palette] ------------------------------------------------------------------------

ImU32 series_colour(std::size_t index) noexcept {
    // Okabe and Ito's set, in their order, with the darker hues (blue,
    // vermillion, green) lightened to read on the dark style's near-black.
    static constexpr std::array<ImU32, 8> palette{
        IM_COL32(86, 180, 233, 255), // sky blue
        IM_COL32(230, 159, 0, 255), // orange
        IM_COL32(32, 190, 140, 255), // bluish green
        IM_COL32(240, 228, 66, 255), // yellow
        IM_COL32(220, 140, 185, 255), // reddish purple
        IM_COL32(240, 110, 40, 255), // vermillion
        IM_COL32(100, 150, 235, 255), // blue
        IM_COL32(190, 190, 190, 255), // grey
    };
    return palette[index % palette.size()];
}

// [pure steps] ---------------------------------------------------------------------

void chart_polylines(std::span<const chart_point> points, const chart_mapping& m, std::vector<chart_point>& out, std::vector<std::size_t>& runs) {
    out.clear();
    runs.clear();
    std::size_t run = 0;
    const auto end_run = [&] {
        if (run > 0) runs.push_back(run);
        run = 0;
    };
    if (points.size() <= m.columns()) {
        // Few enough to draw each: every gap shows.
        for (const chart_point& p : points) {
            if (!std::isfinite(p.v)) {
                end_run();
                continue;
            }
            out.push_back(p);
            ++run;
        }
        end_run();
        return;
    }
    // decimate drops the NaN samples, but keeps a subsequence of the finite
    // ones, in order and unchanged: walking the source beside it finds the
    // gaps between two kept points. (A decimate that filled a caller's
    // vector would save its one allocation here per series and frame.)
    const std::vector<chart_point> kept = decimate(points, m);
    constexpr double far = 1e15; // as decimate clamps its columns
    const double left = m.rect().left;
    const auto column = [&](double t) { return std::floor(std::clamp(m.x_of(t) - left, -far, far)); };
    std::size_t j = 0;
    bool gap = false;
    for (const chart_point& k : kept) {
        for (; j < points.size() && !(points[j].t == k.t && points[j].v == k.v); ++j)
            if (!std::isfinite(points[j].v)) gap = true;
        if (j < points.size()) ++j;
        // A gap inside one column would not show; splitting there would make
        // the runs (and the dots of one-point runs) grow with the samples.
        if (gap && run > 0 && column(out.back().t) != column(k.t)) end_run();
        gap = false;
        out.push_back(k);
        ++run;
    }
    end_run();
}

std::span<const chart_point> window_points(std::span<const chart_point> points, double t0, double t1) noexcept {
    if (!(t0 <= t1)) return {}; // NaN or reversed
    const auto first = std::lower_bound(points.begin(), points.end(), t0, earlier);
    const auto last = std::upper_bound(first, points.end(), t1, later);
    return points.subspan(static_cast<std::size_t>(first - points.begin()), static_cast<std::size_t>(last - first));
}

std::optional<chart_point> latest_finite(std::span<const chart_point> points) noexcept {
    for (std::size_t i = points.size(); i > 0; --i)
        if (std::isfinite(points[i - 1].v)) return points[i - 1];
    return std::nullopt;
}

std::optional<hover_hit> chart_hover(std::span<const chart_point> points, const chart_mapping& m, double mouse_x, double edge_pixels) noexcept {
    const std::optional<hover_hit> hit = hover_sample(points, m, mouse_x, std::numeric_limits<double>::infinity());
    if (!hit || !std::isfinite(hit->point.v)) return std::nullopt;
    if (std::fabs(m.x_of(hit->point.t) - mouse_x) <= edge_pixels) return hit;
    // Farther than that, only where the line runs under the mouse: to a
    // finite neighbour on the mouse's side. A fixed pixel bound would blank
    // the tooltip between samples whenever they are sparser than it.
    const bool after = m.time_at(mouse_x) > hit->point.t;
    if (after ? hit->index + 1 >= points.size() : hit->index == 0) return std::nullopt;
    const chart_point& next = points[after ? hit->index + 1 : hit->index - 1];
    if (!std::isfinite(next.v)) return std::nullopt;
    return hit;
}

int layout_legend(std::span<const float> widths, float avail_width, float gap, std::vector<legend_slot>& out) {
    out.clear();
    int row = 0;
    float x = 0;
    bool row_empty = true;
    for (float w : widths) {
        if (!row_empty && x + gap + w > avail_width) {
            ++row;
            x = 0;
            row_empty = true;
        }
        if (!row_empty) x += gap;
        out.push_back({x, row});
        x += w;
        row_empty = false;
    }
    return widths.empty() ? 0 : row + 1;
}

// [layout] -------------------------------------------------------------------------

line_chart::line_chart(y_range_policy policy) : y_(policy) {}

void line_chart::draw(const char* id, std::span<const chart_series> series, const line_chart_options& options) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const float line_h = ImGui::GetTextLineHeight();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float width = std::max(ImGui::GetContentRegionAvail().x, 1.0f);
    const float height = options.height >= 1.0f ? options.height : 1.0f; // also NaN
    const float total = height + legend_height(series, options, width);

    // The item first: IsItemHovered answers for it, and the cursor moves
    // below it whatever gets drawn.
    ImGui::InvisibleButton(id, {width, total});
    const bool hovered = ImGui::IsItemHovered();

    update_axes(series, options);

    // The plot leaves room on the left for the widest y label, half a line
    // above for the top label's upper half, a line below for the x labels.
    float label_w = 0;
    y_labels_ = !layout_.no_data || options.fixed_y.has_value();
    if (y_labels_)
        for (const std::string& label : y_axis_.labels) label_w = std::max(label_w, ImGui::CalcTextSize(label.c_str()).x);
    const float left = origin.x + label_w + style.ItemInnerSpacing.x;
    const float top = origin.y + std::floor(line_h / 2);
    layout_.min = origin;
    layout_.max = {origin.x + width, origin.y + total};
    layout_.plot_min = {std::floor(left), top};
    layout_.plot_max = {std::max(origin.x + width - 1, layout_.plot_min.x + 1), std::max(origin.y + height - line_h - 2, top + 1)};
    layout_.y = y_axis_.range;
    layout_.points_drawn = 0;

    const pixel_rect r{layout_.plot_min.x, layout_.plot_min.y, layout_.plot_max.x, layout_.plot_max.y};
    const chart_mapping m(r, {now_s_ - x_axis_.window_s, now_s_}, y_axis_.range);

    ImDrawList& dl = *ImGui::GetWindowDrawList();
    draw_axes(dl, m);
    draw_series(dl, series, m);
    dl.AddRect(layout_.plot_min, layout_.plot_max, ImGui::GetColorU32(ImGuiCol_Border));
    if (layout_.no_data) {
        const ImVec2 size = ImGui::CalcTextSize("no data");
        const ImVec2 at{std::floor((layout_.plot_min.x + layout_.plot_max.x - size.x) / 2), std::floor((layout_.plot_min.y + layout_.plot_max.y - size.y) / 2)};
        dl.AddText(at, ImGui::GetColorU32(ImGuiCol_TextDisabled), "no data");
    }
    if (options.legend) draw_legend(dl, series, {origin.x, origin.y + height + style.ItemSpacing.y});
    update_hover(series, options, m, hovered);
    if (hover_.active) draw_hover(dl, series, m);
}

void line_chart::update_axes(std::span<const chart_series> series, const line_chart_options& options) {
    // A bad window or clock draws an empty chart rather than NaN pixels.
    const bool valid = std::isfinite(options.now_s) && std::isfinite(options.window_s) && options.window_s > 0;
    const double window = valid ? options.window_s : 0;
    now_s_ = valid ? options.now_s : 0;
    std::optional<value_range> data;
    if (valid) {
        for (const chart_series& s : series) {
            const std::optional<value_range> r = finite_range(window_points(s.points, now_s_ - window, now_s_));
            if (!r) continue;
            data = data ? value_range{std::min(data->lo, r->lo), std::max(data->hi, r->hi)} : *r;
        }
    }
    layout_.no_data = !data;
    // The stable range is fed even under a fixed one, so that switching the
    // fixed range off later starts from what the data has been doing.
    const value_range stable = y_.update(data, now_s_);
    const value_range want = options.fixed_y ? *options.fixed_y : stable;
    if (!(want == y_axis_range_) || options.unit != y_axis_unit_ || options.y_ticks != y_axis_ticks_ || y_axis_.ticks.empty()) {
        y_axis_ = make_value_axis(want, options.unit, options.y_ticks);
        y_axis_range_ = want;
        y_axis_unit_ = options.unit;
        y_axis_ticks_ = options.y_ticks;
    }
    if (window != x_axis_window_ || options.x_ticks != x_axis_ticks_) {
        x_axis_ = make_time_axis(window, options.x_ticks);
        x_axis_window_ = window;
        x_axis_ticks_ = options.x_ticks;
    }
}

// [axes] ---------------------------------------------------------------------------

void line_chart::draw_axes(ImDrawList& dl, const chart_mapping& m) const {
    const ImGuiStyle& style = ImGui::GetStyle();
    const float line_h = ImGui::GetTextLineHeight();
    const pixel_rect& r = m.rect();
    const ImU32 grid = ImGui::GetColorU32(ImGuiCol_Border, 0.5f);
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    dl.AddRectFilled(layout_.plot_min, layout_.plot_max, ImGui::GetColorU32(ImGuiCol_FrameBg, 0.4f));

    // Value ticks: a grid line each; labels only as dense as a line of text
    // allows, and none while no data shows (the range is then a 0..1
    // placeholder or stale), unless the caller fixed it.
    const std::size_t n = y_axis_.ticks.size();
    const double spacing = n > 1 ? std::fabs(m.y_of(y_axis_.ticks[1]) - m.y_of(y_axis_.ticks[0])) : line_h;
    const std::size_t every = spacing >= line_h ? 1 : spacing > 0 ? static_cast<std::size_t>(std::min(std::ceil(line_h / spacing), n + 1.0)) : n + 1;
    for (std::size_t i = 0; i < n; ++i) {
        // Half-pixel centres: a 1 px line on a pixel row stays crisp.
        const float y = std::floor(static_cast<float>(m.y_of(y_axis_.ticks[i]))) + 0.5f;
        if (i > 0 && i + 1 < n) dl.AddLine({layout_.plot_min.x, y}, {layout_.plot_max.x, y}, grid);
        if (!y_labels_ || i % every != 0) continue;
        const std::string& label = y_axis_.labels[i];
        const float w = ImGui::CalcTextSize(label.c_str()).x;
        dl.AddText({layout_.plot_min.x - style.ItemInnerSpacing.x - w, std::floor(y - line_h / 2)}, text, label.c_str());
    }

    // Time ticks, labelled below; a label keeps inside the widget and right
    // of the plot's left edge (clear of the lowest value label), and one that
    // would overlap its left neighbour is left out.
    float last_right = -std::numeric_limits<float>::infinity();
    for (std::size_t i = 0; i < x_axis_.offsets.size(); ++i) {
        const float x = std::floor(static_cast<float>(m.x_of(now_s_ + x_axis_.offsets[i]))) + 0.5f;
        if (x > layout_.plot_min.x + 1 && x < layout_.plot_max.x - 1) dl.AddLine({x, layout_.plot_min.y}, {x, layout_.plot_max.y}, grid);
        const std::string& label = x_axis_.labels[i];
        const float w = ImGui::CalcTextSize(label.c_str()).x;
        const float lx = std::clamp(std::floor(x - w / 2), layout_.plot_min.x, std::max(layout_.plot_min.x, layout_.max.x - w));
        if (lx < last_right + style.ItemSpacing.x) continue;
        dl.AddText({lx, static_cast<float>(r.bottom) + 2}, text, label.c_str());
        last_right = lx + w;
    }
}

// [series] -------------------------------------------------------------------------

namespace {

/// A point of a polyline in pixels, with an end far outside the plot moved
/// along its segment to just outside the edge (only the first and last
/// samples can be: visible_points keeps one sample either side), and every
/// coordinate kept within pixel_slack of the plot.
void to_pixels(std::span<const chart_point> run, const chart_mapping& m, std::vector<ImVec2>& out) {
    const pixel_rect& r = m.rect();
    const auto clamp_xy = [&](double x, double y) {
        return ImVec2{static_cast<float>(std::clamp(x, r.left - pixel_slack, r.right + pixel_slack)),
                      static_cast<float>(std::clamp(y, r.top - pixel_slack, r.bottom + pixel_slack))};
    };
    const auto pulled = [&](pixel_point outside, pixel_point inside, double edge_x) {
        const double f = (edge_x - inside.x) / (outside.x - inside.x);
        return pixel_point{edge_x, inside.y + f * (outside.y - inside.y)};
    };
    out.clear();
    for (std::size_t i = 0; i < run.size(); ++i) {
        pixel_point p = m.to_pixel(run[i].t, run[i].v);
        if (run.size() >= 2 && (i == 0 || i + 1 == run.size())) {
            const pixel_point q = m.to_pixel(run[i == 0 ? 1 : i - 1].t, run[i == 0 ? 1 : i - 1].v);
            if (p.x < r.left - 2 && q.x > p.x) p = pulled(p, q, r.left - 2);
            else if (p.x > r.right + 2 && q.x < p.x) p = pulled(p, q, r.right + 2);
        }
        out.push_back(clamp_xy(p.x, p.y));
    }
}

} // namespace

void line_chart::draw_series(ImDrawList& dl, std::span<const chart_series> series, const chart_mapping& m) {
    if (layout_.no_data) return;
    const double t0 = m.times().lo;
    const double t1 = m.times().hi;
    dl.PushClipRect(layout_.plot_min, layout_.plot_max, true);
    for (std::size_t i = 0; i < series.size(); ++i) {
        const ImU32 colour = series[i].colour != 0 ? series[i].colour : series_colour(i);
        chart_polylines(visible_points(series[i].points, t0, t1), m, kept_, runs_);
        layout_.points_drawn += kept_.size();
        std::size_t at = 0;
        for (std::size_t n : runs_) {
            to_pixels(std::span<const chart_point>(kept_).subspan(at, n), m, pixels_);
            at += n;
            if (pixels_.size() >= 2) dl.AddPolyline(pixels_.data(), static_cast<int>(pixels_.size()), colour, ImDrawFlags_None, line_thickness);
            else dl.AddCircleFilled(pixels_[0], line_thickness, colour, 6); // a lone sample between gaps
        }
    }
    dl.PopClipRect();
}

// [hover] --------------------------------------------------------------------------

void line_chart::update_hover(std::span<const chart_series> series, const line_chart_options& options, const chart_mapping& m, bool hovered) {
    hover_.active = false;
    hover_.lines.clear();
    if (!hovered || x_axis_.window_s <= 0) return;
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    if (mouse.x < layout_.plot_min.x || mouse.x > layout_.plot_max.x || mouse.y < layout_.plot_min.y || mouse.y > layout_.plot_max.y) return;
    hover_.active = true;
    hover_.mouse_x = mouse.x;
    hover_.t = m.time_at(mouse.x);
    // A tenth of a tick step: "-137 s" in a 5 min window, "-12 min" in an hour.
    hover_.time_label = format_time_offset(hover_.t - now_s_, x_axis_.step_s / 10);
    for (std::size_t i = 0; i < series.size(); ++i) {
        const std::span<const chart_point> visible = visible_points(series[i].points, m.times().lo, m.times().hi);
        std::optional<hover_hit> hit = chart_hover(visible, m, mouse.x);
        if (!hit) continue;
        hit->index += static_cast<std::size_t>(visible.data() - series[i].points.data());
        const ImU32 colour = series[i].colour != 0 ? series[i].colour : series_colour(i);
        hover_.lines.push_back({i, *hit, format_value(hit->point.v, options.unit), colour});
    }
}

void line_chart::draw_hover(ImDrawList& dl, std::span<const chart_series> series, const chart_mapping& m) const {
    const float x = std::floor(static_cast<float>(hover_.mouse_x)) + 0.5f;
    dl.AddLine({x, layout_.plot_min.y}, {x, layout_.plot_max.y}, ImGui::GetColorU32(ImGuiCol_Text, 0.5f));
    dl.PushClipRect(layout_.plot_min, layout_.plot_max, true);
    for (const hover_line& line : hover_.lines) {
        const pixel_point p = m.to_pixel(line.hit.point.t, line.hit.point.v);
        if (std::fabs(p.y - m.rect().top) < pixel_slack && std::fabs(p.x - m.rect().left) < pixel_slack)
            dl.AddCircleFilled({static_cast<float>(p.x), static_cast<float>(p.y)}, 3.0f, line.colour, 12);
    }
    dl.PopClipRect();

    const float line_h = ImGui::GetTextLineHeight();
    const float square = std::floor(line_h * 0.6f);
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(hover_.time_label.c_str());
    for (const hover_line& line : hover_.lines) {
        const ImVec2 at = ImGui::GetCursorScreenPos();
        const float dy = std::floor((line_h - square) / 2);
        ImGui::GetWindowDrawList()->AddRectFilled(offset(at, 0, dy), offset(at, square, dy + square), line.colour);
        ImGui::Dummy({square, line_h});
        ImGui::SameLine();
        const text_range label = text_of(series[line.series].label);
        ImGui::TextUnformatted(label.begin, label.end);
        ImGui::SameLine();
        ImGui::TextUnformatted(line.value_text.c_str());
    }
    ImGui::EndTooltip();
}

// [legend] -------------------------------------------------------------------------
// One item per series: a coloured square, the label, the latest value.

float line_chart::legend_height(std::span<const chart_series> series, const line_chart_options& options, float width) {
    legend_widths_.clear();
    legend_values_.resize(series.size());
    if (!options.legend) {
        legend_slots_.clear();
        layout_.legend_rows = 0;
        return 0;
    }
    const ImGuiStyle& style = ImGui::GetStyle();
    const float line_h = ImGui::GetTextLineHeight();
    for (std::size_t i = 0; i < series.size(); ++i) {
        const std::optional<chart_point> latest = latest_finite(series[i].points);
        legend_values_[i] = latest ? format_value(latest->v, options.unit) : "-";
        const text_range label = text_of(series[i].label);
        const float w = std::floor(line_h * 0.6f) + style.ItemInnerSpacing.x + ImGui::CalcTextSize(label.begin, label.end).x +
                        style.ItemInnerSpacing.x + ImGui::CalcTextSize(legend_values_[i].c_str()).x;
        legend_widths_.push_back(w);
    }
    const int rows = layout_legend(legend_widths_, width, 2 * style.ItemSpacing.x, legend_slots_);
    layout_.legend_rows = rows;
    if (rows == 0) return 0;
    return style.ItemSpacing.y + static_cast<float>(rows) * line_h + static_cast<float>(rows - 1) * style.ItemSpacing.y;
}

void line_chart::draw_legend(ImDrawList& dl, std::span<const chart_series> series, ImVec2 at) const {
    const ImGuiStyle& style = ImGui::GetStyle();
    const float line_h = ImGui::GetTextLineHeight();
    const float square = std::floor(line_h * 0.6f);
    const float dy = std::floor((line_h - square) / 2);
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
    const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    for (std::size_t i = 0; i < series.size() && i < legend_slots_.size(); ++i) {
        const ImVec2 p = offset(at, legend_slots_[i].x, static_cast<float>(legend_slots_[i].row) * (line_h + style.ItemSpacing.y));
        const ImU32 colour = series[i].colour != 0 ? series[i].colour : series_colour(i);
        dl.AddRectFilled(offset(p, 0, dy), offset(p, square, dy + square), colour);
        const text_range label = text_of(series[i].label);
        const ImVec2 label_at = offset(p, square + style.ItemInnerSpacing.x, 0);
        dl.AddText(label_at, text, label.begin, label.end);
        const float label_w = ImGui::CalcTextSize(label.begin, label.end).x;
        dl.AddText(offset(label_at, label_w + style.ItemInnerSpacing.x, 0), dim, legend_values_[i].c_str());
    }
}

} // namespace ember::observer::ui
