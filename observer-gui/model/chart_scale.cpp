// The line chart's maths; see chart_scale.hpp for the contracts.
//
// Sections: [powers of ten] [ranges and ticks] [units] [time axis] [mapping]
// [hover] [decimation] [y range]

#include "ember/observer/chart_scale.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>

namespace ember::observer {

namespace {

// [powers of ten] --------------------------------------------------------------
// Tick values are built as k x mantissa x 10^e from integers, dividing by an
// exact power of ten for e < 0, so that 3 x 0.1 comes out as the double
// nearest 0.3 rather than 0.30000000000000004: labels and tests can then
// compare exactly.

double pow10i(int n) noexcept {
    if (n >= 0 && n <= 22) { // 10^22 is the last power of ten a double holds exactly
        double r = 1;
        for (int i = 0; i < n; ++i) r *= 10;
        return r;
    }
    return std::pow(10.0, n);
}

double scaled(double k, int e) noexcept { return e >= 0 ? k * pow10i(e) : k / pow10i(-e); }

/// floor(log10(x)) for finite x > 0, corrected where log10 rounds across a decade.
int decade(double x) noexcept {
    int e = static_cast<int>(std::floor(std::log10(x)));
    if (scaled(1, e) > x) --e;
    else if (scaled(1, e + 1) <= x) ++e;
    return e;
}

struct nice_step {
    int mantissa = 1; // 1, 2 or 5
    int exponent = 0;
};

nice_step nice(double x, bool round) noexcept {
    int e = decade(x);
    const double f = x / scaled(1, e);
    int m = 10;
    if (round) m = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    else m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    if (m == 10) {
        m = 1;
        ++e;
    }
    return {m, e};
}

/// The integer k nearest q when q is within rounding noise of it, else floor
/// (or ceil): 0.7 / 0.1 is 6.999999999999999 and must count as 7.
std::int64_t floor_tol(double q) noexcept {
    const double r = std::round(q);
    return static_cast<std::int64_t>(std::fabs(q - r) < 1e-9 ? r : std::floor(q));
}
std::int64_t ceil_tol(double q) noexcept {
    const double r = std::round(q);
    return static_cast<std::int64_t>(std::fabs(q - r) < 1e-9 ? r : std::ceil(q));
}

/// The fewest decimals (at most 15) that print `step` exactly, so neighbouring
/// ticks step apart read differently.
int decimals_for(double step) noexcept {
    if (!(step > 0) || !std::isfinite(step)) return 0;
    int d = std::max(0, -decade(step));
    for (; d < 15; ++d) {
        const double s = scaled(step, d);
        if (std::fabs(s - std::round(s)) <= 1e-6 * s) break;
    }
    return d;
}

} // namespace

// [ranges and ticks] -----------------------------------------------------------

std::optional<value_range> finite_range(std::span<const double> values) noexcept {
    std::optional<value_range> r;
    for (double v : values) {
        if (!std::isfinite(v)) continue;
        if (!r) r = value_range{v, v};
        else r = value_range{std::min(r->lo, v), std::max(r->hi, v)};
    }
    return r;
}

std::optional<value_range> finite_range(std::span<const chart_point> points) noexcept {
    std::optional<value_range> r;
    for (const chart_point& p : points) {
        if (!std::isfinite(p.v)) continue;
        if (!r) r = value_range{p.v, p.v};
        else r = value_range{std::min(r->lo, p.v), std::max(r->hi, p.v)};
    }
    return r;
}

double nice_number(double x, bool round) noexcept {
    if (!(x > 0) || !std::isfinite(x)) return 0;
    const nice_step s = nice(x, round);
    return scaled(s.mantissa, s.exponent);
}

axis_ticks nice_ticks(value_range r, int target_count) {
    // Beyond 1e307 the span and the outer ticks could overflow to infinity.
    constexpr double limit = 1e307;
    // Below this, spans are treated as zero: nobody charts 1e-100, and it keeps
    // the powers of ten away from subnormals.
    constexpr double tiny = 1e-100;
    const int n = std::clamp(target_count, 2, 50);
    double lo = r.lo;
    double hi = r.hi;
    if (std::isnan(lo) || std::isnan(hi)) lo = 0, hi = 1;
    lo = std::clamp(lo, -limit, limit);
    hi = std::clamp(hi, -limit, limit);
    if (lo > hi) std::swap(lo, hi);
    const double magnitude = std::max(std::fabs(lo), std::fabs(hi));
    // A span under 1e-9 of the values' magnitude has ticks doubles cannot
    // tell apart (and would need more than 2^63 steps from zero): widen it as
    // a constant.
    if (hi - lo <= magnitude * 1e-9 || hi - lo < tiny) {
        const double v = lo / 2 + hi / 2;
        if (std::fabs(v) < tiny) lo = 0, hi = 1;
        else lo = v - std::fabs(v) * 0.1, hi = v + std::fabs(v) * 0.1;
    }
    const nice_step d = nice(nice_number(hi - lo, false) / (n - 1), true);
    axis_ticks t;
    t.mantissa = d.mantissa;
    t.exponent = d.exponent;
    t.step = scaled(d.mantissa, d.exponent);
    const std::int64_t k_lo = floor_tol(lo / t.step);
    std::int64_t k_hi = ceil_tol(hi / t.step);
    if (k_hi <= k_lo) k_hi = k_lo + 1;
    t.values.reserve(static_cast<std::size_t>(k_hi - k_lo + 1));
    for (std::int64_t k = k_lo; k <= k_hi; ++k) t.values.push_back(scaled(static_cast<double>(k) * d.mantissa, d.exponent));
    t.range = {t.values.front(), t.values.back()};
    return t;
}

// [units] ----------------------------------------------------------------------

namespace {

/// display = raw * mul / div, printed with the suffix.
struct prefix {
    double mul = 1;
    double div = 1;
    std::string_view suffix;
};

constexpr std::array<std::string_view, 5> count_suffix{"", "k", "M", "G", "T"};
constexpr std::array<std::string_view, 5> rate_suffix{"/s", "k/s", "M/s", "G/s", "T/s"};
constexpr std::array<std::string_view, 6> byte_suffix{" B", " KiB", " MiB", " GiB", " TiB", " PiB"};

/// The prefix of the largest unit that leaves `max_abs` at least 1 (bytes,
/// counts, rates); durations stay in seconds up to 2 min, minutes up to 2 h,
/// so "90 s" is not "1.5 min".
prefix pick_prefix(value_unit unit, double max_abs) noexcept {
    const double x = std::isfinite(max_abs) ? std::fabs(max_abs) : 0;
    switch (unit) {
    case value_unit::bytes: {
        std::size_t i = 0;
        double div = 1;
        while (i + 1 < byte_suffix.size() && x >= div * 1024) div *= 1024, ++i;
        return {1, div, byte_suffix[i]};
    }
    case value_unit::count:
    case value_unit::rate: {
        const auto& suffixes = unit == value_unit::rate ? rate_suffix : count_suffix;
        std::size_t i = 0;
        double div = 1;
        while (i + 1 < suffixes.size() && x >= div * 1000) div *= 1000, ++i;
        return {1, div, suffixes[i]};
    }
    case value_unit::percent: return {100, 1, "%"};
    case value_unit::duration:
        if (x > 0 && x < 1) return {1000, 1, " ms"};
        if (x < 120) return {1, 1, " s"};
        if (x < 7200) return {1, 60, " min"};
        return {1, 3600, " h"};
    }
    return {};
}

/// The unit without prefix, for scientific notation.
prefix base_prefix(value_unit unit) noexcept {
    switch (unit) {
    case value_unit::bytes: return {1, 1, byte_suffix[0]};
    case value_unit::rate: return {1, 1, rate_suffix[0]};
    case value_unit::percent: return {100, 1, "%"};
    case value_unit::duration: return {1, 1, " s"};
    case value_unit::count: break;
    }
    return {1, 1, ""};
}

/// Past a million of the largest prefix, or finer than 1e-4 of the smallest,
/// fixed notation gets too long to read.
bool needs_scientific(double display_max_abs, double display_step) noexcept {
    return display_max_abs >= 1e6 || (display_step > 0 && display_step < 1e-4);
}

std::string printed(const char* fmt, int decimals, double v, std::string_view suffix) {
    char buf[400]; // the longest is %.15f of 1e6-ish or %.15e: far below
    const int n = std::snprintf(buf, sizeof buf, fmt, decimals, v);
    std::string s(buf, n > 0 ? std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf - 1) : 0);
    s += suffix;
    return s;
}

label_format make_format(value_unit unit, const prefix& p, int decimals, bool scientific) {
    return {unit, p.mul, p.div, p.suffix, decimals, scientific};
}

} // namespace

