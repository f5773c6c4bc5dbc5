#pragma once
// The layout every text rendering shares: aligned tables that fit a width,
// "key  value" lists, and cutting text by display width. Private to
// ember::render.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ember/protocol/replies.hpp"

namespace ember::render::detail {

/// Display columns of UTF-8 text: one per code point (what terminals show
/// for the names and terms a node prints; wide CJK is not measured).
std::size_t display_width(std::string_view s) noexcept;

/// `s` cut to at most `width` columns, ending in "…" when cut.
std::string cut(std::string_view s, std::size_t width);

/// `s` padded with spaces to `width` columns, on the right (left-aligned)
/// or on the left (right-aligned).
std::string pad(std::string_view s, std::size_t width, bool right_align);

struct column {
    std::string header;
    bool right = false; ///< right-aligned (numbers)
    /// May be shortened (cut with "…") down to `min_width` to fit.
    bool shrink = false;
    std::size_t min_width = 8;
    /// 0: always shown; otherwise dropped to fit, highest first.
    int drop = 0;
};

/// Rows of cells under a header line; two spaces between columns, no
/// trailing spaces.
class table {
public:
    explicit table(std::vector<column> columns) : columns_(std::move(columns)) {}
    /// One cell per column (missing ones are empty); line breaks and tabs
    /// in a cell become spaces.
    void add(std::vector<std::string> cells);
    bool empty() const noexcept { return rows_.empty(); }
    /// The header and rows laid out in `width` columns (0: no limit): free
    /// text shrinks first, then columns are dropped; if even that does not
    /// fit, lines are as short as they can be. `bold_header` wraps the
    /// header line in ANSI bold, after the layout (text_options::colour).
    std::string render(std::size_t width, bool bold_header = false) const;

private:
    std::vector<column> columns_;
    std::vector<std::vector<std::string>> rows_;
};

/// "key  value" lines with the values aligned, each cut at `width`.
class key_values {
public:
    void add(std::string key, std::string value) { rows_.emplace_back(std::move(key), std::move(value)); }
    std::string render(std::size_t width, std::string_view indent = "") const;

private:
    std::vector<std::pair<std::string, std::string>> rows_;
};

/// `s` with line breaks and tabs made spaces: text from the node (names,
/// printed terms, messages) never breaks a table's lines.
std::string one_line(std::string s);

/// Appends `line` (made one line) cut at `width` (0: whole) and a newline.
void append_line(std::string& out, std::string_view line, std::size_t width);

/// A supervisor's restarts as a table (AT, CHILD, OLD PID, REASON), indented
/// two spaces: `info` of a supervisor and `tree` show them the same way.
std::string restarts_table(std::span<const protocol::restart_row> restarts, std::size_t width, bool colour);

} // namespace ember::render::detail
