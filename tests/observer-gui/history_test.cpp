// history_store: rings, merging by the node's clock, gaps, restarts,
// windows; and seeding from a late connect against the fake node.

#include "ember/observer/history.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "ember/observer/subscriptions.hpp"
#include "observer_test_support.hpp"

namespace ember::observer {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;

protocol::series ring(std::string_view name, std::uint64_t last_ms, std::vector<double> values, std::uint64_t res = 1000) {
    return protocol::series{atom(name), res, last_ms, std::move(values)};
}

std::vector<double> times(const time_series& s) {
    std::vector<double> out;
    for (std::size_t i = 0; i < s.size(); ++i) out.push_back(s[i].t);
    return out;
}
std::vector<double> values(const time_series& s) {
    std::vector<double> out;
    for (std::size_t i = 0; i < s.size(); ++i) out.push_back(s[i].v);
    return out;
}

TEST(time_series, keeps_the_newest_samples_in_fixed_memory) {
    time_series s(3);
    for (int i = 0; i < 5; ++i) s.push({double(i), double(i * 10)});
    ASSERT_EQ(s.size(), 3u);
    EXPECT_EQ(s.capacity(), 3u);
    EXPECT_EQ(s[0], (sample{2, 20}));
    EXPECT_EQ(s.back(), (sample{4, 40}));
    s.clear();
    EXPECT_TRUE(s.empty());
}

TEST(history, series_names_for_a_node) {
    EXPECT_THAT(history_series_names(2), ElementsAre("process_count", "memory", "reduction_rate", "message_rate", "events", "utilization_0",
                                                      "utilization_1", "run_queue_0", "run_queue_1"));
}

TEST(history, a_seed_places_samples_on_the_nodes_clock) {
    history_store h;
    h.merge(ring("memory", 10'000, {1, 2, 3, 4, 5}));
    const time_series* s = h.find("memory");
    ASSERT_NE(s, nullptr);
    EXPECT_THAT(times(*s), ElementsAre(6, 7, 8, 9, 10));
    EXPECT_THAT(values(*s), ElementsAre(1, 2, 3, 4, 5));
    EXPECT_EQ(h.latest(), 10.0);
    EXPECT_EQ(h.find("nothing"), nullptr);
}

TEST(history, a_push_of_the_whole_ring_appends_only_what_is_new) {
    history_store h;
    h.merge(ring("memory", 10'000, {1, 2, 3, 4, 5}));
    h.merge(ring("memory", 12'000, {3, 4, 5, 6, 7})); // the ring moved on by two
    EXPECT_THAT(values(*h.find("memory")), ElementsAre(1, 2, 3, 4, 5, 6, 7));
    h.merge(ring("memory", 11'000, {9, 9, 9}));        // a stale push: nothing
    EXPECT_THAT(values(*h.find("memory")), ElementsAre(1, 2, 3, 4, 5, 6, 7));
    EXPECT_EQ(h.latest(), 12.0);
}

TEST(history, a_ring_whose_clock_moved_a_little_is_not_kept_twice) {
    // The node stamps its ring from its uptime read anew each second, so a
    // push's samples may sit a few tens of ms off the ones kept: the same
    // samples, not new ones.
    history_store h;
    h.merge(ring("memory", 10'000, {1, 2, 3}));
    h.merge(ring("memory", 11'036, {2, 3, 4}));
    h.merge(ring("memory", 11'990, {3, 4, 5}));
    EXPECT_THAT(values(*h.find("memory")), ElementsAre(1, 2, 3, 4, 5)); // one new sample a push
    EXPECT_THAT(times(*h.find("memory")), ElementsAre(8.0, 9.0, 10.0, 11.036, 11.99));
}

TEST(history, missing_samples_show_as_a_gap) {
    history_store h;
    h.merge(ring("memory", 10'000, {1, 2}));
    h.merge(ring("memory", 20'000, {8, 9})); // 11..18 s never seen
    const time_series& s = *h.find("memory");
    ASSERT_EQ(s.size(), 5u);
    EXPECT_EQ(s[1], (sample{10, 2}));
    EXPECT_TRUE(std::isnan(s[2].v));
    EXPECT_EQ(s[2].t, 14.5);
    EXPECT_EQ(s[3], (sample{19, 8}));
}

TEST(history, a_reconnect_the_ring_covers_has_no_gap) {
    history_store h;
    h.merge(ring("memory", 10'000, {1, 2}));
    h.mark_gap();
    h.merge(ring("memory", 13'000, {1, 2, 3, 4, 5})); // the node kept sampling meanwhile
    EXPECT_THAT(values(*h.find("memory")), ElementsAre(1, 2, 3, 4, 5));
}

TEST(history, a_node_that_restarted_starts_its_series_afresh) {
    history_store h;
    h.merge(ring("memory", 100'000, {1, 2}));
    h.merge(ring("utilization_0", 100'000, {0.5}));
    h.mark_gap();
    h.merge(ring("memory", 3'000, {7, 8}));
    EXPECT_THAT(times(*h.find("memory")), ElementsAre(2, 3));
    EXPECT_THAT(values(*h.find("memory")), ElementsAre(7, 8));
    EXPECT_EQ(h.latest(), 100.0); // utilization_0 has not been told yet
    h.merge(ring("utilization_0", 3'000, {0.25}));
    EXPECT_EQ(h.latest(), 3.0);
}

TEST(history, windows_are_the_last_seconds_before_the_newest_sample) {
    history_store h;
    h.merge(ring("memory", 10'000, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
    std::vector<sample> out;
    EXPECT_EQ(h.window("memory", 3s, out), 4u); // 7, 8, 9 and 10 s
    EXPECT_EQ(out.front(), (sample{7, 7}));
    EXPECT_EQ(out.back(), (sample{10, 10}));
    EXPECT_EQ(h.window("memory", 1h, out), 10u);
    EXPECT_EQ(h.window("nothing", 1h, out), 0u);
    EXPECT_TRUE(out.empty());
}

TEST(history, capacity_bounds_each_series) {
    history_store h(4);
    h.merge(ring("memory", 10'000, {1, 2, 3, 4, 5, 6}));
    EXPECT_THAT(values(*h.find("memory")), ElementsAre(3, 4, 5, 6));
}

TEST(history, a_push_value_is_a_list_of_series) {
    history_store h;
    EXPECT_TRUE(h.merge_push(to_term(std::vector<protocol::series>{ring("memory", 2'000, {1, 2}), ring("process_count", 2'000, {3})})));
    EXPECT_THAT(h.names(), ElementsAre("memory", "process_count"));
    EXPECT_FALSE(h.merge_push("ok"_atom));
    EXPECT_THAT(h.names(), ElementsAre("memory", "process_count"));
}

// A node whose rings are 10 samples long, ending at its uptime; every
// series a scheduler count asks for is answered.
struct ringed_node {
    std::uint64_t now_ms = 30'000;
    testing::fake_node node{[this](const testing::fake_node::seen& r) -> testing::fake_node::answer {
        if (r.request[0] == "history"_atom) {
            std::vector<protocol::series> out;
            for (const term& name : r.request[1].elements()) out.push_back(ring(name.text(), now_ms, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
            return {term::tuple({atoms::ok, to_term(out)})};
        }
        return testing::fake_node::canned(r);
    }};
};

TEST(history, a_late_connect_shows_the_past_at_once_then_pushes_append) {
    ringed_node n;
    connection_options o;
    o.where = n.node.endpoint();
    o.token = testing::fake_node::read_only_token;
    node_connection c(o);
    test::gathered g;
    history_store h;
    c.connect();
    ASSERT_TRUE(test::poll_until(c, g, [&] { return !g.arrivals.empty(); }));
    h.merge(g.arrivals[0].history);
    EXPECT_THAT(h.names(), ElementsAre("events", "memory", "message_rate", "process_count", "reduction_rate", "run_queue_0", "run_queue_1",
                                       "utilization_0", "utilization_1"));
    std::vector<sample> out;
    EXPECT_EQ(h.window("utilization_1", 600s, out), 10u);
    EXPECT_EQ(out.back(), (sample{30, 10}));

    // The Load view subscribes to `history`; its push is the ring moved on.
    view_subscriptions subs(c);
    subs.set_view(view_kind::load);
    ASSERT_TRUE(test::poll_until(c, g, [&] { return test::requests_of(n.node, "subscribe").size() == 1; }));
    n.node.push(test::requests_of(n.node, "subscribe")[0].ref,
                to_term(std::vector<protocol::series>{ring("utilization_1", 32'000, {3, 4, 5, 6, 7, 8, 9, 10, 11, 12})}));
    ASSERT_TRUE(test::poll_until(c, g, [&] { return !g.pushes.empty(); }));
    EXPECT_EQ(g.pushes[0].spec.what, "history"_atom);
    EXPECT_TRUE(h.merge_push(g.pushes[0].push.value));
    EXPECT_EQ(h.window("utilization_1", 600s, out), 12u);
    EXPECT_EQ(out.back(), (sample{32, 12}));
    EXPECT_EQ(h.latest(), 32.0);
}

} // namespace
} // namespace ember::observer
