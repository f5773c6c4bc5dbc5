// Only the visible view subscribes, at the chosen interval: the table of
// subscriptions_for, and the requests the fake node sees as the view and
// the interval change.

#include "ember/observer/subscriptions.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "observer_test_support.hpp"

namespace ember::observer {
namespace {

using namespace std::chrono_literals;
using test::gathered;
using test::poll_until;
using test::requests_of;
using testing::fake_node;

// {subscribe, What, IntervalMs} as the node saw it.
struct seen_subscribe {
    term what;
    std::int64_t interval_ms = 0;
    friend bool operator==(const seen_subscribe&, const seen_subscribe&) = default;
};

std::vector<seen_subscribe> subscribes(const fake_node& node, std::size_t from = 0) {
    std::vector<seen_subscribe> out;
    auto all = requests_of(node, "subscribe");
    for (std::size_t i = from; i < all.size(); ++i) out.push_back({all[i].request[1], all[i].request[2].as_integer()});
    return out;
}

std::size_t count_of(const fake_node& node, std::string_view kind) { return requests_of(node, kind).size(); }

struct subscriptions_on_a_node : ::testing::Test {
    fake_node node;
    node_connection c{[&] {
        connection_options o;
        o.where = node.endpoint();
        o.token = fake_node::read_only_token;
        o.reconnect_delay = 10ms;
        return o;
    }()};
    gathered g;

