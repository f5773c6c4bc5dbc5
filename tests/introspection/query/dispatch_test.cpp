// The one dispatcher: request terms in, reply terms out, with the admin
// check, as the agent and the SSH shell call it.
#include "query_fixture.hpp"

#include "ember/term/parse.hpp"

namespace ember::testing {
namespace {

class dispatch : public query_test {
protected:
    expected<term, protocol::error_reason> ask(std::string_view request, protocol::access_level access = protocol::access_level::read_only) {
        auto parsed = protocol::parse_request(parse(request).value());
        if (!parsed) return unexpected(parsed.error());
        return query::dispatch(q, *parsed, access);
    }
};

TEST_F(dispatch, processes_answers_a_page_the_client_reads_back) {
    pid p = n.spawn_opt({.label = "dispatch/0"}, idle).value();
    ASSERT_TRUE(settled(p));
    auto reply = ask("{processes, #{sort => memory, limit => 2, filter => <<\"dispatch\">>}}");
    ASSERT_TRUE(reply) << reply.error().message;
    auto page = from_term<protocol::processes_page>(*reply);
    ASSERT_TRUE(page) << page.error().message;
    ASSERT_EQ(page->rows.size(), 1u);
    EXPECT_EQ(page->rows[0].pid, p);
    // Erlang reads it as a map with atom keys.
    EXPECT_NE(reply->find(atom("rows")), nullptr);
    n.send(p, atoms::shutdown);
}

TEST_F(dispatch, every_read_request_answers) {
    for (const char* r : {"{processes}", "{schedulers}", "{system}", "{applications}", "{events}", "{warnings}",
                          "{history, [process_count]}", "{history, {minute, [memory]}}"}) {
        auto reply = ask(r);
        EXPECT_TRUE(reply) << r << ": " << (reply ? "" : reply.error().message);
    }
    auto system = from_term<protocol::system_info>(ask("{system}").value());
    ASSERT_TRUE(system);
    EXPECT_EQ(system->schedulers, 2u);
}

TEST_F(dispatch, acting_needs_admin) {
    pid p = n.spawn(idle);
    const std::string kill = "{kill, " + to_string(to_term(p)) + "}";
    auto refused = ask(kill);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, atom("needs_admin"));
    EXPECT_TRUE(n.is_alive(p));
    auto done = ask(kill, protocol::access_level::admin);
    ASSERT_TRUE(done) << done.error().message;
    EXPECT_EQ(*done, term(atoms::ok));
    EXPECT_TRUE(eventually([&] { return !n.is_alive(p); }));
    auto again = ask(kill, protocol::access_level::admin);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, atom("noproc"));
}

TEST_F(dispatch, process_info_by_pid_text_and_send) {
    pid p = n.spawn(idle);
    ASSERT_TRUE(settled(p));
    const std::string text = to_string(to_term(p));
    auto info = ask("{process_info, <<\"" + text + "\">>}");
    ASSERT_TRUE(info) << info.error().message;
    auto reply = from_term<protocol::process_info_reply>(*info);
    ASSERT_TRUE(reply) << reply.error().message;
    EXPECT_EQ(reply->process.pid, p);
    auto sent = ask("{send, <<\"" + text + "\">>, {hello, 1}}", protocol::access_level::admin);
    ASSERT_TRUE(sent) << sent.error().message;
    EXPECT_TRUE(settled(p, 1));
    n.send(p, atoms::shutdown);
}

TEST_F(dispatch, bad_arguments_are_bad_requests) {
    EXPECT_EQ(ask("{process_info, 42}").error().code, atom("bad_request"));
    EXPECT_EQ(ask("{history, [nope_series]}").error().code, atom("bad_request"));
    EXPECT_EQ(ask("{history, not_a_list}").error().code, atom("bad_request"));
    EXPECT_EQ(ask("{processes, #{limit => 0}}").error().code, atom("bad_request"));
    EXPECT_EQ(ask("{subscribe, system, 1000}").error().code, atom("bad_request")) << "the connection serves it";
    EXPECT_EQ(ask("{process_info, <<\"no_such_name_at_all\">>}").error().code, atom("noproc"));
}

TEST_F(dispatch, trace_options_are_checked) {
    EXPECT_EQ(query::parse_trace_options(parse("#{}").value()).value(), protocol::trace_options{});
    auto o = query::parse_trace_options(parse("#{max_messages => 10, max_rate => 2}").value());
    ASSERT_TRUE(o);
    EXPECT_EQ(o->max_messages, 10u);
    EXPECT_EQ(o->max_rate, 2u);
    EXPECT_FALSE(query::parse_trace_options(parse("#{max_messages => 0}").value()));
    EXPECT_FALSE(query::parse_trace_options(parse("#{colour => blue}").value()));
    EXPECT_FALSE(query::parse_trace_options(parse("[]").value()));
}

} // namespace
} // namespace ember::testing
