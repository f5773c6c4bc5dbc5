#pragma once
// process_table: the model of a virtualized process table that stays fluid
// over a million processes. The node sorts, filters and pages
// (`{processes, #{sort, limit, offset, filter}}`); this class asks only for
// the pages of rows on screen, caches them by page, says when they are due
// again, and keeps the selection by pid, so it survives re-sorting.
//
//   process_table t;
//   t.set_sort(protocol::process_sort::memory, sort_direction::descending);
//   t.set_refresh(2s);
//   ... each frame, with the clipper's range:
//   t.set_visible(first, last);
//   for (const page_request& r : t.take_requests(now)) tickets[conn.request(r.request())] = r;
//   ... when a reply comes: t.on_page(r, page, now) (or t.on_error(r))
//   for (i in [first, last)) if (auto* row = t.row(i)) draw(*row); else draw_placeholder();
//
// Sorting: the node sorts largest first only (protocol::processes_options;
// `age` is oldest first). Ascending is served by asking for the mirrored
// range (offset = total - end of the page) and reversing its rows, which
// needs the total: until a reply has told it, one probe row is asked for
// first. Between the probe and the page the table may have grown, so an
// ascending page can be off by the processes spawned meanwhile; the next
// refresh puts it right. Columns other than the sort keys (pid, name) are
// not sortable: the node cannot sort a million rows by them.
//
// Epochs: changing the sort or the filter empties the cache and moves the
// epoch on; a reply to a request of an older epoch is dropped.
//
// Thread-safety: a value owned by one thread (the UI's); it does no I/O.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ember/observer/export.hpp"
#include "ember/protocol/replies.hpp"
#include "ember/protocol/request.hpp"

namespace ember::observer {

enum class sort_direction : std::uint8_t { descending, ascending };

/// One request for one page (or the probe that learns the total).
struct page_request {
    static constexpr std::size_t probe = SIZE_MAX; ///< `page` of the probe
    std::size_t page = 0;
    std::uint64_t epoch = 0;
    bool reversed = false; ///< ascending: the rows come largest first
    protocol::processes_options options;
    /// `{processes, Opts}`, for node_connection::request.
    EMBER_OBSERVER_EXPORT term request() const;
    friend bool operator==(const page_request&, const page_request&) = default;
};

class process_table {
public:
    using clock = std::chrono::steady_clock;
    static constexpr std::size_t default_page_rows = 200;
    static constexpr std::size_t default_max_pages = 64;
    static constexpr std::chrono::milliseconds retry_after_error{1000};

    /// `page_rows` rows per request (1..processes_options::max_limit);
    /// at most `max_pages` pages cached (those farthest from the visible
    /// range go first).
    EMBER_OBSERVER_EXPORT explicit process_table(std::size_t page_rows = default_page_rows, std::size_t max_pages = default_max_pages);

    // --- what to show ---

    EMBER_OBSERVER_EXPORT void set_sort(protocol::process_sort key, sort_direction direction);
    /// Cut to processes_options::max_filter_bytes (at a UTF-8 boundary).
    EMBER_OBSERVER_EXPORT void set_filter(std::string_view text);
    /// How old a visible page may get before it is asked again; nullopt
    /// (paused): pages are asked once, never refreshed.
    EMBER_OBSERVER_EXPORT void set_refresh(std::optional<std::chrono::milliseconds> every);
    /// The rows on screen, [first, last); cut to half the cache's pages
    /// from `first` (a screen is far smaller).
    EMBER_OBSERVER_EXPORT void set_visible(std::size_t first, std::size_t last);

    protocol::process_sort sort_key() const noexcept { return key_; }
    sort_direction direction() const noexcept { return direction_; }
    const std::string& filter() const noexcept { return filter_; }
    std::uint64_t epoch() const noexcept { return epoch_; }
    std::size_t page_rows() const noexcept { return page_rows_; }

    // --- requests ---

    /// True when a visible page is missing, or older than the refresh
    /// interval, and not asked for already.
    EMBER_OBSERVER_EXPORT bool refresh_due(clock::time_point now) const;
    /// The requests due now (see refresh_due), marked as in flight: each
    /// must be answered by on_page or on_error.
    EMBER_OBSERVER_EXPORT std::vector<page_request> take_requests(clock::time_point now);
    /// A reply: its rows are cached (unless the epoch moved on), and its
    /// `matched` becomes the total.
    EMBER_OBSERVER_EXPORT void on_page(const page_request& r, const protocol::processes_page& page, clock::time_point now);
    /// The request failed: it is asked again after the refresh interval
    /// (retry_after_error when paused), not at once, so a lasting error
    /// costs one request per interval.
    EMBER_OBSERVER_EXPORT void on_error(const page_request& r, clock::time_point now);

    // --- rows ---

    /// Rows that pass the filter, as the newest reply told (0 before one):
    /// the clipper's item count.
    std::size_t row_count() const noexcept { return total_.value_or(0); }
    bool total_known() const noexcept { return total_.has_value(); }
    /// Row `index` in the current order, or nullptr while its page is not here.
    EMBER_OBSERVER_EXPORT const protocol::process_row* row(std::size_t index) const;
    std::size_t cached_pages() const noexcept { return pages_.size(); }

    // --- selection ---

    EMBER_OBSERVER_EXPORT void select(const ember::pid& p);
    EMBER_OBSERVER_EXPORT void clear_selection() noexcept;
    const std::optional<ember::pid>& selected() const noexcept { return selected_; }
    /// Where the selected process is in the current order, if a cached
    /// page holds it.
    EMBER_OBSERVER_EXPORT std::optional<std::size_t> selected_row() const;

private:
    struct cached {
        std::vector<protocol::process_row> rows;
        clock::time_point fetched{};
    };
    std::vector<std::size_t> visible_pages() const;
    bool page_due(std::size_t page, clock::time_point now) const;
    page_request make_request(std::size_t page) const;
    void reset();
    void evict();

    std::size_t page_rows_;
    std::size_t max_pages_;
    protocol::process_sort key_ = protocol::process_sort::reductions;
    sort_direction direction_ = sort_direction::descending;
    std::string filter_;
    std::optional<std::chrono::milliseconds> refresh_;
    std::size_t first_ = 0, last_ = 0;
    std::uint64_t epoch_ = 1;
    std::optional<std::size_t> total_;
    std::map<std::size_t, cached> pages_;
    std::set<std::size_t> in_flight_; // pages, and page_request::probe
    std::map<std::size_t, clock::time_point> failed_; // when a page's last request failed
    std::optional<ember::pid> selected_;
};

} // namespace ember::observer