label_format axis_format(value_unit unit, double max_abs, double step) {
    const prefix p = pick_prefix(unit, max_abs);
    const double display_max = std::fabs(max_abs) * p.mul / p.div;
    const double display_step = std::fabs(step) * p.mul / p.div;
    if (needs_scientific(display_max, display_step)) {
        const prefix b = base_prefix(unit);
        const double m = std::fabs(max_abs) * b.mul / b.div;
        const double s = std::fabs(step) * b.mul / b.div;
        const int digits = m > 0 && s > 0 && std::isfinite(m) ? std::clamp(decade(m) - decade(s), 0, 15) : 0;
        return make_format(unit, b, digits, true);
    }
    return make_format(unit, p, decimals_for(display_step), false);
}

std::string format_label(double raw, const label_format& format) {
    if (std::isnan(raw)) return "-";
    const double d = raw * format.multiplier / format.divisor;
    // What rounds to zero prints as "0" in the unprefixed unit ("0/s", not
    // "-0.0k/s"): zero is the same amount in any prefix.
    const bool zero = format.scientific ? d == 0 : std::fabs(d) < 0.5 * scaled(1, -format.decimals);
    if (zero) return printed("%.*f", 0, 0.0, base_prefix(format.unit).suffix);
    return printed(format.scientific ? "%.*e" : "%.*f", format.decimals, d, format.suffix);
}

