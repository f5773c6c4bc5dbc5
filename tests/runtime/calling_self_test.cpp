// A call to oneself, as Erlang's gen_server:call(self(), Request): it can
// never be answered (the caller would answer it only after it stops
// waiting), so it fails at once with calling_self, whatever the timeout,
// infinity included (lib/stdlib/test/gen_server_SUITE, calling_self). By a
// registered name that is the caller's own, too, and for sys requests,
// which go the same way. Erlang exits the caller; Ember returns
// call_errc::calling_self as a value (docs/otp.md).
#include "runtime_fixture.hpp"

#include "ember/runtime/gen_server.hpp"
#include "ember/runtime/sys.hpp"

namespace ember::testing {
namespace {

namespace gs = gen_server;

class calling_self : public runtime_test {
protected:
    static void expect_calling_self(const expected<term, call_error>& r, const char* how) {
        ASSERT_FALSE(r.has_value()) << how << ": got a reply " << to_string(*r);
        EXPECT_EQ(r.error().code, call_errc::calling_self) << how << ": " << r.error().message();
        EXPECT_EQ(r.error().reason, term(atom("calling_self"))) << how;
        EXPECT_EQ(r.error().message(), "calling_self") << how;
    }
};
EMBER_RUNTIME_TEST_SUITE(calling_self);

// Calls the running process itself, `how`: by_pid, by_name (it must hold
// `name`) or sys (sys::get_state).
task<expected<term, call_error>> call_self(atom how, atom name, std::chrono::milliseconds timeout) {
    const pid me = self();
    if (how == atom("by_name")) {
        task<expected<term, call_error>> inner = gs::call(name, atom("ping"), timeout);
        auto r = co_await inner;
        co_return r;
    }
    if (how == atom("sys")) {
        task<expected<term, call_error>> inner = sys::get_state(me, timeout);
        auto r = co_await inner;
        co_return r;
    }
    task<expected<term, call_error>> inner = gs::call(me, atom("ping"), timeout);
    auto r = co_await inner;
    co_return r;
}

// A process that is no server: registers `name`, then calls itself.
task<expected<term, call_error>> register_and_call_self(atom how, atom name, std::chrono::milliseconds timeout) {
    register_name(name, self());
    auto r = co_await call_self(how, name, timeout);
    co_return r;
}

TEST_P(calling_self, by_pid_fails_at_once_even_with_infinity) {
    // With infinity a wait would never end (run() gives up after 10 s);
    // with 5 s it would end as timeout.
    expect_calling_self(run([] { return call_self(atom("by_pid"), atoms::undefined, gs::infinity); }), "infinity");
    expect_calling_self(run([] { return call_self(atom("by_pid"), atoms::undefined, gs::default_timeout); }), "5 s");
}

TEST_P(calling_self, by_its_own_registered_name_fails_at_once) {
    expect_calling_self(run([] { return register_and_call_self(atom("by_name"), atom("me_myself"), gs::infinity); }), "by name");
}

TEST_P(calling_self, a_sys_request_to_itself_fails_at_once) {
    expect_calling_self(run([] { return call_self(atom("sys"), atoms::undefined, gs::infinity); }), "sys::get_state");
}

// Calls itself from handle_call as the request says (by_pid, by_name,
// sys), and replies with what that inner call gave: {error, Code, Reason}
// or {ok, Reply}. Answers ping with pong.
class narcissus : public gs::server {
public:
    task<gs::step> handle_call(term req, gs::from) override {
        if (req == term(atom("ping"))) co_return gs::reply(atom("pong"));
        const atom how = req.as_atom();
        auto r = co_await call_self(how, atom("narcissus"), gs::infinity);
        if (r) co_return gs::reply(term::tuple({atoms::ok, *r}));
        co_return gs::reply(term::tuple({atoms::error, term::integer(static_cast<std::int64_t>(r.error().code)), r.error().reason}));
    }
};

TEST_P(calling_self, a_server_calling_itself_gets_calling_self_and_goes_on) {
    auto s = gs::start<narcissus>(n, {.name = atom("narcissus")});
    ASSERT_TRUE(s.has_value()) << to_string(s.error());
    const term expected_answer = term::tuple({atoms::error, term::integer(static_cast<std::int64_t>(call_errc::calling_self)), atom("calling_self")});
    for (const char* how : {"by_pid", "by_name", "sys"}) {
        const pid server = *s;
        const atom request(how);
        auto r = run([=] { return gs::call(server, request); });
        ASSERT_TRUE(r.has_value()) << how << ": " << r.error().message();
        EXPECT_EQ(*r, expected_answer) << how << ": " << to_string(*r);
    }
    // Nothing was sent or left behind: it answers as before, by pid and by
    // the name (which, from another process, is no self-call), and holds
    // no monitor.
    auto by_name = run([] { return gs::call(atom("narcissus"), atom("ping")); });
    ASSERT_TRUE(by_name.has_value()) << by_name.error().message();
    EXPECT_EQ(*by_name, term(atom("pong")));
    auto info = n.process_info(*s);
    ASSERT_TRUE(info.has_value());
    EXPECT_TRUE(info->monitors.empty()) << "the failed self-calls left a monitor";
    EXPECT_EQ(info->stats.mailbox_length, 0u);
}

} // namespace
} // namespace ember::testing
