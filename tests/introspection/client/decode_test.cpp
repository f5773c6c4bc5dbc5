// The client's reading of single frames: replies, pushes, the closing
// word, the hello's answer, and reply Values as structs; every refusal a
// bad_reply (or the hello's own codes) with a message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ember/client/decode.hpp"
#include "ember/term/parse.hpp"
#include "introspection/render/sample_replies.hpp"

namespace ember::client {
namespace {

using ::testing::HasSubstr;

term p(std::string_view text) { return parse(text).value(); }

TEST(client_decode, replies_pushes_and_the_closing_word) {
    auto reply = read_inbound(p("{7, {ok, #{a => 1}}}"));
    ASSERT_TRUE(reply);
    const auto& r = std::get<protocol::reply_envelope>(*reply);
    EXPECT_EQ(r.ref, term::integer(7));
    EXPECT_EQ(*r.result, p("#{a => 1}"));

    auto failed = read_inbound(p("{8, {error, {noproc, <<\"no process\">>}}}"));
    ASSERT_TRUE(failed);
    EXPECT_EQ(std::get<protocol::reply_envelope>(*failed).result.error(), protocol::make_reason("noproc", "no process"));

    auto pushed = read_inbound(p("{9, {event, [1,2]}}"));
    ASSERT_TRUE(pushed);
    EXPECT_EQ(std::get<protocol::push_envelope>(*pushed).value, p("[1,2]"));

    auto closing = read_inbound(p("{error, {idle_timeout, <<\"idle for 600 s\">>}}"));
    ASSERT_TRUE(closing);
    EXPECT_EQ(std::get<node_closing>(*closing).reason.message, "idle for 600 s");
}

TEST(client_decode, other_frames_are_bad_replies) {
    for (const char* text : {"ok", "{1}", "{1, 2, 3}", "{1, {maybe, x}}", "{1, {ok}}", "{1, {error, oops}}", "{error, oops}", "[]"}) {
        auto in = read_inbound(p(text));
        ASSERT_FALSE(in) << text;
        EXPECT_EQ(in.error().errc, client_errc::bad_reply);
        EXPECT_THAT(in.error().message, HasSubstr("no reply, push or closing word")) << text;
    }
}

TEST(client_decode, the_hello_answer) {
    auto ok = read_hello_reply(p("{ok, #{version => 1, node => nonode@nohost, access => admin, extra => 1}}"), "h:1");
    ASSERT_TRUE(ok) << ok.error().describe();
    EXPECT_EQ(ok->access, protocol::access_level::admin);

    auto token = read_hello_reply(p("{error, {bad_token, <<\"no\">>}}"), "h:1");
    ASSERT_FALSE(token);
    EXPECT_EQ(token.error().errc, client_errc::bad_token);
    EXPECT_EQ(token.error().describe(), "the node at h:1 refused the token: no");

    auto version = read_hello_reply(p("{error, {bad_version, <<\"speak 2\">>}}"), "h:1");
    ASSERT_FALSE(version);
    EXPECT_EQ(version.error().errc, client_errc::hello_refused);
    EXPECT_EQ(version.error().describe(), "the node at h:1 refused the hello: bad_version: speak 2");

    auto newer = read_hello_reply(p("{ok, #{version => 2, node => nonode@nohost, access => admin}}"), "h:1");
    ASSERT_FALSE(newer);
    EXPECT_EQ(newer.error().describe(), "the node at h:1 speaks protocol version 2, this client 1");

    auto other = read_hello_reply(p("{hello, 1, <<>>}"), "h:1");
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().errc, client_errc::bad_reply);
}

TEST(client_decode, reply_values_as_structs) {
    const auto page = ember::testing::sample_page();
    auto back = decode_reply<protocol::processes_page>("processes", to_term(page));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, page);
    // A newer node's extra keys are ignored; a missing one is named.
    auto extra = decode_reply<protocol::trace_options>("trace", p("#{max_messages => 5, max_rate => 1, colour => blue}"));
    ASSERT_TRUE(extra);
    EXPECT_EQ(extra->max_messages, 5u);
    auto missing = decode_reply<protocol::trace_options>("trace", p("#{max_messages => 5}"));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().describe(), "reply to trace: missing field max_rate");
    auto wrong = decode_reply<std::vector<protocol::scheduler_row>>("schedulers", p("[#{id => x}]"));
    ASSERT_FALSE(wrong);
    EXPECT_THAT(wrong.error().describe(), HasSubstr("reply to schedulers: "));
}

} // namespace
} // namespace ember::client
