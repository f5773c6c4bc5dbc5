// node_connection against the fake node: the state machine (connect,
// refused token, unreachable port, unanswered hello, drop then reconnect),
// the hello's name and access, arrivals, and requests from the worker.

#include "ember/observer/node_connection.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "observer_test_support.hpp"

namespace ember::observer {
namespace {

using namespace std::chrono_literals;
using test::gathered;
using test::poll_until;
using testing::fake_node;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

connection_options options_for(const std::string& where, std::string token) {
    connection_options o;
    o.where = where;
    o.token = std::move(token);
    o.client.connect_timeout = 1000ms;
    o.client.request_timeout = 2000ms;
    o.reconnect_delay = 10ms;
    o.reconnect_max_delay = 40ms;
    return o;
}

TEST(node_connection, starts_disconnected_and_connects_in_the_background) {
    fake_node node;
    node_connection c(options_for(node.endpoint(), fake_node::read_only_token));
    gathered g;
    g.add(c.poll());
    EXPECT_EQ(c.state(), connection_state::disconnected);
    EXPECT_EQ(c.generation(), 0u);
    c.connect();
    ASSERT_TRUE(poll_until(c, g, [&] { return c.state() == connection_state::connected && !g.arrivals.empty(); }));
    EXPECT_THAT(g.transitions, ElementsAre(connection_state::connecting, connection_state::connected));
    EXPECT_EQ(c.node_name(), "nonode@nohost");
    EXPECT_EQ(c.access(), protocol::access_level::read_only);
    EXPECT_EQ(c.generation(), 1u);
    EXPECT_EQ(c.last_error(), "");
    ASSERT_EQ(g.arrivals.size(), 1u);
    EXPECT_EQ(g.arrivals[0].generation, 1u);
    ASSERT_TRUE(g.arrivals[0].system);
    EXPECT_EQ(g.arrivals[0].system->schedulers, 2u);
}

TEST(node_connection, the_admin_token_gives_admin_access) {
    fake_node node;
    node_connection c(options_for(node.endpoint(), fake_node::admin_token));
    gathered g;
    c.connect();
    ASSERT_TRUE(poll_until(c, g, [&] { return c.state() == connection_state::connected; }));
    EXPECT_EQ(c.access(), protocol::access_level::admin);
}

TEST(node_connection, a_wrong_token_is_refused_and_not_retried) {
    fake_node node;
    node_connection c(options_for(node.endpoint(), "guess"));
    gathered g;
    c.connect();
    ASSERT_TRUE(poll_until(c, g, [&] { return c.state() == connection_state::refused; }));
    EXPECT_THAT(c.last_error(), HasSubstr("refused the token"));
    EXPECT_EQ(c.generation(), 0u);
    EXPECT_EQ(node.accepted(), 1u);
    // connect() again is one more attempt, refused again.
    c.connect();
    ASSERT_TRUE(poll_until(c, g, [&] { return g.transitions.size() >= 4; }));
    EXPECT_THAT(g.transitions, ElementsAre(connection_state::connecting, connection_state::refused, connection_state::connecting,
                                           connection_state::refused));
    EXPECT_EQ(node.accepted(), 2u);
}

TEST(node_connection, a_closed_port_is_unreachable) {
    const std::string where = "127.0.0.1:" + std::to_string(ember::testing::unused_port());
    node_connection c(options_for(where, "t"));
    gathered g;
    c.connect();
    ASSERT_TRUE(poll_until(c, g, [&] { return c.state() == connection_state::unreachable; }));
    EXPECT_EQ(c.last_error(), "cannot reach " + where + ": Connection refused");
    EXPECT_THAT(g.transitions, ElementsAre(connection_state::connecting, connection_state::unreachable));
}

TEST(node_connection, a_hello_never_answered_is_a_mismatch) {
    fake_node node(fake_node::canned, {.answer_hello = false});
    auto o = options_for(node.endpoint(), fake_node::read_only_token);
    o.client.connect_timeout = 200ms;
    node_connection c(o);
    gathered g;
    c.connect();
    ASSERT_TRUE(poll_until(c, g, [&] { return c.state() == connection_state::mismatch; }));
    EXPECT_THAT(c.last_error(), HasSubstr("did not answer the hello"));
}

TEST(node_connection, a_dropped_connection_is_lost_then_made_again) {
    fake_node node;
    node_connection c(options_for(node.endpoint(), fake_node::read_only_token));
    gathered g;
    c.connect();
    ASSERT_TRUE(poll_until(c, g, [&] { return c.state() == connection_state::connected && g.arrivals.size() == 1; }));
    node.drop_connections();
    ASSERT_TRUE(poll_until(c, g, [&] { return c.generation() == 2 && c.state() == connection_state::connected && g.arrivals.size() == 2; }));
    EXPECT_THAT(g.transitions, ElementsAre(connection_state::connecting, connection_state::connected, connection_state::lost,
                                           connection_state::connected));
    EXPECT_EQ(g.arrivals[1].generation, 2u);
    EXPECT_EQ(node.accepted(), 2u);
}

TEST(node_connection, a_node_that_went_away_stays_lost_and_keeps_trying) {
    auto node = std::make_unique<fake_node>();
    node_connection c(options_for(node->endpoint(), fake_node::read_only_token));
    gathered g;
    c.connect();
    ASSERT_TRUE(poll_until(c, g, [&] { return c.state() == connection_state::connected; }));
    const std::string where = node->endpoint();
    node.reset(); // its port is closed now
    // At least one failed attempt: the error names the refused connection.
    ASSERT_TRUE(poll_until(c, g, [&] { return c.last_error().find("cannot reach") != std::string::npos; }));
    EXPECT_EQ(c.state(), connection_state::lost);
    EXPECT_EQ(c.generation(), 1u);
}

TEST(node_connection, disconnect_closes_and_connect_comes_back) {
    fake_node node;
    node_connection c(options_for(node.endpoint(), fake_node::read_only_token));
    gathered g;
    c.connect();
    ASSERT_TRUE(poll_until(c, g, [&] { return c.state() == connection_state::connected; }));
    c.disconnect();
    ASSERT_TRUE(poll_until(c, g, [&] { return c.state() == connection_state::disconnected; }));
    ASSERT_TRUE(poll_until(c, g, [&] { return node.open_connections() == 0; }));
    c.connect();
    ASSERT_TRUE(poll_until(c, g, [&] { return c.state() == connection_state::connected; }));
    EXPECT_EQ(c.generation(), 2u);
}

TEST(node_connection, requests_are_answered_through_poll) {
    fake_node node;
    node_connection c(options_for(node.endpoint(), fake_node::read_only_token));
    gathered g;
    // Not connected: refused at once, still through poll().
    const auto early = c.request(term::tuple({"system"_atom}));
    ASSERT_TRUE(poll_until(c, g, [&] { return g.replies.size() == 1; }));
    EXPECT_EQ(g.replies[0].ticket, early);
    ASSERT_FALSE(g.replies[0].value);
    EXPECT_EQ(g.replies[0].value.error().errc, client::client_errc::connection_lost);

    c.connect();
    ASSERT_TRUE(poll_until(c, g, [&] { return c.state() == connection_state::connected; }));
    const auto ticket = c.request(term::tuple({"system"_atom}));
    EXPECT_NE(ticket, early);
    ASSERT_TRUE(poll_until(c, g, [&] { return g.replies.size() == 2; }));
    EXPECT_EQ(g.replies[1].ticket, ticket);
    ASSERT_TRUE(g.replies[1].value);
    auto sys = from_term<protocol::system_info>(*g.replies[1].value);
    ASSERT_TRUE(sys);
    EXPECT_EQ(sys->process_count, 1234u);
}

TEST(node_connection, state_names) {
    EXPECT_EQ(connection_state_name(connection_state::disconnected), "disconnected");
    EXPECT_EQ(connection_state_name(connection_state::lost), "lost");
    EXPECT_EQ(connection_state_name(connection_state::mismatch), "mismatch");
}

} // namespace
} // namespace ember::observer
