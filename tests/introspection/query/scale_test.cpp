// A top-N on a node with a million processes: the answer is right and cut
// short of nothing (behaviour; the time is bench/'s business).
#include "query_fixture.hpp"

namespace ember::testing {
namespace {

class scale : public query_test {
protected:
    // A generous budget: a sanitizer or a loaded CI machine is slow, and
    // this test asserts the answer, not the time.
    scale() : query_test({.schedulers = 2}, {.sampler_thread = false, .time_budget = std::chrono::milliseconds(60'000)}) {}
};

TEST_F(scale, top_20_of_a_million_processes) {
    constexpr std::size_t count = 1'000'000;
    for (std::size_t i = 0; i < count; ++i) n.spawn(idle);
    std::vector<pid> busiest;
    for (int i = 1; i <= 25; ++i) busiest.push_back(n.spawn(busy, 1000 * i));
    for (const pid& p : busiest) ASSERT_TRUE(settled(p));
    auto page = q.processes(sorted_by(protocol::process_sort::reductions, 20));
    EXPECT_EQ(page.cut, atom("complete"));
    EXPECT_GE(page.scanned, count + busiest.size());
    ASSERT_EQ(page.rows.size(), 20u);
    for (std::size_t i = 0; i < 20; ++i) EXPECT_EQ(page.rows[i].pid, busiest[busiest.size() - 1 - i]) << "row " << i;

    // A time budget too small to scan it all says so.
    query::engine hurried(n, {.sampler_thread = false, .time_budget = std::chrono::milliseconds(0)});
    auto cut = hurried.processes(sorted_by(protocol::process_sort::reductions, 20));
    EXPECT_EQ(cut.cut, atom("time_budget"));
    EXPECT_LT(cut.scanned, count);
    n.stop();
}

} // namespace
} // namespace ember::testing
