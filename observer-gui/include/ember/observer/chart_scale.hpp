#pragma once
// The maths of the Observer's line chart, without ImGui or GL, so that every
// number the chart draws is tested here (the widget only turns these figures
// into ImDrawList calls).
//
// Everything here is a pure function of its arguments, or, for
// stable_y_range, of its own state: any thread may call it, and a value is
// owned by whoever holds it. No function throws except by std::bad_alloc; bad
// input (NaN, infinities, empty series, reversed ranges) gives an empty or a
// default result, as each declaration says.
//
// Times are seconds as doubles (any epoch: the chart only uses differences
// from "now"); values are in the series' raw unit (bytes, per second, 0..1
// for percent, seconds for durations).
//
//   value_axis y = make_value_axis(y_range.update(finite_range(points), now), value_unit::bytes, 5);
//   time_axis x = make_time_axis(300, 6);
//   chart_mapping m(rect, {now - 300, now}, y.range);
//   for (const chart_point& p : decimate(visible_points(points, now - 300, now), m)) ... m.to_pixel(p.t, p.v) ...
//
// Sections:
//   [ranges and ticks]  value_range, finite_range, nice_ticks (Heckbert)
//   [units]             value_unit, label formats, value_axis
//   [time axis]         nice time steps and "-30 s" labels
//   [mapping]           (t, v) <-> pixel in a rectangle, y up
//   [hover]             nearest sample by binary search
//   [decimation]        at most a min and a max per pixel column
//   [y range]           headroom, zero, and a range that does not flicker

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ember/observer/export.hpp"