std::string format_value(double raw, value_unit unit) {
    if (std::isnan(raw)) return "-";
    const prefix b = base_prefix(unit);
    if (raw == 0 || !std::isfinite(raw)) return printed("%.*f", 0, raw * b.mul, b.suffix);
    const prefix p = pick_prefix(unit, raw);
    const double d = raw * p.mul / p.div;
    const double a = std::fabs(d);
    if (needs_scientific(a, a)) return printed("%.*e", 2, raw * b.mul / b.div, b.suffix);
    // Three significant digits, trailing zeros dropped: "1.2k/s", "1.23k/s", "1k/s".
    std::string s = printed("%.*f", std::clamp(2 - decade(a), 0, 6), d, "");
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0') s.pop_back();
        if (s.back() == '.') s.pop_back();
    }
    return s += p.suffix;
}

value_axis make_value_axis(value_range r, value_unit unit, int target_count) {
    // The prefix follows the data's magnitude, and ticks are nice in that
    // prefix: 0, 256, 512 MiB rather than 0, 200, 400 million bytes.
    const axis_ticks raw = nice_ticks(r, target_count);
    const bool finite = std::isfinite(r.lo) && std::isfinite(r.hi);
    const double max_abs = finite ? std::max(std::fabs(r.lo), std::fabs(r.hi)) : std::max(std::fabs(raw.range.lo), std::fabs(raw.range.hi));
    prefix p = pick_prefix(unit, max_abs);
    axis_ticks disp = nice_ticks({r.lo * p.mul / p.div, r.hi * p.mul / p.div}, target_count);
    const double disp_max = std::max(std::fabs(disp.range.lo), std::fabs(disp.range.hi));
    value_axis a;
    if (needs_scientific(disp_max, disp.step)) {
        p = base_prefix(unit);
        disp = nice_ticks({r.lo * p.mul / p.div, r.hi * p.mul / p.div}, target_count);
        const double m = std::max(std::fabs(disp.range.lo), std::fabs(disp.range.hi));
        a.format = make_format(unit, p, std::clamp(decade(m) - disp.exponent, 0, 15), true);
    } else {
        a.format = make_format(unit, p, std::max(0, -disp.exponent), false);
    }
    // Back to raw by the inverse operations (x 1024^k, / 100), exact where it can be.
    const auto to_raw = [&](double v) { return v * p.div / p.mul; };
    a.range = {to_raw(disp.range.lo), to_raw(disp.range.hi)};
    a.step = to_raw(disp.step);
    a.ticks.reserve(disp.values.size());
    a.labels.reserve(disp.values.size());
    for (double v : disp.values) {
        a.ticks.push_back(to_raw(v));
        a.labels.push_back(format_label(a.ticks.back(), a.format));
    }
    return a;
}

// [time axis] ------------------------------------------------------------------