    void SetUp() override {
        c.connect();
        ASSERT_TRUE(poll_until(c, g, [&] { return c.state() == connection_state::connected; }));
    }
};

TEST(subscriptions, what_each_view_asks_for) {
    auto whats = [](view_kind v, refresh_interval r) {
        std::vector<std::string> out;
        for (const auto& s : subscriptions_for(v, r)) out.push_back(to_string(s.what) + "@" + std::to_string(s.interval.count()));
        return out;
    };
    using ::testing::ElementsAre;
    using ::testing::IsEmpty;
    EXPECT_THAT(whats(view_kind::system, refresh_interval::s1), ElementsAre("system@1000", "schedulers@1000"));
    EXPECT_THAT(whats(view_kind::load, refresh_interval::s2), ElementsAre("history@2000"));
    EXPECT_THAT(whats(view_kind::processes, refresh_interval::s5), ElementsAre("warnings@5000"));
    EXPECT_THAT(whats(view_kind::applications, refresh_interval::s10), ElementsAre("applications@10000"));
    EXPECT_THAT(whats(view_kind::events, refresh_interval::s1), ElementsAre("events@1000", "warnings@1000"));
    EXPECT_THAT(whats(view_kind::none, refresh_interval::s1), IsEmpty());
    EXPECT_THAT(whats(view_kind::system, refresh_interval::paused), IsEmpty());
    EXPECT_FALSE(interval_of(refresh_interval::paused));
    EXPECT_EQ(refresh_interval_name(refresh_interval::s5), "5 s");
    EXPECT_EQ(view_kind_name(view_kind::load), "load");
}

TEST_F(subscriptions_on_a_node, the_visible_view_subscribes_and_the_last_one_unsubscribes) {
    view_subscriptions subs(c);
    EXPECT_EQ(count_of(node, "subscribe"), 0u);
    subs.set_view(view_kind::system);
    ASSERT_TRUE(poll_until(c, g, [&] { return count_of(node, "subscribe") == 2; }));
    EXPECT_THAT(subscribes(node), ::testing::ElementsAre(seen_subscribe{"system"_atom, 1000}, seen_subscribe{"schedulers"_atom, 1000}));

    subs.set_view(view_kind::load);
    ASSERT_TRUE(poll_until(c, g, [&] { return count_of(node, "subscribe") == 3; }));
    EXPECT_EQ(count_of(node, "unsubscribe"), 2u); // both, before the new one
    EXPECT_THAT(subscribes(node, 2), ::testing::ElementsAre(seen_subscribe{"history"_atom, 1000}));
    const auto all = node.requests();
    EXPECT_EQ(all.back().request[0], "subscribe"_atom);
}

TEST_F(subscriptions_on_a_node, a_new_interval_subscribes_again_and_paused_ends_them) {
    view_subscriptions subs(c);
    subs.set_view(view_kind::events);
    ASSERT_TRUE(poll_until(c, g, [&] { return count_of(node, "subscribe") == 2; }));
    subs.set_interval(refresh_interval::s5);
    ASSERT_TRUE(poll_until(c, g, [&] { return count_of(node, "subscribe") == 4 && count_of(node, "unsubscribe") == 2; }));
    EXPECT_THAT(subscribes(node, 2), ::testing::ElementsAre(seen_subscribe{"events"_atom, 5000}, seen_subscribe{"warnings"_atom, 5000}));
    subs.set_interval(refresh_interval::paused);
    ASSERT_TRUE(poll_until(c, g, [&] { return count_of(node, "unsubscribe") == 4; }));
    EXPECT_EQ(count_of(node, "subscribe"), 4u);
    EXPECT_TRUE(subs.wanted().empty());
    // The unsubscribes name the Refs of the subscribes they end.
    auto unsubs = requests_of(node, "unsubscribe");
    auto subs_seen = requests_of(node, "subscribe");
    EXPECT_EQ(unsubs[2].request[1], subs_seen[2].ref);
    EXPECT_EQ(unsubs[3].request[1], subs_seen[3].ref);
}

TEST_F(subscriptions_on_a_node, pushes_come_tagged_with_what_was_asked) {
    view_subscriptions subs(c);
    subs.set_view(view_kind::processes);
    ASSERT_TRUE(poll_until(c, g, [&] { return count_of(node, "subscribe") == 1; }));
    const term ref = requests_of(node, "subscribe")[0].ref;
    // The worker records the subscription after the node's reply: push only
    // once the client could have taken it, and wait for it through poll().
    node.push(ref, term::list({}));
    ASSERT_TRUE(poll_until(c, g, [&] { return !g.pushes.empty(); }));
    EXPECT_EQ(g.pushes[0].spec.what, "warnings"_atom);
    EXPECT_EQ(g.pushes[0].spec.interval, 1000ms);
    EXPECT_EQ(g.pushes[0].push.value, term::list({}));
}

TEST_F(subscriptions_on_a_node, subscriptions_are_renewed_after_a_reconnect) {
    view_subscriptions subs(c);
    subs.set_view(view_kind::load);
    ASSERT_TRUE(poll_until(c, g, [&] { return count_of(node, "subscribe") == 1; }));
    node.drop_connections();
    ASSERT_TRUE(poll_until(c, g, [&] { return c.generation() == 2 && count_of(node, "subscribe") == 2; }));
    const auto again = requests_of(node, "subscribe")[1];
    EXPECT_EQ(again.connection, 2u);
    EXPECT_EQ(again.request[1], "history"_atom);
}

TEST(subscriptions, a_refused_subscription_shows_its_error) {
    fake_node node([](const fake_node::seen& r) -> fake_node::answer {
        if (r.request[0] == "subscribe"_atom && r.request[1] == "history"_atom)
            return {term::tuple({atoms::error, to_term(protocol::make_reason("too_many_requests", "no room"))})};
        return fake_node::canned(r);
    });
    connection_options o;
    o.where = node.endpoint();
    o.token = fake_node::read_only_token;
    node_connection c(o);
    gathered g;
    c.connect();
    ASSERT_TRUE(poll_until(c, g, [&] { return c.state() == connection_state::connected; }));
    view_subscriptions subs(c);
    subs.set_view(view_kind::load);
    ASSERT_TRUE(poll_until(c, g, [&] { return c.last_error().find("no room") != std::string::npos; }));
    // The next view is served as usual.
    subs.set_view(view_kind::applications);
    ASSERT_TRUE(poll_until(c, g, [&] { return count_of(node, "subscribe") == 2; }));
    EXPECT_EQ(requests_of(node, "subscribe")[1].request[1], "applications"_atom);
}

} // namespace
} // namespace ember::observer
