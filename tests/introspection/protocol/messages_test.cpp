// The handshake and envelope structs: each writes the term docs/protocol.md
// shows, reads it back, and refuses other shapes with a message.
#include <gtest/gtest.h>

#include "ember/protocol/messages.hpp"
#include "ember/term/parse.hpp"
#include "ember/term/print.hpp"

namespace ember::protocol {
namespace {

term p(std::string_view text) { return parse(text).value(); }

template <class T>
T round_trip(const T& value) {
    auto back = from_term<T>(to_term(value));
    EXPECT_TRUE(back) << back.error().message;
    return back ? *back : value;
}

TEST(protocol_messages, hello) {
    const hello h{protocol_version, "s3cret"};
    EXPECT_EQ(to_term(h), p("{hello, 1, <<\"s3cret\">>}"));
    EXPECT_EQ(round_trip(h), h);
    EXPECT_EQ(round_trip(hello{2, ""}), (hello{2, ""}));
}

TEST(protocol_messages, hello_of_the_wrong_shape_is_refused) {
    for (const char* text : {"{hello, 1}", "{hello, 1, <<\"t\">>, x}", "{helo, 1, <<\"t\">>}", "[hello, 1, <<\"t\">>]",
                             "{hello, one, <<\"t\">>}", "{hello, 1.0, <<\"t\">>}", "{hello, 1, \"t\"}", "{hello, 1, t}"}) {
        auto h = from_term<hello>(p(text));
        ASSERT_FALSE(h) << text;
        EXPECT_EQ(h.error().code, term_errc::conversion);
        EXPECT_FALSE(h.error().message.empty());
    }
}

TEST(protocol_messages, hello_token_length_is_bounded) {
    EXPECT_TRUE(from_term<hello>(to_term(hello{1, std::string(hello::max_token_bytes, 'a')})));
    auto h = from_term<hello>(to_term(hello{1, std::string(hello::max_token_bytes + 1, 'a')}));
    ASSERT_FALSE(h);
    EXPECT_EQ(h.error().message, "a Token of 1025 bytes is over the limit of 1024");
}

TEST(protocol_messages, hello_reply_ok) {
    const hello_reply r{hello_info{1, atom("ember@host"), access_level::admin}};
    EXPECT_EQ(to_term(r), p("{ok, #{version => 1, node => 'ember@host', access => admin}}"));
    auto back = round_trip(r);
    ASSERT_TRUE(back.result);
    EXPECT_EQ(*back.result, *r.result);
}

TEST(protocol_messages, hello_info_ignores_keys_it_does_not_know) {
    auto info = from_term<hello_info>(p("#{version => 1, node => nonode@nohost, access => read_only, uptime_ms => 5}"));
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->access, access_level::read_only);
    EXPECT_FALSE(from_term<hello_info>(p("#{version => 1, node => nonode@nohost, access => root}")));
    EXPECT_FALSE(from_term<hello_info>(p("#{version => 1, access => admin}")));
}

TEST(protocol_messages, hello_reply_error) {
    const hello_reply r{unexpected(make_reason("bad_token", "the token is not one of this node's"))};
    EXPECT_EQ(to_term(r), p("{error, {bad_token, <<\"the token is not one of this node's\">>}}"));
    auto back = round_trip(r);
    ASSERT_FALSE(back.result);
    EXPECT_EQ(back.result.error(), r.result.error());
}

TEST(protocol_messages, error_reason) {
    const error_reason e = make_reason("needs_admin", "kill needs the admin token");
    EXPECT_EQ(to_term(e), p("{needs_admin, <<\"kill needs the admin token\">>}"));
    EXPECT_EQ(round_trip(e), e);
    // Erlang code may write the message as a string.
    auto s = from_term<error_reason>(p("{noproc, \"no such process\"}"));
    ASSERT_TRUE(s);
    EXPECT_EQ(s->message, "no such process");
    EXPECT_FALSE(from_term<error_reason>(p("noproc")));
    EXPECT_FALSE(from_term<error_reason>(p("{<<\"noproc\">>, <<>>}")));
    EXPECT_FALSE(from_term<error_reason>(p("{noproc, 42}")));
}

TEST(protocol_messages, request_envelope) {
    const request_envelope e{term::integer(7), p("{process_info, <0.42.0>}")};
    EXPECT_EQ(to_term(e), p("{7, {process_info, <0.42.0>}}"));
    EXPECT_EQ(round_trip(e), e);
    const request_envelope with_ref{term::from_reference(make_reference()), p("{system}")};
    EXPECT_EQ(round_trip(with_ref), with_ref);
    EXPECT_FALSE(from_term<request_envelope>(p("{7}")));
    EXPECT_FALSE(from_term<request_envelope>(p("{7, {system}, extra}")));
    EXPECT_FALSE(from_term<request_envelope>(p("[7, {system}]")));
}

TEST(protocol_messages, reply_envelope) {
    const reply_envelope ok{term::integer(7), p("#{process_count => 3}")};
    EXPECT_EQ(to_term(ok), p("{7, {ok, #{process_count => 3}}}"));
    auto back = round_trip(ok);
    EXPECT_EQ(back.ref, ok.ref);
    ASSERT_TRUE(back.result);
    EXPECT_EQ(*back.result, *ok.result);

    const reply_envelope failed{term::integer(8), unexpected(make_reason("unknown_request", "unknown request foo"))};
    EXPECT_EQ(to_term(failed), p("{8, {error, {unknown_request, <<\"unknown request foo\">>}}}"));
    auto back2 = round_trip(failed);
    ASSERT_FALSE(back2.result);
    EXPECT_EQ(back2.result.error(), failed.result.error());

    EXPECT_FALSE(from_term<reply_envelope>(p("{7, {maybe, 1}}")));
    EXPECT_FALSE(from_term<reply_envelope>(p("{7, {error, oops}}")));
    EXPECT_FALSE(from_term<reply_envelope>(p("{7, ok}")));
}

TEST(protocol_messages, push_envelope) {
    const push_envelope e{term::integer(3), p("#{kind => long_schedule, pid => <0.9.0>}")};
    EXPECT_EQ(to_term(e), p("{3, {event, #{kind => long_schedule, pid => <0.9.0>}}}"));
    EXPECT_EQ(round_trip(e), e);
    EXPECT_FALSE(from_term<push_envelope>(p("{3, {ok, 1}}")));
}

TEST(protocol_messages, a_client_tells_replies_from_pushes) {
    auto push = read_server_message(p("{3, {event, 1}}"));
    ASSERT_TRUE(push);
    ASSERT_TRUE(std::holds_alternative<push_envelope>(*push));
    EXPECT_EQ(std::get<push_envelope>(*push).value, term::integer(1));

    auto reply = read_server_message(p("{4, {ok, 2}}"));
    ASSERT_TRUE(reply);
    ASSERT_TRUE(std::holds_alternative<reply_envelope>(*reply));
    EXPECT_EQ(std::get<reply_envelope>(*reply).ref, term::integer(4));

    auto error = read_server_message(p("{5, {error, {timeout, <<\"took too long\">>}}}"));
    ASSERT_TRUE(error);
    EXPECT_FALSE(std::get<reply_envelope>(*error).result);

    EXPECT_FALSE(read_server_message(p("{5, {surprise, 1}}")));
    EXPECT_FALSE(read_server_message(p("hello")));
}

TEST(protocol_messages, access_level) {
    EXPECT_EQ(to_term(access_level::admin), term(atom("admin")));
    EXPECT_EQ(to_term(access_level::read_only), term(atom("read_only")));
    EXPECT_EQ(round_trip(access_level::admin), access_level::admin);
    EXPECT_EQ(round_trip(access_level::read_only), access_level::read_only);
    EXPECT_FALSE(from_term<access_level>(p("root")));
}

} // namespace
} // namespace ember::protocol
