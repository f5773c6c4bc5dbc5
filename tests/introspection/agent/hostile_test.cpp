// Peers that are broken or hostile: bad hellos and tokens (many in a row),
// malformed, truncated, empty and oversized frames, a hello that never
// comes, an idle client. Each gets an error reply or a close, the node
// never falls over, and a well-behaved client connected throughout never
// notices.

#include "agent_fixture.hpp"

namespace ember::agent::testing {
namespace {

class agent_hostile : public agent_test {
protected:
    /// A length field and whatever body bytes follow.
    static std::vector<std::byte> raw_frame(std::uint32_t length, std::initializer_list<int> body) {
        std::vector<std::byte> out = {static_cast<std::byte>(length >> 24), static_cast<std::byte>((length >> 16) & 255),
                                      static_cast<std::byte>((length >> 8) & 255), static_cast<std::byte>(length & 255)};
        for (int b : body) out.push_back(static_cast<std::byte>(b));
        return out;
    }

    /// The single frame the node sends before closing, or 'none'.
    static term last_words(test_client& c) {
        std::vector<term> got;
        EXPECT_TRUE(c.wait_closed(5s, &got)) << "the node did not close the connection";
        EXPECT_EQ(got.size(), 1u);
        return got.empty() ? term(atom("none")) : got.back();
    }