namespace ember::observer {

/// One sample of a series: time in seconds, value in the series' raw unit.
/// Series are sorted by t (oldest first); v may be NaN for "no sample".
struct chart_point {
    double t = 0;
    double v = 0;
    friend bool operator==(const chart_point&, const chart_point&) = default;
};

// [ranges and ticks] ---------------------------------------------------------

/// A closed interval, lo <= hi when valid.
struct value_range {
    double lo = 0;
    double hi = 0;
    friend bool operator==(const value_range&, const value_range&) = default;
};

/// The smallest range holding every finite value (NaN and infinities are
/// skipped); nullopt when there is none.
EMBER_OBSERVER_EXPORT std::optional<value_range> finite_range(std::span<const double> values) noexcept;
/// The same over the values (not the times) of a series.
EMBER_OBSERVER_EXPORT std::optional<value_range> finite_range(std::span<const chart_point> points) noexcept;

/// Ticks of one axis: `values` run from range.lo to range.hi in steps of
/// `step` = mantissa x 10^exponent, mantissa 1, 2 or 5. The range is the
/// data range widened outward to whole steps ("loose" labels).
struct axis_ticks {
    value_range range;
    double step = 0;
    int mantissa = 1;
    int exponent = 0;
    std::vector<double> values;
};

/// Heckbert's nice number ("Nice numbers for graph labels", Graphics Gems,
/// 1990): 1, 2, 5 or 10 x 10^k near x > 0, rounded to nearest when `round`,
/// else the smallest not below x. 0 for x <= 0 or not finite.
EMBER_OBSERVER_EXPORT double nice_number(double x, bool round) noexcept;

/// About `target_count` (clamped to 2..50) nice ticks covering `r`.
/// A constant range v..v becomes v +- 10% (0..1 for 0), a reversed range is
/// swapped, ranges beyond +-1e307 are clamped to it, and a span too small
/// for doubles to tell ticks apart is taken as constant. Non-finite ends
/// give 0..1. The result always has at least two ticks.
EMBER_OBSERVER_EXPORT axis_ticks nice_ticks(value_range r, int target_count);

// [units] ----------------------------------------------------------------------

/// How a series' values read. percent takes 0..1 and prints 0..100%;
/// duration takes seconds.
enum class value_unit { count, bytes, rate, percent, duration };

/// How the labels of one axis are printed: display = raw * multiplier /
/// divisor, then `decimals` digits and the suffix. scientific for values
/// too large or too fine for the unit's prefixes ("1.5e+20").
struct label_format {
    value_unit unit = value_unit::count;
    double multiplier = 1;
    double divisor = 1;
    std::string_view suffix; ///< " KiB", "k/s", "%", " ms", ...; static storage
    int decimals = 0;
    bool scientific = false;
};

/// The format that prints every tick of an axis whose largest magnitude is
/// `max_abs` and whose tick step is `step` (both raw) with one prefix and
/// enough decimals to tell neighbouring ticks apart.
EMBER_OBSERVER_EXPORT label_format axis_format(value_unit unit, double max_abs, double step);

/// One tick label: "1.5 MiB", "1.2k/s", "40%", "250 ms", "3k". What rounds
/// to zero prints as "0" in the unprefixed unit ("0 B", "0/s"), never "-0";
/// NaN prints "-".
EMBER_OBSERVER_EXPORT std::string format_label(double raw, const label_format& format);

/// A lone value (hover, legend): its own prefix and 3 significant digits
/// without trailing zeros, "1.21 KiB", "1.2k/s", "45.6%". NaN prints "-".
EMBER_OBSERVER_EXPORT std::string format_value(double raw, value_unit unit);

/// A value axis ready to draw: ticks (raw) and their labels. Ticks are nice
/// numbers in the prefix the data's magnitude picks (0, 200, 400 MiB, not
/// 0, 200, 400 million bytes; 0, 2, 4 min for durations), so labels stay
/// round. Draw with `range`, which the ticks span exactly.
struct value_axis {
    value_range range; ///< raw; the axis spans exactly this
    double step = 0; ///< raw
    std::vector<double> ticks;
    std::vector<std::string> labels;
    label_format format;
};

/// Nice ticks over `r` in `unit`, about `target_count` of them.
EMBER_OBSERVER_EXPORT value_axis make_value_axis(value_range r, value_unit unit, int target_count);

// [time axis] ------------------------------------------------------------------

/// The smallest step of 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min,
/// 1, 2, 3, 6, 12 h, then whole days, that puts at most `target_count`
/// (at least 1) steps into `window_s`; below 1 s, Heckbert's 1-2-5 steps.
/// 0 when window_s is not positive and finite.
EMBER_OBSERVER_EXPORT double nice_time_step(double window_s, int target_count);

/// "-30 s", "-2 min", "-1 h", "now" for 0: the unit of `step_s` (s below
/// a minute, min below an hour, else h) with the decimals the step needs.
EMBER_OBSERVER_EXPORT std::string format_time_offset(double offset_s, double step_s);

/// The time axis of a window of the last `window_s` seconds ending now:
/// ticks at whole steps before now (oldest first, the last one 0), given as
/// offsets from now. Empty when window_s is not positive and finite.
struct time_axis {
    double window_s = 0;
    double step_s = 0;
    std::vector<double> offsets; ///< <= 0; the tick's time is now + offset
    std::vector<std::string> labels;
};

EMBER_OBSERVER_EXPORT time_axis make_time_axis(double window_s, int target_count);

// [mapping] --------------------------------------------------------------------

/// A rectangle in screen pixels as ImGui has them: y grows downward.
struct pixel_rect {
    double left = 0;
    double top = 0;
    double right = 0;
    double bottom = 0;
};

struct pixel_point {
    double x = 0;
    double y = 0;
};

/// Data (t, v) to pixels and back: t.lo at the left edge, t.hi at the right,
/// v.lo at the bottom, v.hi at the top (y up). An empty span (lo == hi) maps
/// everything to the left or bottom edge and back to lo. Points outside the
/// ranges map outside the rectangle (the widget clips).
class EMBER_OBSERVER_EXPORT chart_mapping {
public:
    chart_mapping(pixel_rect rect, value_range t, value_range v) noexcept;

