// Typed messages (messages.hpp): down_message and exit_message as the
// runtime sends them and as look-alikes that must not match; atoms named
// once in a server; supervisor::which_children as a vector; sup::worker
// with start options. At 1, 2 and 4 schedulers.
#include "runtime_fixture.hpp"

#include "ember/runtime/messages.hpp"
#include "ember/runtime/supervisor.hpp"

namespace ember::testing {
namespace {

namespace gs = gen_server;
namespace sup = supervisor;

class messages : public runtime_test {};
EMBER_RUNTIME_TEST_SUITE(messages);

process_task wait_then_exit() {
    term reason = co_await receive();
    exit(std::move(reason));
}

// [down_message, exit_message] ---------------------------------------------------

TEST_P(messages, a_real_down_reads_as_down_message) {
    const pid p = n.spawn(wait_then_exit);
    const reference ref = me.monitor(p);
    me.send(p, atom("bye"));
    const term m = next();
    const auto d = as<down_message>(m);
    ASSERT_TRUE(d.has_value()) << to_string(m);
    EXPECT_EQ(d->ref, ref);
    EXPECT_EQ(d->who, p);
    EXPECT_EQ(d->reason, atom("bye"));
    EXPECT_FALSE(as<exit_message>(m).has_value());
    EXPECT_TRUE(is_down_of(m, ref));
    EXPECT_FALSE(is_down_of(m, make_reference()));
    // Back to the tuple it came from, and through from_term.
    EXPECT_EQ(to_term(*d), m);
    auto again = from_term<down_message>(m);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->who, p);
}

TEST_P(messages, a_real_exit_reads_as_exit_message) {
    const pid p = n.spawn(wait_then_exit);
    me.link(p); // a probe gets exit signals as messages
    me.send(p, atom("crash"));
    const term m = next();
    const auto x = as<exit_message>(m);
    ASSERT_TRUE(x.has_value()) << to_string(m);
    EXPECT_EQ(x->from, p);
    EXPECT_EQ(x->reason, atom("crash"));
    EXPECT_FALSE(as<down_message>(m).has_value());
    EXPECT_TRUE(is_exit_from(m, p));
    EXPECT_FALSE(is_exit_from(m, me.self()));
    EXPECT_EQ(to_term(*x), m);
}

TEST_P(messages, look_alikes_do_not_match) {
    const term ref = term::from_reference(make_reference());
    const term who = term::from_pid(me.self());
    const term downs[] = {
        term::tuple({atoms::DOWN, ref, atoms::process, who}),                     // one short
        term::tuple({atoms::DOWN, ref, atoms::process, who, atoms::normal, atoms::ok}), // one long
        term::tuple({atoms::DOWN, who, atoms::process, who, atoms::normal}),      // no reference
        term::tuple({atoms::DOWN, ref, atom("port"), who, atoms::normal}),        // not a process
        term::tuple({atoms::DOWN, ref, atoms::process, ref, atoms::normal}),      // no pid
        term::tuple({atoms::EXIT, ref, atoms::process, who, atoms::normal}),      // other tag
        term::list({atoms::DOWN, ref, atoms::process, who, atoms::normal}),       // a list
        term(atoms::DOWN),
        term::integer(5),
        term(),
    };
    for (const term& m : downs) {
        EXPECT_FALSE(as<down_message>(m).has_value()) << to_string(m);
        auto converted = from_term<down_message>(m);
        ASSERT_FALSE(converted.has_value()) << to_string(m);
        EXPECT_EQ(converted.error().code, term_errc::conversion);
    }
    const term exits[] = {
        term::tuple({atoms::EXIT, who}),
        term::tuple({atoms::EXIT, who, atoms::normal, atoms::normal}),
        term::tuple({atoms::EXIT, atom("someone"), atoms::normal}),
        term::tuple({atom("exit"), who, atoms::normal}),
        term::list({atoms::EXIT, who, atoms::normal}),
        term(atoms::EXIT),
    };
    for (const term& m : exits) {
        EXPECT_FALSE(as<exit_message>(m).has_value()) << to_string(m);
        EXPECT_FALSE(from_term<exit_message>(m).has_value()) << to_string(m);
    }
}

TEST_P(messages, as_reads_plain_values_too) {
    EXPECT_EQ(as<atom>(term(atoms::ok)), atoms::ok);
    EXPECT_FALSE(as<atom>(term::integer(1)).has_value());
    EXPECT_EQ(as<pid>(term::from_pid(me.self())), me.self());
    EXPECT_FALSE(as<pid>(term(atoms::ok)).has_value());
    EXPECT_EQ(as<int>(term::integer(-3)), -3);
    EXPECT_FALSE(as<std::uint8_t>(term::integer(300)).has_value()) << "out of range";
    EXPECT_EQ(as<std::string>(term::binary("x")), "x") << "through from_term";
    EXPECT_FALSE(as<std::string>(term::integer(1)).has_value());
}

// A selective receive with is_down_of, inside a process: the DOWN of the
// second monitor is taken first, the other stays queued.
task<term> second_down_first() {
    const pid a = spawn(wait_then_exit), b = spawn(wait_then_exit);
    const reference ra = monitor(a), rb = monitor(b);
    send(a, atom("first"));
    send(b, atom("second"));
    const auto of_b = [&rb](const term& m) { return is_down_of(m, rb); };
    const term got_b = co_await receive(of_b);
    const auto of_a = [&ra](const term& m) { return is_down_of(m, ra); };
    const term got_a = co_await receive(of_a);
    co_return term::tuple({as<down_message>(got_b)->reason, as<down_message>(got_a)->reason});
}

TEST_P(messages, is_down_of_serves_as_a_receive_predicate) {
    EXPECT_EQ(to_string(run([] { return second_down_first(); })), "{second,first}");
}

// [atoms named once, in a server] ------------------------------------------------

class counter : public gs::stateful_server<std::int64_t> {
public:
    task<gs::step> handle_call(term request, gs::from caller) override {
        if (request == "next"_atom) co_return gs::reply(to_term(++state));
        if (request == static_atom<"peek">()) co_return gs::reply(to_term(state));
        co_return co_await gs::server::handle_call(request, caller);
    }
};

TEST_P(messages, a_server_matches_requests_with_named_atoms) {
    const pid c = gs::start<counter>(n).value();
    const auto ask = [&](atom request) { return run([c, request] { return gs::call(c, request); }).value(); };
    EXPECT_EQ(ask(atom("next")), term::integer(1));
    EXPECT_EQ(ask(atom("next")), term::integer(2));
    EXPECT_EQ(ask(atom("peek")), term::integer(2));
    EXPECT_EQ(to_string(ask(atom("other"))), "{error,{unknown_call,other}}");
}

// [supervisor::which_children, sup::worker with options] ----------------------------

// Tells `observer` {started, Id, Self} from init.
class member : public gs::server {
public:
    member(pid observer, atom id) : observer_(observer), id_(id) {}
    task<gs::init_result> init() override {
        send(observer_, term::tuple({atom("started"), id_, term::from_pid(self())}));
        co_return gs::init_ok();
    }

private:
    pid observer_;
    atom id_;
};

class supervised : public runtime_test {
protected:
    pid start(sup::spec s) {
        auto p = sup::start(n, std::move(s));
        EXPECT_TRUE(p.has_value()) << (p ? "" : to_string(p.error()));
        return p ? *p : pid{};
    }
    std::vector<child_stats> children(pid s) {
        auto r = run([s] { return sup::which_children(s); });
        EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
        return r ? *r : std::vector<child_stats>{};
    }
    /// The pid in the next {started, Id, Pid}.
    pid next_started(atom id) {
        const term m = next();
        EXPECT_EQ(m[1], id) << to_string(m);
        return m[2].is_pid() ? m[2].as_pid() : pid{};
    }
};
EMBER_RUNTIME_TEST_SUITE(supervised);

TEST_P(supervised, which_children_is_a_vector_in_start_order) {
    sup::child_spec b = sup::worker<member>(atom("b"), me.self(), atom("b"));
    b.restart_type = sup::restart::transient;
    sup::spec inner{{sup::strategy::one_for_one, 1, 5000ms}, {}};
    const pid s = start({{sup::strategy::one_for_one, 3, 5000ms},
                         {sup::worker<member>(atom("a"), me.self(), atom("a")), b, sup::supervisor_child(atom("c"), inner)}});
    const pid a_pid = next_started(atom("a")), b_pid = next_started(atom("b"));

    const std::vector<child_stats> kids = children(s);
    ASSERT_EQ(kids.size(), 3u);
    EXPECT_EQ(kids[0].id, atom("a"));
    EXPECT_EQ(kids[0].process, a_pid);
    EXPECT_EQ(kids[0].type, atom("worker"));
    EXPECT_EQ(kids[0].restart, atom("permanent"));
    EXPECT_EQ(kids[1].id, atom("b"));
    EXPECT_EQ(kids[1].process, b_pid);
    EXPECT_EQ(kids[1].restart, atom("transient"));
    EXPECT_EQ(kids[2].id, atom("c"));
    EXPECT_EQ(kids[2].type, atom("supervisor"));
    ASSERT_TRUE(kids[2].process.has_value());

    // The term form, for the wire, lists them in OTP's order: the last
    // started first, the vector read backwards.
    const term wire = run([s] { return gs::call(s, atom("which_children")); }).value();
    ASSERT_EQ(wire.size(), 3u);
    for (std::size_t i = 0; i < kids.size(); ++i) {
        EXPECT_EQ(wire[2 - i][0], kids[i].id);
        EXPECT_EQ(wire[2 - i][1], term::from_pid(*kids[i].process));
    }

    // A stopped child shows without a pid.
    EXPECT_TRUE(run([s] { return sup::terminate_child(s, atom("a")); }).has_value());
    EXPECT_FALSE(children(s)[0].process.has_value());
}

TEST_P(supervised, which_children_of_what_is_no_supervisor_is_an_error) {
    const pid c = gs::start<counter>(n).value();
    auto refused = run([c] { return sup::which_children(c); });
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, call_errc::refused);
    EXPECT_EQ(to_string(refused.error().reason), "{unknown_call,'$which_children_stats'}");

