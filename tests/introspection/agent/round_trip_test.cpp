// Round trips through the real TCP server: the hello and its access level,
// the reading requests, control with the admin token and its refusal with
// the read-only one, errors that cost only their frame, the outstanding
// limit, and a hundred clients at once.

#include "agent_fixture.hpp"

namespace ember::agent::testing {
namespace {

class agent_round_trip : public agent_test {};

TEST_F(agent_round_trip, hello_answers_the_version_the_node_and_the_access_level) {
    start();
    test_client ro(a->endpoint());
    const term r1 = ro.hello(read_only_token());
    ASSERT_TRUE(r1.is_tuple() && r1.size() == 2 && r1[0] == atoms::ok) << show(r1);
    EXPECT_EQ(get(r1[1], "version"), term::integer(1));
    EXPECT_EQ(get(r1[1], "node"), term(local_node().name));
    EXPECT_EQ(get(r1[1], "access"), term(atom("read_only")));

    test_client admin(a->endpoint());
    const term r2 = admin.hello(admin_token());
    ASSERT_TRUE(r2.is_tuple() && r2.size() == 2 && r2[0] == atoms::ok) << show(r2);
    EXPECT_EQ(get(r2[1], "access"), term(atom("admin")));
    EXPECT_TRUE(eventually([&] { return a->connections() == 2; }));
}

TEST_F(agent_round_trip, system_processes_and_process_info_come_back_with_their_refs) {
    start();
    const pid p = n.spawn(idle);
    test_client c = open(read_only_token());

    const term system = c.call(1, t("{system}"));
    const term info = ok_value(system);
    ASSERT_TRUE(info.is_map()) << show(system);
    EXPECT_GE(get(info, "process_count").as_integer(), 1);
    EXPECT_EQ(get(info, "schedulers"), term::integer(2));
    for (const char* key : {"process_limit", "memory", "uptime_ms"}) EXPECT_TRUE(get(info, key).is_integer()) << key;

    const term page = ok_value(c.call(2, t("{processes, #{sort => memory, limit => 5}}")));
    ASSERT_TRUE(page.is_map()) << show(page);
    const term rows = get(page, "rows");
    ASSERT_TRUE(rows.is_list());
    EXPECT_GE(rows.size(), 1u);
    EXPECT_LE(rows.size(), 5u);

    // A Ref may be any term; it comes back unchanged.
    const term ref = t("{my, <<\"ref\">>, [1, 2.5]}");
    const term reply = c.call(ref, term::tuple({atom("process_info"), term::from_pid(p)}));
    const term process = get(ok_value(reply), "process");
    ASSERT_TRUE(process.is_map()) << show(reply);
    EXPECT_EQ(get(process, "pid"), term::from_pid(p));

    EXPECT_TRUE(is_error(c.call(3, term::tuple({atom("process_info"), t("<0.999999.0>")})), "noproc"));
    n.send(p, atoms::shutdown);
}

TEST_F(agent_round_trip, the_admin_token_kills_a_process) {
    start();
    const pid p = n.spawn(idle);
    test_client c = open(admin_token());
    const term reply = c.call(1, term::tuple({atom("kill"), term::from_pid(p)}));
    EXPECT_EQ(ok_value(reply), term(atoms::ok)) << show(reply);
    EXPECT_TRUE(eventually([&] { return !n.is_alive(p); }));
}

TEST_F(agent_round_trip, the_read_only_token_cannot_kill_and_the_connection_goes_on) {
    start();
    const pid p = n.spawn(idle);
    test_client c = open(read_only_token());
    for (const char* request : {"{kill, P}", "{exit, P, normal}", "{suspend, P}", "{resume, P}", "{send, P, hi}", "{trace, P, #{}}"}) {
        std::string text = request;
        text.replace(text.find('P'), 1, to_string(term::from_pid(p)));
        const term reply = c.call(7, t(text));
        EXPECT_TRUE(is_error(reply, "needs_admin")) << request << ": " << show(reply);
    }
    EXPECT_TRUE(n.is_alive(p));
    EXPECT_TRUE(ok_value(c.call(8, t("{system}"))).is_map());
    n.send(p, atoms::shutdown);
}

TEST_F(agent_round_trip, unknown_and_bad_requests_cost_only_their_frame) {
    start();
    test_client c = open(read_only_token());
    // 'proceses' is an atom the node does not know: the reader finds the Ref anyway.
    const std::vector<std::byte> typo = [] {
        // {1, {proceses}} in the External Term Format, the atom written by hand.
        std::vector<std::byte> body;
        for (int b : {131, 104, 2, 97, 1, 104, 1, 119, 8}) body.push_back(static_cast<std::byte>(b));
        for (char ch : std::string_view("proceses")) body.push_back(static_cast<std::byte>(ch));
        std::vector<std::byte> frame = {std::byte{0}, std::byte{0}, std::byte{0}, static_cast<std::byte>(body.size())};
        frame.insert(frame.end(), body.begin(), body.end());
        return frame;
    }();
    ASSERT_TRUE(c.send_bytes(typo));
    auto r = c.recv();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ((*r)[0], term::integer(1));
    EXPECT_TRUE(is_error(*r, "unknown_request")) << show(*r);

    EXPECT_TRUE(is_error(c.call(2, t("{hello}")), "unknown_request"));
    EXPECT_TRUE(is_error(c.call(3, t("{processes, #{limit => 0}}")), "bad_request"));
    EXPECT_TRUE(is_error(c.call(4, t("{process_info}")), "bad_request"));
    EXPECT_TRUE(is_error(c.call(5, t("not_a_tuple")), "bad_request"));
    EXPECT_TRUE(ok_value(c.call(6, t("{system}"))).is_map());
}

TEST_F(agent_round_trip, past_max_outstanding_a_request_is_refused_at_once) {
    auto o = defaults();
    o.max_outstanding = 1;
    start(o);
    test_client c = open(read_only_token());
    // Twenty requests in one write: the agent reads them in one go, while
    // the first is still on a worker (its answer comes back only after).
    std::vector<std::byte> all;
    for (int i = 0; i < 20; ++i) protocol::encode_frame_append(term::tuple({term::integer(i), t("{system}")}), all);
    ASSERT_TRUE(c.send_bytes(all));
    int ok = 0, refused = 0;
    std::vector<bool> seen(20, false);
    for (int i = 0; i < 20; ++i) {
        auto r = c.recv();
        ASSERT_TRUE(r.has_value()) << "reply " << i << " missing";
        const auto ref = (*r)[0].as_integer();
        ASSERT_TRUE(ref >= 0 && ref < 20);
        EXPECT_FALSE(seen[static_cast<std::size_t>(ref)]) << "two replies to " << ref;
        seen[static_cast<std::size_t>(ref)] = true;
        if (ok_value(*r).is_map()) ++ok;
        else if (is_error(*r, "too_many_requests")) ++refused;
    }
    EXPECT_EQ(ok + refused, 20);
    EXPECT_GE(ok, 1);
    EXPECT_GE(refused, 1);
}

TEST_F(agent_round_trip, a_hundred_clients_at_once) {
    start();
    const std::string token = read_only_token();
    std::vector<test_client> clients;
    clients.reserve(100);
    for (int i = 0; i < 100; ++i) {
        clients.emplace_back(a->endpoint());
        ASSERT_TRUE(clients.back().connected()) << "client " << i;
    }
    // Every hello first, then every request, so all hundred are open at once.
    for (auto& c : clients) ASSERT_TRUE(c.send(term::tuple({atom("hello"), term::integer(1), term::binary(token)})));
    for (auto& c : clients) {
        auto r = c.recv();
        ASSERT_TRUE(r && (*r)[0] == atoms::ok);
    }
    EXPECT_EQ(a->connections(), 100u);
    for (std::size_t i = 0; i < clients.size(); ++i)
        ASSERT_TRUE(clients[i].send(term::tuple({term::integer(static_cast<std::int64_t>(i)), t("{processes, #{limit => 3}}")})));
    for (std::size_t i = 0; i < clients.size(); ++i) {
        auto r = clients[i].recv(10s);
        ASSERT_TRUE(r.has_value()) << "client " << i;
        EXPECT_EQ((*r)[0], term::integer(static_cast<std::int64_t>(i)));
        EXPECT_TRUE(ok_value(*r).is_map()) << show(*r);
    }
    clients.clear();
    EXPECT_TRUE(eventually([&] { return a->connections() == 0; }));
}

TEST_F(agent_round_trip, past_max_connections_a_client_is_told_and_closed) {
    auto o = defaults();
    o.max_connections = 2;
    start(o);
    test_client c1 = open(read_only_token());
    test_client c2 = open(read_only_token());
    test_client c3(a->endpoint());
    ASSERT_TRUE(c3.connected());
    std::vector<term> got;
    EXPECT_TRUE(c3.wait_closed(5s, &got));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_TRUE(is_error(got[0], "too_many_connections")) << show(got[0]);
    // The two open ones are untouched; once one goes, a new one gets in.
    EXPECT_TRUE(ok_value(c1.call(1, t("{system}"))).is_map());
    c2.close();
    ASSERT_TRUE(eventually([&] { return a->connections() == 1; }));
    test_client c4 = open(read_only_token());
    EXPECT_TRUE(ok_value(c4.call(1, t("{system}"))).is_map());
}

} // namespace
} // namespace ember::agent::testing