double nice_time_step(double window_s, int target_count) {
    if (!(window_s > 0) || !std::isfinite(window_s)) return 0;
    const double want = window_s / std::max(1, target_count);
    if (want <= 1) return nice_number(want, false);
    static constexpr std::array<double, 17> steps{1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200};
    for (double s : steps)
        if (s >= want) return s;
    return 86400 * nice_number(want / 86400, false); // 1, 2, 5, 10 days
}

std::string format_time_offset(double offset_s, double step_s) {
    if (std::isnan(offset_s)) return "-";
    const double step = std::isfinite(step_s) && step_s > 0 ? step_s : 1;
    if (std::fabs(offset_s) < step * 1e-9) return "now";
    double div = 1;
    std::string_view unit = " s";
    if (step >= 3600) div = 3600, unit = " h";
    else if (step >= 60) div = 60, unit = " min";
    return printed("%.*f", std::min(decimals_for(step / div), 3), offset_s / div, unit);
}

time_axis make_time_axis(double window_s, int target_count) {
    time_axis a;
    a.step_s = nice_time_step(window_s, target_count);
    if (a.step_s == 0) return a;
    a.window_s = window_s;
    // Ticks are whole steps before now, so labels are round numbers of seconds
    // or minutes and do not change as time moves on.
    const auto count = static_cast<std::int64_t>(std::floor(window_s / a.step_s + 1e-9));
    for (std::int64_t k = count; k >= 0; --k) {
        a.offsets.push_back(k == 0 ? 0.0 : -static_cast<double>(k) * a.step_s);
        a.labels.push_back(format_time_offset(a.offsets.back(), a.step_s));
    }
    return a;
}

// [mapping] --------------------------------------------------------------------

chart_mapping::chart_mapping(pixel_rect rect, value_range t, value_range v) noexcept : rect_(rect), t_(t), v_(v) {}

double chart_mapping::x_of(double t) const noexcept {
    const double span = t_.hi - t_.lo;
    if (span == 0) return rect_.left;
    return rect_.left + (t - t_.lo) / span * (rect_.right - rect_.left);
}

double chart_mapping::y_of(double v) const noexcept {
    const double span = v_.hi - v_.lo;
    if (span == 0) return rect_.bottom;
    return rect_.bottom - (v - v_.lo) / span * (rect_.bottom - rect_.top);
}

pixel_point chart_mapping::to_pixel(double t, double v) const noexcept { return {x_of(t), y_of(v)}; }

double chart_mapping::time_at(double x) const noexcept {
    const double width = rect_.right - rect_.left;
    if (width == 0) return t_.lo;
    return t_.lo + (x - rect_.left) / width * (t_.hi - t_.lo);
}

double chart_mapping::value_at(double y) const noexcept {
    const double height = rect_.bottom - rect_.top;
    if (height == 0) return v_.lo;
    return v_.lo + (rect_.bottom - y) / height * (v_.hi - v_.lo);
}

std::size_t chart_mapping::columns() const noexcept {
    const double width = rect_.right - rect_.left;
    return width > 0 && std::isfinite(width) ? static_cast<std::size_t>(std::ceil(width)) : 0;
}

// [hover] ----------------------------------------------------------------------

namespace {
bool earlier(const chart_point& p, double t) noexcept { return p.t < t; }
bool later(double t, const chart_point& p) noexcept { return t < p.t; }
} // namespace

std::optional<std::size_t> nearest_sample(std::span<const chart_point> points, double t, double max_distance) noexcept {
    if (points.empty() || std::isnan(t)) return std::nullopt;
    const auto it = std::lower_bound(points.begin(), points.end(), t, earlier);
    std::size_t i = static_cast<std::size_t>(it - points.begin());
    if (i == points.size()) i = points.size() - 1;
    else if (i > 0 && t - points[i - 1].t <= points[i].t - t) --i; // a tie takes the older one
    if (!(std::fabs(points[i].t - t) <= max_distance)) return std::nullopt;
    return i;
}

std::optional<hover_hit> hover_sample(std::span<const chart_point> points, const chart_mapping& m, double mouse_x, double max_pixels) noexcept {
    const std::optional<std::size_t> i = nearest_sample(points, m.time_at(mouse_x));
    if (!i) return std::nullopt;
    if (!(std::fabs(m.x_of(points[*i].t) - mouse_x) <= max_pixels)) return std::nullopt;
    return hover_hit{*i, points[*i]};
}

