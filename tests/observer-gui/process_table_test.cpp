// process_table: the page requests for a visible range, caching and
// refresh, ascending order by mirrored offsets, epochs, eviction, and a
// selection that survives re-sorting. Pure: no node needed.

#include "ember/observer/process_table.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ember::observer {
namespace {

using namespace std::chrono_literals;
using protocol::process_sort;
using ::testing::ElementsAre;
using clock = process_table::clock;

pid local(std::uint32_t id) { return pid{atoms::nonode_nohost, id, 0, 0}; }

// A node of `total` processes whose pids, largest first, are total-1 ... 0:
// the page a request asks for.
protocol::processes_page answer(const page_request& r, std::size_t total) {
    protocol::processes_page page;
    page.matched = total;
    page.scanned = total;
    for (std::size_t i = r.options.offset; i < std::min(total, r.options.offset + r.options.limit); ++i) {
        protocol::process_row row;
        row.pid = local(static_cast<std::uint32_t>(total - 1 - i));
        page.rows.push_back(row);
    }
    return page;
}

std::vector<std::size_t> pages_of(const std::vector<page_request>& rs) {
    std::vector<std::size_t> out;
    for (const auto& r : rs) out.push_back(r.page);
    return out;
}

TEST(process_table, asks_only_for_the_visible_pages) {
    process_table t(100);
    t.set_sort(process_sort::memory, sort_direction::descending);
    t.set_filter("worker");
    const auto now = clock::now();
    EXPECT_FALSE(t.refresh_due(now)); // nothing visible yet
    t.set_visible(150, 320);
    EXPECT_TRUE(t.refresh_due(now));
    auto rs = t.take_requests(now);
    EXPECT_THAT(pages_of(rs), ElementsAre(1, 2, 3));
    EXPECT_EQ(rs[0].options.offset, 100u);
    EXPECT_EQ(rs[0].options.limit, 100u);
    EXPECT_EQ(rs[2].options.offset, 300u);
    EXPECT_EQ(rs[0].options.sort, process_sort::memory);
    EXPECT_EQ(rs[0].options.filter, "worker");
    EXPECT_FALSE(rs[0].reversed);
    EXPECT_EQ(rs[0].request(), term::tuple({"processes"_atom, to_term(rs[0].options)}));
    // In flight: not asked twice.
    EXPECT_FALSE(t.refresh_due(now));
    EXPECT_TRUE(t.take_requests(now).empty());
}

TEST(process_table, caches_pages_and_refreshes_them_at_the_interval) {
    process_table t(100);
    t.set_refresh(2s);
    t.set_visible(0, 150);
    const auto now = clock::now();
    auto rs = t.take_requests(now);
    ASSERT_EQ(rs.size(), 2u);
    for (const auto& r : rs) t.on_page(r, answer(r, 1'000'000), now);
    EXPECT_EQ(t.row_count(), 1'000'000u);
    ASSERT_NE(t.row(0), nullptr);
    EXPECT_EQ(t.row(0)->pid, local(999'999));
    EXPECT_EQ(t.row(149)->pid, local(999'850));
    EXPECT_EQ(t.row(250), nullptr); // not asked for
    EXPECT_FALSE(t.refresh_due(now + 1s));
    EXPECT_TRUE(t.refresh_due(now + 2s));
    EXPECT_THAT(pages_of(t.take_requests(now + 2s)), ElementsAre(0, 1));
    // Scrolling far asks for that page only.
    t.set_visible(500'000, 500'040);
    auto far = t.take_requests(now + 2s);
    ASSERT_EQ(far.size(), 1u);
    EXPECT_EQ(far[0].options.offset, 500'000u);
}

TEST(process_table, paused_asks_once_and_never_refreshes) {
    process_table t(100);
    t.set_refresh(std::nullopt);
    t.set_visible(0, 10);
    const auto now = clock::now();
    auto rs = t.take_requests(now);
    ASSERT_EQ(rs.size(), 1u);
    t.on_page(rs[0], answer(rs[0], 50), now);
    EXPECT_FALSE(t.refresh_due(now + 1h));
}

TEST(process_table, pages_past_the_end_are_not_asked_for) {
    process_table t(100);
    t.set_visible(0, 100);
    const auto now = clock::now();
    auto rs = t.take_requests(now);
    t.on_page(rs[0], answer(rs[0], 120), now);
    t.set_visible(0, 1000);
    EXPECT_THAT(pages_of(t.take_requests(now)), ElementsAre(1)); // 0 is fresh, 2.. are past 120 rows
}

TEST(process_table, a_failed_request_is_asked_again_after_the_refresh_interval) {
    process_table t(100);
    t.set_refresh(std::chrono::seconds(2));
    t.set_visible(0, 10);
    const auto now = clock::now();
    auto rs = t.take_requests(now);
    EXPECT_FALSE(t.refresh_due(now));
    t.on_error(rs[0], now);
    EXPECT_FALSE(t.refresh_due(now + std::chrono::milliseconds(1999))); // not every frame
    EXPECT_TRUE(t.refresh_due(now + std::chrono::seconds(2)));
    t.set_refresh(std::nullopt); // paused: a failed page is still asked, after a second
    EXPECT_TRUE(t.refresh_due(now + process_table::retry_after_error));
}

TEST(process_table, a_visible_range_is_cut_to_half_the_cache) {
    process_table t(100, 8);
    t.set_visible(300, 400'000); // a clipper's range that took in a far focused row
    EXPECT_THAT(pages_of(t.take_requests(clock::now())), ElementsAre(3, 4, 5, 6));
}

TEST(process_table, ascending_asks_for_the_mirrored_range) {
    process_table t(100);
    t.set_sort(process_sort::reductions, sort_direction::ascending);
    t.set_visible(0, 50);
    const auto now = clock::now();
    auto probe = t.take_requests(now);
    ASSERT_EQ(probe.size(), 1u);
    EXPECT_EQ(probe[0].page, page_request::probe);
    EXPECT_EQ(probe[0].options.limit, 1u);
    EXPECT_TRUE(t.take_requests(now).empty());
    t.on_page(probe[0], answer(probe[0], 1000), now);
    EXPECT_EQ(t.row_count(), 1000u);
    EXPECT_EQ(t.cached_pages(), 0u);

    auto rs = t.take_requests(now);
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].page, 0u);
    EXPECT_EQ(rs[0].options.offset, 900u);
    EXPECT_EQ(rs[0].options.limit, 100u);
    EXPECT_TRUE(rs[0].reversed);
    t.on_page(rs[0], answer(rs[0], 1000), now);
    EXPECT_EQ(t.row(0)->pid, local(0)); // the smallest first
    EXPECT_EQ(t.row(99)->pid, local(99));

    // The last page is short: 1000 = 9 full pages + ... here 10 full ones;
    // with 950 rows, page 9 holds 50.
    process_table u(100);
    u.set_sort(process_sort::memory, sort_direction::ascending);
    u.set_visible(900, 950);
    auto p = u.take_requests(now);
    u.on_page(p[0], answer(p[0], 950), now);
    auto last = u.take_requests(now);
    ASSERT_EQ(last.size(), 1u);
    EXPECT_EQ(last[0].options.offset, 0u);
    EXPECT_EQ(last[0].options.limit, 50u);
    u.on_page(last[0], answer(last[0], 950), now);
    EXPECT_EQ(u.row(900)->pid, local(900));
    EXPECT_EQ(u.row(949)->pid, local(949));
}

TEST(process_table, a_new_sort_drops_the_cache_and_late_replies) {
    process_table t(100);
    t.set_visible(0, 10);
    const auto now = clock::now();
    auto old = t.take_requests(now);
    const auto epoch = t.epoch();
    t.set_sort(process_sort::message_queue_len, sort_direction::descending);
    EXPECT_NE(t.epoch(), epoch);
    t.on_page(old[0], answer(old[0], 10), now); // asked under the old order: dropped
    EXPECT_EQ(t.row(0), nullptr);
    auto rs = t.take_requests(now);
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].options.sort, process_sort::message_queue_len);
    t.set_sort(process_sort::message_queue_len, sort_direction::descending); // the same: nothing moves
    t.on_page(rs[0], answer(rs[0], 10), now);
    EXPECT_NE(t.row(0), nullptr);
}

TEST(process_table, the_filter_is_cut_at_a_character_boundary) {
    process_table t;
    std::string text(255, 'a');
    text += "\xc3\xa9"; // é across byte 256
    t.set_filter(text);
    EXPECT_EQ(t.filter(), std::string(255, 'a'));
    t.set_filter("short");
    EXPECT_EQ(t.filter(), "short");
    EXPECT_FALSE(t.total_known()); // a new filter, a new total
}

TEST(process_table, far_pages_are_evicted_first) {
    process_table t(10, 2);
    const auto now = clock::now();
    for (std::size_t first : {0, 10, 20}) {
        t.set_visible(first, first + 10);
        for (const auto& r : t.take_requests(now)) t.on_page(r, answer(r, 1000), now);
    }
    EXPECT_EQ(t.cached_pages(), 2u);
    EXPECT_EQ(t.row(0), nullptr); // page 0 was farthest from page 2
    EXPECT_NE(t.row(15), nullptr);
    EXPECT_NE(t.row(25), nullptr);
}

TEST(process_table, the_selection_follows_its_pid_across_a_new_sort) {
    process_table t(100);
    t.set_visible(0, 100);
    const auto now = clock::now();
    auto rs = t.take_requests(now);
    t.on_page(rs[0], answer(rs[0], 100), now);
    t.select(local(96));
    EXPECT_EQ(t.selected_row(), 3u);
    t.set_sort(process_sort::age, sort_direction::ascending);
    EXPECT_EQ(t.selected(), local(96));
    EXPECT_FALSE(t.selected_row()); // not on a cached page yet
    auto page = t.take_requests(now); // the total is known already: no probe
    ASSERT_EQ(page.size(), 1u);
    EXPECT_TRUE(page[0].reversed);
    t.on_page(page[0], answer(page[0], 100), now);
    EXPECT_EQ(t.selected_row(), 96u);
    t.clear_selection();
    EXPECT_FALSE(t.selected());
}

} // namespace
} // namespace ember::observer