    /// A client that says hello and asks for `{system}` now and then.
    void still_served(test_client& bystander, std::int64_t ref) {
        const term r = bystander.call(ref, t("{system}"));
        EXPECT_TRUE(ok_value(r).is_map()) << "a bystander was disturbed: " << show(r);
    }
};

TEST_F(agent_hostile, a_wrong_token_is_refused_then_closed) {
    start();
    test_client c(a->endpoint());
    ASSERT_TRUE(c.send(term::tuple({atom("hello"), term::integer(1), term::binary("not the token")})));
    EXPECT_TRUE(is_error(last_words(c), "bad_token"));
}

TEST_F(agent_hostile, fifty_wrong_tokens_in_a_row_and_the_node_still_serves) {
    start();
    test_client bystander = open(read_only_token());
    std::string wrong = admin_token();
    for (int i = 0; i < 50; ++i) {
        wrong[static_cast<std::size_t>(i) % wrong.size()] ^= 1; // near misses, as a guesser would try
        test_client c(a->endpoint());
        ASSERT_TRUE(c.connected());
        const term r = c.hello(wrong);
        EXPECT_TRUE(is_error(r, "bad_token")) << show(r);
        EXPECT_TRUE(c.wait_closed());
    }
    still_served(bystander, 1);
    test_client good = open(admin_token());
    still_served(good, 2);
    EXPECT_TRUE(eventually([&] { return a->connections() == 2; }));
}

TEST_F(agent_hostile, a_bad_hello_or_version_is_refused_then_closed) {
    start();
    {
        test_client c(a->endpoint());
        c.send(t("{1, {system}}")); // a request before the hello
        EXPECT_TRUE(is_error(last_words(c), "bad_hello"));
    }
    {
        test_client c(a->endpoint());
        c.send(term::tuple({atom("hello"), term::integer(2), term::binary(read_only_token())}));
        EXPECT_TRUE(is_error(last_words(c), "bad_version"));
    }
    {
        test_client c(a->endpoint());
        c.send(term::tuple({atom("hello"), term::integer(1), t("\"a list, not a binary\"")}));
        EXPECT_TRUE(is_error(last_words(c), "bad_hello"));
    }
}

TEST_F(agent_hostile, garbage_empty_and_deep_frames_are_answered_then_closed) {
    start();
    test_client bystander = open(read_only_token());
    {
        test_client c = open(read_only_token());
        c.send_bytes(raw_frame(5, {131, 255, 1, 2, 3})); // no such tag
        EXPECT_TRUE(is_error(last_words(c), "bad_term"));
    }
    {
        test_client c = open(read_only_token());
        c.send_bytes(raw_frame(0, {}));
        EXPECT_TRUE(is_error(last_words(c), "empty_frame"));
    }
    {
        test_client c = open(read_only_token());
        std::string deep = "1";
        for (int i = 0; i < 200; ++i) deep = "[" + deep + "]";
        c.send(t("{1, {process_info, " + deep + "}}"));
        EXPECT_TRUE(is_error(last_words(c), "too_deep"));
    }
    still_served(bystander, 1);
}

TEST_F(agent_hostile, an_oversized_frame_is_refused_before_its_body) {
    start();
    test_client bystander = open(read_only_token());
    {
        // Before the hello the limit is small: a peer without a token cannot make the node hold megabytes.
        test_client c(a->endpoint());
        c.send_bytes(raw_frame(100'000, {131}));
        EXPECT_TRUE(is_error(last_words(c), "frame_too_large"));
    }
    {
        // After it, the agent's max_frame_bytes (16 MiB): the length alone is refused.
        test_client c = open(read_only_token());
        c.send_bytes(raw_frame(0xFFFF'FFFF, {}));
        EXPECT_TRUE(is_error(last_words(c), "frame_too_large"));
    }
    still_served(bystander, 1);
}

TEST_F(agent_hostile, a_frame_in_pieces_is_put_together_and_one_cut_short_holds_nothing_up) {
    start();
    test_client bystander = open(read_only_token());
    test_client c = open(read_only_token());
    const auto frame = protocol::encode_frame(t("{42, {system}}"));
    // One byte a write: the agent waits for the rest, whatever the cuts.
    for (std::byte b : frame) ASSERT_TRUE(c.send_bytes(std::span(&b, 1)));
    auto r = c.recv();
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(ok_value(*r).is_map());

    // Half a frame and then the client goes: the node forgets it.
    test_client cut = open(read_only_token());
    cut.send_bytes(std::span(frame.data(), frame.size() / 2));
    still_served(bystander, 1);
    cut.close();
    EXPECT_TRUE(eventually([&] { return a->connections() == 2; }));
    still_served(bystander, 2);
}

TEST_F(agent_hostile, an_unknown_atom_costs_its_frame_and_a_non_envelope_closes) {
    start();
    test_client c = open(read_only_token());
    // {7, {process_info, zzqqxx_never_made}}, the atom written by hand.
    std::vector<std::byte> body;
    for (int b : {131, 104, 2, 97, 7, 104, 2, 119, 12}) body.push_back(static_cast<std::byte>(b));
    for (char ch : std::string_view("process_info")) body.push_back(static_cast<std::byte>(ch));
    body.push_back(std::byte{119});
    body.push_back(std::byte{17});
    for (char ch : std::string_view("zzqqxx_never_made")) body.push_back(static_cast<std::byte>(ch));
    auto frame = raw_frame(static_cast<std::uint32_t>(body.size()), {});
    frame.insert(frame.end(), body.begin(), body.end());
    ASSERT_TRUE(c.send_bytes(frame));
    auto r = c.recv();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ((*r)[0], term::integer(7));
    EXPECT_TRUE(is_error(*r, "unknown_atom")) << show(*r);
    EXPECT_FALSE(atom::existing("zzqqxx_never_made").has_value()) << "the node made an atom from the network";
    still_served(c, 8);

    // A frame that is no {Ref, Request}: there is no Ref to answer with.
    c.send(t("{1, 2, 3}"));
    EXPECT_TRUE(is_error(last_words(c), "bad_request"));
}

TEST_F(agent_hostile, a_client_that_never_says_hello_is_closed_at_the_deadline) {
    auto o = defaults();
    o.hello_timeout = 200ms;
    start(o);
    test_client bystander = open(read_only_token());
    const auto began = std::chrono::steady_clock::now();
    test_client silent(a->endpoint());
    ASSERT_TRUE(silent.connected());
    const term words = last_words(silent);
    EXPECT_TRUE(is_error(words, "timeout")) << show(words);
    EXPECT_GE(std::chrono::steady_clock::now() - began, 150ms); // not before the deadline (timers may round)
    still_served(bystander, 1);
}

TEST_F(agent_hostile, an_idle_client_is_closed_but_a_subscriber_is_not_idle) {
    auto o = defaults();
    o.idle_timeout = 1000ms; // long enough that a loaded machine does not idle the subscriber out before it subscribes
    start(o);
    test_client subscriber = open(read_only_token());
    ASSERT_EQ(ok_value(subscriber.call(1, t("{subscribe, system, 100}"))), term::integer(1));
    test_client idle_one = open(read_only_token());
    const term words = last_words(idle_one);
    EXPECT_TRUE(is_error(words, "timeout")) << show(words);
    // The subscriber, quiet as long, still gets pushes.
    subscriber.pending().clear();
    auto push = subscriber.recv();
    ASSERT_TRUE(push.has_value());
    EXPECT_EQ((*push)[0], term::integer(1));
    EXPECT_FALSE(subscriber.closed());
}

} // namespace
} // namespace ember::agent::testing