// [decimation] -----------------------------------------------------------------

std::span<const chart_point> visible_points(std::span<const chart_point> points, double t0, double t1) noexcept {
    if (t0 > t1) std::swap(t0, t1);
    auto first = std::lower_bound(points.begin(), points.end(), t0, earlier);
    auto last = std::upper_bound(first, points.end(), t1, later);
    if (first != points.begin()) --first;
    if (last != points.end()) ++last;
    return points.subspan(static_cast<std::size_t>(first - points.begin()), static_cast<std::size_t>(last - first));
}

std::vector<chart_point> decimate(std::span<const chart_point> points, const chart_mapping& m) {
    std::vector<chart_point> out;
    if (points.size() <= m.columns()) {
        for (const chart_point& p : points)
            if (std::isfinite(p.v)) out.push_back(p);
        return out;
    }
    out.reserve(2 * m.columns() + 4);
    // Columns are whole pixels from the left edge; far-off samples (the one
    // either side of the window) get clamped columns of their own.
    constexpr double far = 1e15;
    const auto column_of = [&](double t) { return static_cast<std::int64_t>(std::floor(std::clamp(m.x_of(t) - m.rect().left, -far, far))); };
    std::int64_t column = 0;
    // Indices of the column's first and last finite samples, its minimum and
    // its maximum (the first of equal ones).
    std::optional<std::size_t> first, last, lo, hi;
    const auto flush = [&] {
        if (!first) return;
        // A flat column keeps its first and last samples instead, so that the
        // line still spans the column (and reaches the newest sample).
        const std::size_t a = *lo == *hi ? *first : std::min(*lo, *hi);
        const std::size_t b = *lo == *hi ? *last : std::max(*lo, *hi);
        out.push_back(points[a]);
        if (b != a) out.push_back(points[b]);
        first.reset();
    };
    for (std::size_t i = 0; i < points.size(); ++i) {
        const chart_point& p = points[i];
        if (!std::isfinite(p.v)) continue;
        const std::int64_t c = column_of(p.t);
        if (first && c != column) flush();
        column = c;
        if (!first) first = last = lo = hi = i;
        else {
            last = i;
            if (p.v < points[*lo].v) lo = i;
            if (p.v > points[*hi].v) hi = i;
        }
    }
    flush();
    return out;
}

// [y range] --------------------------------------------------------------------

value_range stable_y_range::target(value_range data) const {
    double lo = data.lo;
    double hi = data.hi;
    if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
    if (lo > hi) std::swap(lo, hi);
    if (policy_.include_zero) lo = std::min(lo, 0.0), hi = std::max(hi, 0.0);
    // Headroom goes on the sides away from zero, so a rate's axis still
    // starts at 0 and its peak does not touch the top edge.
    const double span = hi - lo;
    const double room = span * std::max(0.0, policy_.headroom);
    if (!(policy_.include_zero && hi == 0)) hi += room;
    if (!(policy_.include_zero && lo == 0)) lo -= room;
    return nice_ticks({lo, hi}, policy_.target_ticks).range;
}

value_range stable_y_range::update(std::optional<value_range> data, double now_s) {
    if (!data) return current_;
    const value_range want = target(*data);
    if (!has_data_) {
        has_data_ = true;
        current_ = want;
        return current_;
    }
    if (want.lo < current_.lo || want.hi > current_.hi) {
        // Grow at once, on the side that needs it only; the other side may
        // still shrink later.
        current_ = {std::min(current_.lo, want.lo), std::max(current_.hi, want.hi)};
        shrinking_ = false;
        return current_;
    }
    if (want == current_) {
        shrinking_ = false;
        return current_;
    }
    // Inside: shrink, but only to what all the frames of the hold period
    // wanted, once the data has stayed inside that long.
    if (!shrinking_ || now_s < smaller_since_) {
        shrinking_ = true;
        smaller_since_ = now_s;
        pending_ = want;
    } else {
        pending_ = {std::min(pending_.lo, want.lo), std::max(pending_.hi, want.hi)};
    }
    if (now_s - smaller_since_ >= policy_.shrink_after_s) {
        current_ = pending_;
        shrinking_ = false;
    }
    return current_;
}

void stable_y_range::reset() noexcept {
    has_data_ = false;
    current_ = {0, 1};
    shrinking_ = false;
    pending_ = {};
}

} // namespace ember::observer
