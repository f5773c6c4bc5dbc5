// Humane units: what a person reads at a glance in a table column. Three
// significant figures at most, so columns stay narrow and stable.

#include <cmath>
#include <cstdio>

#include "ember/render/text.hpp"
#include "ember/term/print.hpp"

namespace ember::render {
namespace {

// One decimal below 100 ("1.5", "12.3"), none above ("123").
std::string scaled(double v, const char* unit) {
    char buf[48];
    if (v < 99.95) std::snprintf(buf, sizeof buf, "%.1f%s", v, unit);
    else std::snprintf(buf, sizeof buf, "%.0f%s", v, unit);
    return buf;
}

// Two decimals below 10 ("1.23M"), then as scaled.
std::string scaled3(double v, const char* unit) {
    if (v < 9.995) {
        char buf[48];
        std::snprintf(buf, sizeof buf, "%.2f%s", v, unit);
        return buf;
    }
    return scaled(v, unit);
}

std::string two(std::uint64_t n) { return (n < 10 ? "0" : "") + std::to_string(n); }

} // namespace

std::string pid_text(const pid& p) { return to_string(term::from_pid(p)); }

std::string bytes_text(std::uint64_t bytes) {
    if (bytes < 1024) return std::to_string(bytes) + " B";
    static constexpr const char* units[] = {" KiB", " MiB", " GiB", " TiB", " PiB", " EiB"};
    double v = static_cast<double>(bytes) / 1024;
    std::size_t u = 0;
    // Round first, so 1023.96 KiB reads 1.0 MiB rather than 1024 KiB.
    while (v >= 1023.5 && u + 1 < std::size(units)) {
        v /= 1024;
        ++u;
    }
    return scaled(v, units[u]);
}

std::string ms_text(std::uint64_t ms) {
    if (ms < 1000) return std::to_string(ms) + " ms";
    if (ms < 59'950) return scaled(static_cast<double>(ms) / 1000, " s");
    const std::uint64_t s = (ms + 500) / 1000;
    if (s < 3600) return std::to_string(s / 60) + "m " + two(s % 60) + "s";
    const std::uint64_t m = (s + 30) / 60;
    if (m < 24 * 60) return std::to_string(m / 60) + "h " + two(m % 60) + "m";
    const std::uint64_t h = (m + 30) / 60;
    return std::to_string(h / 24) + "d " + two(h % 24) + "h";
}

std::string us_text(std::uint64_t us) {
    if (us < 1000) return std::to_string(us) + " us";
    if (us < 999'500) return scaled(static_cast<double>(us) / 1000, " ms");
    return ms_text((us + 500) / 1000);
}

std::string count_text(std::uint64_t n) {
    if (n < 1'000'000) return std::to_string(n);
    const double v = static_cast<double>(n);
    if (v < 999.5e6) return scaled3(v / 1e6, "M");
    if (v < 999.5e9) return scaled3(v / 1e9, "G");
    return scaled3(v / 1e12, "T");
}

std::string rate_text(double per_second) {
    if (!std::isfinite(per_second) || per_second <= 0) return "0";
    if (per_second < 999.95) return scaled(per_second, "");
    if (per_second < 999.5e3) return scaled(per_second / 1e3, "k");
    if (per_second < 999.5e6) return scaled3(per_second / 1e6, "M");
    return scaled3(per_second / 1e9, "G");
}

std::string percent_text(double fraction) {
    if (!std::isfinite(fraction) || fraction < 0) fraction = 0;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", fraction * 100);
    return buf;
}

} // namespace ember::render
