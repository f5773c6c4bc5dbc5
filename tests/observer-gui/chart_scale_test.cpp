// observer-gui/model/chart_scale: the line chart's maths, with the exact
// ticks, labels and pixels the widget will draw.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "ember/observer/chart_scale.hpp"

namespace ember::observer {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

using doubles = std::vector<double>;
using strings = std::vector<std::string>;

// [ranges and ticks] -------------------------------------------------------------

TEST(chart_scale, finite_range_skips_nan_and_infinities) {
    EXPECT_EQ(finite_range(doubles{nan, 3, inf, -2, -inf}), (value_range{-2, 3}));
    EXPECT_EQ(finite_range(doubles{}), std::nullopt);
    EXPECT_EQ(finite_range(doubles{nan, inf}), std::nullopt);
    const std::vector<chart_point> points{{0, 5}, {1, nan}, {2, -1}, {3, 7}};
    EXPECT_EQ(finite_range(points), (value_range{-1, 7}));
}

TEST(chart_scale, nice_number_rounds_to_1_2_5_times_a_power_of_ten) {
    EXPECT_EQ(nice_number(1.4, true), 1);
    EXPECT_EQ(nice_number(1.5, true), 2);
    EXPECT_EQ(nice_number(2.9, true), 2);
    EXPECT_EQ(nice_number(3, true), 5);
    EXPECT_EQ(nice_number(6.9, true), 5);
    EXPECT_EQ(nice_number(7, true), 10);
    EXPECT_EQ(nice_number(0.034, true), 0.05);
    EXPECT_EQ(nice_number(1, false), 1);
    EXPECT_EQ(nice_number(1.01, false), 2);
    EXPECT_EQ(nice_number(2, false), 2);
    EXPECT_EQ(nice_number(2.1, false), 5);
    EXPECT_EQ(nice_number(5.1, false), 10);
    EXPECT_EQ(nice_number(1000, false), 1000); // log10 must not round 1000 below a decade
    EXPECT_EQ(nice_number(0, true), 0);
    EXPECT_EQ(nice_number(-1, true), 0);
    EXPECT_EQ(nice_number(nan, true), 0);
}

TEST(chart_scale, ticks_of_typical_ranges) {
    axis_ticks t = nice_ticks({0, 100}, 5);
    EXPECT_EQ(t.values, (doubles{0, 20, 40, 60, 80, 100}));
    EXPECT_EQ(t.step, 20);
    EXPECT_EQ(t.mantissa, 2);
    EXPECT_EQ(t.exponent, 1);
    EXPECT_EQ(t.range, (value_range{0, 100}));

    EXPECT_EQ(nice_ticks({0, 100}, 10).values, (doubles{0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100}));
    EXPECT_EQ(nice_ticks({-3.7, 12.1}, 5).values, (doubles{-5, 0, 5, 10, 15}));
    // Ticks are built from integers, so they equal the literals exactly.
    EXPECT_EQ(nice_ticks({0.013, 0.087}, 5).values, (doubles{0, 0.02, 0.04, 0.06, 0.08, 0.1}));
    EXPECT_EQ(nice_ticks({0.3, 0.7}, 5).values, (doubles{0.3, 0.4, 0.5, 0.6, 0.7}));
}

TEST(chart_scale, ticks_of_negative_reversed_constant_and_empty_ranges) {
    EXPECT_EQ(nice_ticks({-250, -30}, 5).values, (doubles{-300, -200, -100, 0}));
    EXPECT_EQ(nice_ticks({100, 0}, 5).values, (doubles{0, 20, 40, 60, 80, 100}));
    // A constant is widened by 10% either way; zero and no data become 0..1.
    EXPECT_EQ(nice_ticks({5, 5}, 5).values, (doubles{4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6}));
    EXPECT_EQ(nice_ticks({0, 0}, 5).values, (doubles{0, 0.2, 0.4, 0.6, 0.8, 1}));
    EXPECT_EQ(nice_ticks({nan, nan}, 5).values, (doubles{0, 0.2, 0.4, 0.6, 0.8, 1}));
    // A target count below 2 counts as 2.
    EXPECT_EQ(nice_ticks({0, 100}, 0).values, (doubles{0, 100}));
}

TEST(chart_scale, ticks_of_huge_and_ill_conditioned_ranges_stay_finite_and_few) {
    // Clamped to 1e307 (pow(10, 307) may be an ulp off the literal, so
    // the step may come out 2e306 or 5e306).
    axis_ticks t = nice_ticks({0, 1e308}, 5);
    EXPECT_EQ(t.values.front(), 0);
    EXPECT_GE(t.values.back(), 1e307 * (1 - 1e-15));
    EXPECT_LE(t.values.size(), 7U);
    for (double v : t.values) EXPECT_TRUE(std::isfinite(v));

    t = nice_ticks({-inf, inf}, 5);
    EXPECT_LE(t.values.front(), -1e307 * (1 - 1e-15));
    EXPECT_GE(t.values.back(), 1e307 * (1 - 1e-15));
    EXPECT_LE(t.values.size(), 7U);
    for (double v : t.values) EXPECT_TRUE(std::isfinite(v));

    // Half a unit on 1e15: a span doubles cannot tick, taken as a constant.
    t = nice_ticks({1e15, 1e15 + 0.5}, 5);
    EXPECT_GE(t.values.size(), 2U);
    EXPECT_LE(t.values.size(), 12U);
    EXPECT_LE(t.range.lo, 1e15);
    EXPECT_GE(t.range.hi, 1e15 + 0.5);
    for (std::size_t i = 1; i < t.values.size(); ++i) EXPECT_LT(t.values[i - 1], t.values[i]);

    t = nice_ticks({1e-300, 2e-300}, 5);
    EXPECT_EQ(t.values, (doubles{0, 0.2, 0.4, 0.6, 0.8, 1})); // below 1e-100 counts as zero
}

TEST(chart_scale, ticks_cover_the_data_for_many_ranges) {
    std::mt19937 rng(12);
    std::uniform_real_distribution<double> exponent(-6, 12);
    std::uniform_real_distribution<double> unit(-1, 1);
    for (int i = 0; i < 2000; ++i) {
        const double scale = std::pow(10.0, exponent(rng));
        const double a = unit(rng) * scale;
        const double b = unit(rng) * scale;
        const int n = 2 + i % 9;
        const axis_ticks t = nice_ticks({a, b}, n);
        ASSERT_LE(t.range.lo, std::min(a, b)) << a << " " << b;
        ASSERT_GE(t.range.hi, std::max(a, b)) << a << " " << b;
        ASSERT_GE(t.values.size(), 2U);
        ASSERT_LE(t.values.size(), static_cast<std::size_t>(2 * n + 3)) << a << " " << b << " " << n;
    }
}

// [units] ----------------------------------------------------------------------

TEST(chart_scale, byte_axes_tick_in_binary_prefixes) {
    value_axis a = make_value_axis({0, 900.0 * 1024 * 1024}, value_unit::bytes, 5);
    EXPECT_EQ(a.labels, (strings{"0 B", "200 MiB", "400 MiB", "600 MiB", "800 MiB", "1000 MiB"}));
    EXPECT_EQ(a.ticks[1], 200.0 * 1024 * 1024);
    EXPECT_EQ(a.range, (value_range{0, 1000.0 * 1024 * 1024}));
    EXPECT_EQ(a.step, 200.0 * 1024 * 1024);

    a = make_value_axis({0, 1.5 * 1024 * 1024 * 1024}, value_unit::bytes, 5);
    EXPECT_EQ(a.labels, (strings{"0 B", "0.5 GiB", "1.0 GiB", "1.5 GiB"}));
    EXPECT_EQ(a.ticks, (doubles{0, 0.5 * 1024 * 1024 * 1024, 1024.0 * 1024 * 1024, 1.5 * 1024 * 1024 * 1024}));

    a = make_value_axis({0, 700}, value_unit::bytes, 5);
    EXPECT_EQ(a.labels, (strings{"0 B", "200 B", "400 B", "600 B", "800 B"}));
}

TEST(chart_scale, rate_count_percent_and_duration_axes) {
    EXPECT_EQ(make_value_axis({0, 2500}, value_unit::rate, 5).labels, (strings{"0/s", "1k/s", "2k/s", "3k/s"}));
    EXPECT_EQ(make_value_axis({0, 1234}, value_unit::rate, 5).labels, (strings{"0/s", "0.5k/s", "1.0k/s", "1.5k/s"}));
    EXPECT_EQ(make_value_axis({0, 40}, value_unit::rate, 5).labels, (strings{"0/s", "10/s", "20/s", "30/s", "40/s"}));
    EXPECT_EQ(make_value_axis({0, 250'000}, value_unit::count, 5).labels, (strings{"0", "100k", "200k", "300k"}));
    EXPECT_EQ(make_value_axis({-5, 5}, value_unit::count, 5).labels, (strings{"-6", "-4", "-2", "0", "2", "4", "6"}));

    // Utilization: 0..1 in, 0..100% out, ticks back in 0..1.
    value_axis p = make_value_axis({0, 0.87}, value_unit::percent, 5);
    EXPECT_EQ(p.labels, (strings{"0%", "20%", "40%", "60%", "80%", "100%"}));
    EXPECT_EQ(p.ticks, (doubles{0, 0.2, 0.4, 0.6, 0.8, 1}));

    EXPECT_EQ(make_value_axis({0, 0.45}, value_unit::duration, 5).labels, (strings{"0 s", "100 ms", "200 ms", "300 ms", "400 ms", "500 ms"}));
    EXPECT_EQ(make_value_axis({0, 90}, value_unit::duration, 5).labels, (strings{"0 s", "20 s", "40 s", "60 s", "80 s", "100 s"}));
    value_axis d = make_value_axis({0, 600}, value_unit::duration, 5);
    EXPECT_EQ(d.labels, (strings{"0 s", "2 min", "4 min", "6 min", "8 min", "10 min"}));
    EXPECT_EQ(d.ticks, (doubles{0, 120, 240, 360, 480, 600}));
}

TEST(chart_scale, labels_tell_neighbouring_ticks_apart) {
    // 0.1k/s steps need one decimal, 0.05 two: every label differs from the next.
    for (const value_range r : {value_range{0, 0.3}, value_range{1000, 1300}, value_range{0.1, 0.35}, value_range{1e6, 1e6 + 40}}) {
        for (const value_unit u : {value_unit::count, value_unit::rate, value_unit::bytes, value_unit::duration}) {
            const value_axis a = make_value_axis(r, u, 6);
            for (std::size_t i = 1; i < a.labels.size(); ++i)
                EXPECT_NE(a.labels[i - 1], a.labels[i]) << r.lo << ".." << r.hi << " unit " << static_cast<int>(u);
        }
    }
    EXPECT_EQ(make_value_axis({1000, 1300}, value_unit::rate, 6).labels, (strings{"1.0k/s", "1.1k/s", "1.2k/s", "1.3k/s"}));
}

TEST(chart_scale, huge_values_go_scientific) {
    const value_axis a = make_value_axis({0, 1e20}, value_unit::count, 5);
    EXPECT_EQ(a.labels, (strings{"0", "2.0e+19", "4.0e+19", "6.0e+19", "8.0e+19", "1.0e+20"}));
    EXPECT_EQ(format_value(1e20, value_unit::count), "1.00e+20");
}

TEST(chart_scale, format_label_prints_zero_plainly) {
    const label_format f = axis_format(value_unit::rate, 2000, 500);
    EXPECT_EQ(f.suffix, "k/s");
    EXPECT_EQ(f.decimals, 1);
    EXPECT_EQ(format_label(1500, f), "1.5k/s");
    EXPECT_EQ(format_label(-0.0, f), "0/s");
    EXPECT_EQ(format_label(-1e-9, f), "0/s"); // never "-0.0k/s"
    EXPECT_EQ(format_label(nan, f), "-");
    EXPECT_EQ(axis_format(value_unit::bytes, 3.0 * 1024 * 1024, 0.5 * 1024 * 1024).suffix, " MiB");
    EXPECT_EQ(axis_format(value_unit::percent, 1, 0.25).decimals, 0);
    EXPECT_EQ(axis_format(value_unit::percent, 1, 0.025).decimals, 1);
}

TEST(chart_scale, format_value_uses_three_significant_digits) {
    EXPECT_EQ(format_value(1234, value_unit::bytes), "1.21 KiB");
    EXPECT_EQ(format_value(-2048, value_unit::bytes), "-2 KiB");
    EXPECT_EQ(format_value(512, value_unit::bytes), "512 B");
    EXPECT_EQ(format_value(3.5 * 1024 * 1024 * 1024, value_unit::bytes), "3.5 GiB");
    EXPECT_EQ(format_value(1200, value_unit::rate), "1.2k/s");
    EXPECT_EQ(format_value(1234, value_unit::rate), "1.23k/s");
    EXPECT_EQ(format_value(1000, value_unit::rate), "1k/s");
    EXPECT_EQ(format_value(2'500'000, value_unit::rate), "2.5M/s");
    EXPECT_EQ(format_value(0, value_unit::rate), "0/s");
    EXPECT_EQ(format_value(0.456, value_unit::percent), "45.6%");
    EXPECT_EQ(format_value(1, value_unit::percent), "100%");
    EXPECT_EQ(format_value(0.0123, value_unit::duration), "12.3 ms");
    EXPECT_EQ(format_value(75, value_unit::duration), "75 s");
    EXPECT_EQ(format_value(300, value_unit::duration), "5 min");
    EXPECT_EQ(format_value(3 * 3600, value_unit::duration), "3 h");
    EXPECT_EQ(format_value(42, value_unit::count), "42");
    EXPECT_EQ(format_value(nan, value_unit::count), "-");
}

// [time axis] ------------------------------------------------------------------

TEST(chart_scale, nice_time_steps) {
    EXPECT_EQ(nice_time_step(10, 5), 2);
    EXPECT_EQ(nice_time_step(60, 5), 15);
    EXPECT_EQ(nice_time_step(100, 4), 30);
    EXPECT_EQ(nice_time_step(300, 6), 60);
    EXPECT_EQ(nice_time_step(600, 6), 120); // 2 min: 5 steps in 10 min
    EXPECT_EQ(nice_time_step(7200, 4), 1800);
    EXPECT_EQ(nice_time_step(86400, 6), 21600);
    EXPECT_EQ(nice_time_step(10 * 86400, 4), 5 * 86400);
    EXPECT_EQ(nice_time_step(1, 4), 0.5);
    EXPECT_EQ(nice_time_step(0, 5), 0);
    EXPECT_EQ(nice_time_step(-1, 5), 0);
    EXPECT_EQ(nice_time_step(nan, 5), 0);
    EXPECT_EQ(nice_time_step(inf, 5), 0);
}

TEST(chart_scale, time_axis_of_the_last_n_seconds) {
    time_axis a = make_time_axis(300, 6);
    EXPECT_EQ(a.step_s, 60);
    EXPECT_EQ(a.offsets, (doubles{-300, -240, -180, -120, -60, 0}));
    EXPECT_EQ(a.labels, (strings{"-5 min", "-4 min", "-3 min", "-2 min", "-1 min", "now"}));

    EXPECT_EQ(make_time_axis(60, 5).labels, (strings{"-60 s", "-45 s", "-30 s", "-15 s", "now"}));
    // A window that is not a whole number of steps: no tick at its start.
    EXPECT_EQ(make_time_axis(100, 4).offsets, (doubles{-90, -60, -30, 0}));
    EXPECT_EQ(make_time_axis(7200, 4).labels, (strings{"-120 min", "-90 min", "-60 min", "-30 min", "now"}));
    EXPECT_EQ(make_time_axis(86400, 6).labels, (strings{"-24 h", "-18 h", "-12 h", "-6 h", "now"}));
    EXPECT_EQ(make_time_axis(1, 4).labels, (strings{"-1.0 s", "-0.5 s", "now"}));
    EXPECT_TRUE(make_time_axis(0, 5).offsets.empty());
    EXPECT_TRUE(make_time_axis(nan, 5).labels.empty());
}

TEST(chart_scale, hover_time_labels) {
    EXPECT_EQ(format_time_offset(-12.34, 0.1), "-12.3 s");
    EXPECT_EQ(format_time_offset(-120, 60), "-2 min");
    EXPECT_EQ(format_time_offset(0, 1), "now");
    EXPECT_EQ(format_time_offset(-5, 0), "-5 s"); // a bad step counts as 1 s
}

// [mapping] --------------------------------------------------------------------

TEST(chart_scale, data_maps_to_pixels_with_y_up) {
    const chart_mapping m({10, 20, 110, 220}, {1000, 1100}, {0, 50});
    EXPECT_EQ(m.to_pixel(1000, 0).x, 10);
    EXPECT_EQ(m.to_pixel(1000, 0).y, 220); // the lowest value at the bottom edge
    EXPECT_EQ(m.to_pixel(1100, 50).x, 110);
    EXPECT_EQ(m.to_pixel(1100, 50).y, 20);
    EXPECT_EQ(m.to_pixel(1050, 25).x, 60);
    EXPECT_EQ(m.to_pixel(1050, 25).y, 120);
    EXPECT_EQ(m.to_pixel(900, 100).x, -90); // outside maps outside; the widget clips
    EXPECT_EQ(m.to_pixel(900, 100).y, -180);
    EXPECT_EQ(m.time_at(60), 1050);
    EXPECT_EQ(m.value_at(120), 25);
    EXPECT_EQ(m.columns(), 100U);
}

TEST(chart_scale, mapping_round_trips) {
    const chart_mapping m({3.5, 7.25, 803.5, 407.25}, {1.7e9, 1.7e9 + 600}, {-12.5, 4096});
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> t(1.7e9 - 100, 1.7e9 + 700);
    std::uniform_real_distribution<double> v(-100, 5000);
    for (int i = 0; i < 1000; ++i) {
        const double ti = t(rng);
        const double vi = v(rng);
        const pixel_point p = m.to_pixel(ti, vi);
        EXPECT_NEAR(m.time_at(p.x), ti, 1e-6);
        EXPECT_NEAR(m.value_at(p.y), vi, 1e-9);
    }
}

TEST(chart_scale, degenerate_mappings_do_not_divide_by_zero) {
    const chart_mapping flat({0, 0, 100, 50}, {5, 5}, {2, 2});
    EXPECT_EQ(flat.x_of(7), 0);
    EXPECT_EQ(flat.y_of(7), 50);
    const chart_mapping empty({10, 10, 10, 10}, {0, 60}, {0, 1});
    EXPECT_EQ(empty.time_at(10), 0);
    EXPECT_EQ(empty.value_at(10), 0);
    EXPECT_EQ(empty.columns(), 0U);
}

// [hover] ----------------------------------------------------------------------

// Samples each second, then a gap from 3 s to 10 s.
const std::vector<chart_point> gappy{{0, 0}, {1, 10}, {2, 20}, {3, 30}, {10, 40}, {11, 50}};

TEST(chart_scale, nearest_sample_at_edges_and_in_gaps) {
    EXPECT_EQ(nearest_sample(gappy, -5), 0U);
    EXPECT_EQ(nearest_sample(gappy, 0), 0U);
    EXPECT_EQ(nearest_sample(gappy, 100), 5U);
    EXPECT_EQ(nearest_sample(gappy, 11), 5U);
    EXPECT_EQ(nearest_sample(gappy, 2), 2U);
    EXPECT_EQ(nearest_sample(gappy, 1.5), 1U); // a tie takes the older sample
    EXPECT_EQ(nearest_sample(gappy, 1.6), 2U);
    EXPECT_EQ(nearest_sample(gappy, 6.4), 3U);
    EXPECT_EQ(nearest_sample(gappy, 6.6), 4U);
    // With a limit, the middle of the gap and beyond the ends show nothing.
    EXPECT_EQ(nearest_sample(gappy, 6.5, 1), std::nullopt);
    EXPECT_EQ(nearest_sample(gappy, 3.9, 1), 3U);
    EXPECT_EQ(nearest_sample(gappy, 100, 1), std::nullopt);
    EXPECT_EQ(nearest_sample(gappy, -1, 1), 0U);
    EXPECT_EQ(nearest_sample({}, 1), std::nullopt);
    EXPECT_EQ(nearest_sample(gappy, nan), std::nullopt);
    const std::vector<chart_point> one{{5, 1}};
    EXPECT_EQ(nearest_sample(one, -1e9), 0U);
    EXPECT_EQ(nearest_sample(one, 1e9), 0U);
}

TEST(chart_scale, hover_gives_the_sample_under_the_mouse) {
    const chart_mapping m({0, 0, 120, 50}, {0, 12}, {0, 50}); // 10 px a second
    const std::optional<hover_hit> hit = hover_sample(gappy, m, 21, 5);
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->index, 2U);
    EXPECT_EQ(hit->point, (chart_point{2, 20}));
    EXPECT_EQ(hover_sample(gappy, m, 65, 5), std::nullopt); // in the gap: 35 px from both neighbours
    EXPECT_EQ(hover_sample(gappy, m, 114, 5)->index, 5U);
    EXPECT_EQ(hover_sample(gappy, m, 119, 5), std::nullopt); // right of the newest by 9 px
}

// [decimation] -----------------------------------------------------------------

TEST(chart_scale, visible_points_keep_one_sample_either_side) {
    std::vector<chart_point> points;
    for (int i = 0; i < 10; ++i) points.push_back({static_cast<double>(i), 0});
    std::span<const chart_point> v = visible_points(points, 3.5, 6.5);
    ASSERT_EQ(v.size(), 5U);
    EXPECT_EQ(v.front().t, 3);
    EXPECT_EQ(v.back().t, 7);
    EXPECT_EQ(visible_points(points, 3, 6).size(), 6U); // 2..7: the ends are inside, one more each side
    EXPECT_EQ(visible_points(points, -5, 20).size(), 10U);
    EXPECT_EQ(visible_points(points, 20, 30).size(), 1U); // the newest, so a line enters from the left
    EXPECT_TRUE(visible_points({}, 0, 1).empty());
}

TEST(chart_scale, decimation_keeps_minima_and_maxima_per_column) {
    // 1000 samples over 10 columns of 100 each: a dip in column 2, a spike in 5.
    std::vector<chart_point> points;
    for (int i = 0; i < 1000; ++i) points.push_back({static_cast<double>(i), 0});
    points[207].v = -50;
    points[503].v = 100;
    points[640].v = nan; // skipped
    const chart_mapping m({0, 0, 10, 100}, {0, 1000}, {-50, 100});
    const std::vector<chart_point> d = decimate(points, m);
    const std::vector<chart_point> want{{0, 0},   {99, 0},    {100, 0}, {199, 0}, {200, 0}, {207, -50}, {300, 0}, {399, 0}, {400, 0}, {499, 0},
                                        {500, 0}, {503, 100}, {600, 0}, {699, 0}, {700, 0}, {799, 0},   {800, 0}, {899, 0}, {900, 0}, {999, 0}};
    EXPECT_EQ(d, want);
}

TEST(chart_scale, decimation_leaves_sparse_series_alone_but_nan) {
    const std::vector<chart_point> points{{0, 1}, {1, nan}, {2, 3}};
    const chart_mapping m({0, 0, 100, 100}, {0, 2}, {0, 3});
    EXPECT_EQ(decimate(points, m), (std::vector<chart_point>{{0, 1}, {2, 3}}));
    EXPECT_TRUE(decimate({}, m).empty());
}

TEST(chart_scale, decimation_of_random_data_keeps_every_columns_extremes) {
    std::mt19937 rng(3);
    std::normal_distribution<double> noise(0, 1);
    std::vector<chart_point> points;
    for (int i = 0; i < 10'000; ++i) points.push_back({i * 0.01, noise(rng)});
    const chart_mapping m({0, 0, 37, 10}, {0, 100}, {-5, 5});
    const std::vector<chart_point> d = decimate(points, m);
    EXPECT_LE(d.size(), 2 * m.columns());
    for (std::size_t i = 1; i < d.size(); ++i) ASSERT_LT(d[i - 1].t, d[i].t);
    const auto column = [&](double t) { return static_cast<long>(std::floor(m.x_of(t))); };
    for (long c = 0; c < 37; ++c) {
        double lo = inf, hi = -inf, kept_lo = inf, kept_hi = -inf;
        for (const chart_point& p : points)
            if (column(p.t) == c) lo = std::min(lo, p.v), hi = std::max(hi, p.v);
        for (const chart_point& p : d)
            if (column(p.t) == c) kept_lo = std::min(kept_lo, p.v), kept_hi = std::max(kept_hi, p.v);
        EXPECT_EQ(kept_lo, lo) << "column " << c;
        EXPECT_EQ(kept_hi, hi) << "column " << c;
    }
}

// [y range] --------------------------------------------------------------------

TEST(chart_scale, y_target_has_zero_headroom_and_nice_ends) {
    const stable_y_range y;
    EXPECT_EQ(y.target({0, 100}), (value_range{0, 150})); // 110 rounds out to Heckbert's 50 steps
    EXPECT_EQ(y.target({3, 37}), (value_range{0, 50}));
    EXPECT_EQ(y.target({-5, 10}), (value_range{-10, 15}));
    EXPECT_EQ(y.target({0, 0}), (value_range{0, 1}));
    EXPECT_EQ(y.target({-20, -10}), (value_range{-30, 0}));
    const stable_y_range free({.include_zero = false});
    EXPECT_EQ(free.target({95, 105}), (value_range{90, 110}));
}

TEST(chart_scale, y_range_grows_at_once_and_shrinks_after_a_while) {
    stable_y_range y;
    EXPECT_EQ(y.current(), (value_range{0, 1}));
    EXPECT_EQ(y.update({{0, 100}}, 0), (value_range{0, 150}));
    EXPECT_EQ(y.update({{0, 120}}, 1), (value_range{0, 150}));
    EXPECT_EQ(y.update({{0, 200}}, 2), (value_range{0, 300})); // grows in the same frame
    EXPECT_EQ(y.update(std::nullopt, 2.5), (value_range{0, 300}));
    EXPECT_EQ(y.update({{0, 37}}, 3), (value_range{0, 300})); // smaller since 3 s
    EXPECT_EQ(y.update({{0, 80}}, 8), (value_range{0, 300}));
    EXPECT_EQ(y.update({{0, 37}}, 12.9), (value_range{0, 300}));
    EXPECT_EQ(y.update({{0, 37}}, 13), (value_range{0, 100})); // to the largest of the last 10 s
    EXPECT_EQ(y.update({{0, 37}}, 14), (value_range{0, 100}));
    EXPECT_EQ(y.update({{0, 37}}, 24), (value_range{0, 50}));
}

TEST(chart_scale, y_range_grows_one_side_and_a_peak_restarts_the_wait) {
    stable_y_range y;
    y.update({{0, 100}}, 0);
    EXPECT_EQ(y.update({{-30, 50}}, 1), (value_range{-40, 150}));
    stable_y_range z;
    z.update({{0, 100}}, 0);
    z.update({{0, 10}}, 1);
    z.update({{0, 100}}, 9); // back up to the current range: the wait starts again
    EXPECT_EQ(z.update({{0, 10}}, 12), (value_range{0, 150}));
    EXPECT_EQ(z.update({{0, 10}}, 21.9), (value_range{0, 150}));
    EXPECT_EQ(z.update({{0, 10}}, 22), (value_range{0, 15}));
    z.reset();
    EXPECT_EQ(z.current(), (value_range{0, 1}));
}

TEST(chart_scale, y_range_is_stable_under_frame_to_frame_noise) {
    // 30 s at 60 frames a second of a value jumping between 60 and 90.
    stable_y_range y;
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> v(60, 90);
    const value_range first = y.update({{0, 90}}, 0);
    for (int frame = 1; frame < 1800; ++frame) ASSERT_EQ(y.update({{0, v(rng)}}, frame / 60.0), first) << "frame " << frame;
}

} // namespace
} // namespace ember::observer
