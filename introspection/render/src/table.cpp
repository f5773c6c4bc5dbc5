// Tables that fit a width: natural column widths first; when too wide,
// shrink the free-text columns (names, functions, messages) to their
// minimum, widest first; then drop optional columns, least needed first,
// starting again from natural widths each time so a column dropped frees
// room for the text that had been cut.

#include <algorithm>
#include <numeric>

#include "table.hpp"

namespace ember::render::detail {
namespace {

constexpr std::size_t gap = 2;
constexpr std::string_view ellipsis = "\u2026"; // one column wide

bool continuation(char c) noexcept { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Widths of the shown columns for `width` (0: natural), or false when
// even the minimums do not fit.
bool fit(std::vector<std::size_t>& w, const std::vector<column>& cols, const std::vector<std::size_t>& shown, std::size_t width) {
    auto total = [&] { return std::accumulate(w.begin(), w.end(), std::size_t{0}) + gap * (w.empty() ? 0 : w.size() - 1); };
    if (width == 0 || total() <= width) return true;
    // Shrink the widest shrinkable column one step at a time, so free text
    // shares what room there is.
    for (;;) {
        std::size_t widest = w.size();
        for (std::size_t i = 0; i < w.size(); ++i) {
            const column& c = cols[shown[i]];
            const std::size_t floor = std::max(c.min_width, display_width(c.header));
            if (c.shrink && w[i] > floor && (widest == w.size() || w[i] > w[widest])) widest = i;
        }
        if (widest == w.size()) return false;
        --w[widest];
        if (total() <= width) return true;
    }
}

} // namespace

std::size_t display_width(std::string_view s) noexcept {
    std::size_t n = 0;
    for (char c : s) n += !continuation(c);
    return n;
}

std::string cut(std::string_view s, std::size_t width) {
    if (display_width(s) <= width) return std::string(s);
    if (width == 0) return {};
    std::string out;
    std::size_t cols = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        // Stops at the first byte of a code point, so no code point is split;
        // width - 1 of them leave room for the ellipsis.
        if (!continuation(s[i]) && ++cols == width) break;
        out += s[i];
    }
    out += ellipsis;
    return out;
}

std::string pad(std::string_view s, std::size_t width, bool right_align) {
    const std::size_t w = display_width(s);
    if (w >= width) return std::string(s);
    const std::string fill(width - w, ' ');
    return right_align ? fill + std::string(s) : std::string(s) + fill;
}

std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    return s;
}

void table::add(std::vector<std::string> cells) {
    cells.resize(columns_.size());
    for (auto& c : cells) c = one_line(std::move(c));
    rows_.push_back(std::move(cells));
}

std::string table::render(std::size_t width, bool bold_header) const {
    std::vector<std::size_t> shown(columns_.size());
    std::iota(shown.begin(), shown.end(), std::size_t{0});
    std::vector<std::size_t> w;
    for (;;) {
        w.clear();
        for (std::size_t i : shown) {
            std::size_t n = display_width(columns_[i].header);
            for (const auto& row : rows_) n = std::max(n, display_width(row[i]));
            w.push_back(n);
        }
        if (fit(w, columns_, shown, width)) break;
        // Drop the optional column least needed (highest `drop`), if any.
        auto victim = std::max_element(shown.begin(), shown.end(), [&](std::size_t a, std::size_t b) { return columns_[a].drop < columns_[b].drop; });
        if (victim == shown.end() || columns_[*victim].drop == 0) break; // as narrow as it gets
        shown.erase(victim);
    }

    std::string out;
    auto line = [&](auto cell_of) {
        std::string l;
        for (std::size_t k = 0; k < shown.size(); ++k) {
            const column& c = columns_[shown[k]];
            std::string cell = cut(cell_of(shown[k]), w[k]);
            const bool last = k + 1 == shown.size();
            if (k) l += std::string(gap, ' ');
            l += (last && !c.right) ? cell : pad(cell, w[k], c.right);
        }
        while (!l.empty() && l.back() == ' ') l.pop_back();
        out += l;
        out += '\n';
    };
    line([&](std::size_t i) -> const std::string& { return columns_[i].header; });
    if (bold_header) out = "\x1b[1m" + out.substr(0, out.size() - 1) + "\x1b[0m\n";
    for (const auto& row : rows_) line([&](std::size_t i) -> const std::string& { return row[i]; });
    return out;
}

std::string key_values::render(std::size_t width, std::string_view indent) const {
    std::size_t key_width = 0;
    for (const auto& [k, v] : rows_) key_width = std::max(key_width, display_width(k));
    std::string out;
    for (const auto& [k, v] : rows_) append_line(out, std::string(indent) + pad(k, key_width, false) + "  " + v, width);
    return out;
}

void append_line(std::string& out, std::string_view line, std::size_t width) {
    const std::string clean = one_line(std::string(line));
    out += width ? cut(clean, width) : clean;
    out += '\n';
}

} // namespace ember::render::detail