    pixel_point to_pixel(double t, double v) const noexcept;
    double x_of(double t) const noexcept;
    double y_of(double v) const noexcept;
    double time_at(double x) const noexcept;
    double value_at(double y) const noexcept;

    const pixel_rect& rect() const noexcept { return rect_; }
    const value_range& times() const noexcept { return t_; }
    const value_range& values() const noexcept { return v_; }
    /// Whole pixel columns across the rectangle (0 when it is empty).
    std::size_t columns() const noexcept;

private:
    pixel_rect rect_;
    value_range t_;
    value_range v_;
};

// [hover] ----------------------------------------------------------------------

/// Index of the sample nearest in time to `t` in a series sorted by t
/// (binary search; a tie takes the older sample). nullopt when the series is
/// empty, t is NaN, or the nearest sample is more than `max_distance` away
/// (the mouse is in a gap of the series).
EMBER_OBSERVER_EXPORT std::optional<std::size_t> nearest_sample(std::span<const chart_point> points, double t, double max_distance = 1e300) noexcept;

/// What hovering at a mouse x shows of one series.
struct hover_hit {
    std::size_t index = 0;
    chart_point point;
};

/// The sample nearest to the time under `mouse_x`, if it lies within
/// `max_pixels` horizontally of the mouse.
EMBER_OBSERVER_EXPORT std::optional<hover_hit> hover_sample(std::span<const chart_point> points, const chart_mapping& m, double mouse_x,
                                                            double max_pixels) noexcept;

// [decimation] -----------------------------------------------------------------

/// The part of a sorted series that can show in t0..t1, with one sample
/// either side so that lines run to the edges.
EMBER_OBSERVER_EXPORT std::span<const chart_point> visible_points(std::span<const chart_point> points, double t0, double t1) noexcept;

/// The points to draw: the finite samples unchanged when they are no more
/// than the pixel columns of `m`; else, per pixel column, the minimum and
/// the maximum (in time order), so that peaks one sample wide survive; a
/// flat column keeps its first and last. At most 2 points per column.
EMBER_OBSERVER_EXPORT std::vector<chart_point> decimate(std::span<const chart_point> points, const chart_mapping& m);

// [y range] --------------------------------------------------------------------

struct y_range_policy {
    bool include_zero = true; ///< rates, counts, bytes: 0 is always on the axis
    double headroom = 0.1; ///< fraction of the span added away from zero
    double shrink_after_s = 10; ///< how long the data must stay smaller before the axis shrinks
    int target_ticks = 5; ///< the range is rounded outward to nice_ticks of this count
};

/// A y range that grows at once and shrinks only after the data has fit a
/// smaller range for policy.shrink_after_s, so axes do not flicker from one
/// frame to the next. Owned by one chart; not thread-safe (the UI thread).
class EMBER_OBSERVER_EXPORT stable_y_range {
public:
    explicit stable_y_range(y_range_policy policy = {}) noexcept : policy_(policy) {}

    /// Feed this frame's data range (nullopt: no finite data) at time `now_s`;
    /// returns the range to draw. Before any data: 0..1.
    value_range update(std::optional<value_range> data, double now_s);

    /// The range this frame's data alone asks for (headroom, zero, nice).
    value_range target(value_range data) const;

    value_range current() const noexcept { return current_; }
    void reset() noexcept;

private:
    // Plain flags rather than std::optional: GCC 12 at -O2 warns
    // maybe-uninitialized (a false positive) on an optional of a struct here.
    y_range_policy policy_;
    bool has_data_ = false; ///< current_ came from data, not the 0..1 default
    value_range current_{0, 1};
    bool shrinking_ = false; ///< the data fits inside current_ since smaller_since_
    double smaller_since_ = 0;
    value_range pending_{}; ///< union of the targets seen since then
};

} // namespace ember::observer