    const pid gone = n.spawn(wait_then_exit);
    const reference ref = me.monitor(gone);
    me.send(gone, atoms::normal);
    EXPECT_TRUE(is_down_of(next(), ref));
    auto noproc = run([gone] { return sup::which_children(gone); });
    ASSERT_FALSE(noproc.has_value());
    EXPECT_EQ(noproc.error().code, call_errc::noproc);
}

TEST_P(supervised, a_worker_with_start_options_is_registered_again_after_a_restart) {
    const atom name("messages_test_named");
    const pid s = start({{sup::strategy::one_for_one, 3, 5000ms},
                         {sup::worker<member>(atom("x"), {.name = name, .label = "named_member"}, me.self(), atom("x"))}});
    const pid first = next_started(atom("x"));
    EXPECT_EQ(n.whereis(name), first);
    const auto info = n.process_info(first);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->stats.initial_call, "named_member");
    EXPECT_EQ(info->stats.registered_name, name);

    n.exit(first, atoms::kill);
    const pid second = next_started(atom("x"));
    EXPECT_NE(second, first);
    EXPECT_EQ(n.whereis(name), second);
    const std::vector<child_stats> kids = children(s);
    ASSERT_EQ(kids.size(), 1u);
    EXPECT_EQ(kids[0].process, second);
}

} // namespace
} // namespace ember::testing
