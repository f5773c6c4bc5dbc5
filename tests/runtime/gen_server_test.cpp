// gen_server: calls, casts, info, timeouts, starts, stops, and the system
// requests (sys), at 1, 2 and 4 schedulers.
#include "runtime_fixture.hpp"

#include "ember/runtime/gen_server.hpp"
#include "ember/runtime/stats.hpp"
#include "ember/runtime/sys.hpp"

#include <thread>

namespace ember::testing {
namespace {

namespace gs = gen_server;

// A counter that reports its terminate to `observer`.
class counter : public gs::stateful_server<std::int64_t> {
public:
    explicit counter(pid observer = {}) : observer_(observer) {}

    task<gs::step> handle_call(term req, gs::from caller) override {
        if (req == term(atom("next"))) co_return gs::reply(to_term(++state));
        if (req == term(atom("crash"))) throw std::runtime_error("asked to");
        if (req.is_tuple() && req.size() == 2 && req[0] == term(atom("slow"))) {
            co_await sleep_for(std::chrono::milliseconds(req[1].as_integer()));
            co_return gs::reply(atom("slow_done"));
        }
        if (req == term(atom("later"))) {
            pending_ = caller;
            if (observer_ != pid{}) send(observer_, atom("parked"));
            co_return gs::noreply();
        }
        if (req == term(atom("stop"))) co_return gs::stop_and_reply(atom("asked"), atom("stopping"));
        co_return co_await gs::server::handle_call(req, caller);
    }
    task<gs::step> handle_cast(term msg) override {
        if (msg == term(atom("crash"))) throw std::logic_error("cast crash");
        if (msg == term(atom("answer_later")) && pending_) gs::reply(*pending_, atom("late_answer"));
        if (msg.is_integer()) state += msg.as_integer();
        co_return gs::noreply();
    }
    task<gs::step> handle_info(term msg) override {
        if (observer_ != pid{}) send(observer_, term::tuple({atom("info"), msg}));
        if (msg == term(atom("stop"))) co_return gs::stop(atom("info_stop"));
        co_return gs::noreply();
    }
    task<void> terminate(term reason) override {
        if (observer_ != pid{}) send(observer_, term::tuple({atom("terminate"), reason}));
        co_return;
    }
    task<expected<void, term>> code_change(term old_vsn, term) override {
        if (old_vsn == term(atom("bad"))) co_return unexpected(term(atom("cannot")));
        state *= 100;
        co_return expected<void, term>();
    }

private:
    pid observer_;
    std::optional<gs::from> pending_;
};

// Fails or stalls in init, as its argument says.
class picky : public gs::server {
public:
    explicit picky(term how) : how_(std::move(how)) {
        if (how_ == term(atom("throw_in_constructor"))) throw std::runtime_error("no");
    }
    task<gs::init_result> init() override {
        if (how_ == term(atom("stop"))) co_return gs::init_stop(atom("refused"));
        if (how_ == term(atom("ignore"))) co_return gs::init_ignore();
        if (how_ == term(atom("throw"))) throw std::runtime_error("init threw");
        if (how_ == term(atom("stall"))) co_await sleep_for(std::chrono::seconds(30));
        co_return gs::init_ok();
    }

private:
    term how_;
};

// Continues after init and after calls, and waits with a timeout; keeps a
// log of what ran, in order.
class staged : public gs::server {
public:
    explicit staged(pid observer) : observer_(observer) {}
    task<gs::init_result> init() override {
        log_.push_back(atom("init"));
        co_return gs::init_ok().then_continue(atom("load"));
    }
    task<gs::step> handle_continue(term c) override {
        log_.push_back(c);
        if (c == term(atom("load"))) co_return gs::noreply().then_continue(atom("warm"));
        if (c == term(atom("bad"))) co_return gs::reply(atoms::ok); // no caller to reply to
        co_return gs::noreply();
    }
    task<gs::step> handle_call(term req, gs::from caller) override {
        if (req == term(atom("log"))) co_return gs::reply(term::list(log_));
        if (req == term(atom("then_continue"))) co_return gs::reply(atoms::ok).then_continue(atom("after_reply"));
        if (req == term(atom("bad_continue"))) co_return gs::reply(atoms::ok).then_continue(atom("bad"));
        if (req.is_tuple() && req.size() == 2 && req[0] == term(atom("idle")))
            co_return gs::reply(atoms::ok).or_timeout(std::chrono::milliseconds(req[1].as_integer()));
        co_return co_await gs::server::handle_call(req, caller);
    }
    task<gs::step> handle_cast(term) override { co_return gs::noreply(); }
    task<gs::step> handle_info(term m) override {
        send(observer_, term::tuple({atom("info"), m}));
        co_return gs::noreply();
    }

private:
    pid observer_;
    std::vector<term> log_;
};

class gen_servers : public runtime_test {
protected:
    pid start_counter(atom name = atoms::undefined) {
        auto p = gs::start<counter>(n, {.name = name}, me.self());
        EXPECT_TRUE(p.has_value()) << (p ? "" : to_string(p.error()));
        return p ? *p : pid{};
    }
};
EMBER_RUNTIME_TEST_SUITE(gen_servers);

TEST_P(gen_servers, call_cast_and_info_reach_their_callbacks) {
    pid s = start_counter(atom("counter"));
    EXPECT_EQ(call(s, atom("next")), term::integer(1));
    gs::cast(n, s, term::integer(10));
    EXPECT_EQ(call(atom("counter"), atom("next")), term::integer(12)); // the cast came first
    me.send(s, atom("hello"));
    EXPECT_EQ(to_string(next()), "{info,hello}");
}

TEST_P(gen_servers, an_unknown_call_gets_an_error_and_the_server_goes_on) {
    pid s = start_counter();
    EXPECT_EQ(to_string(call(s, atom("what"))), "{error,{unknown_call,what}}");
    EXPECT_EQ(call(s, atom("next")), term::integer(1));
}

TEST_P(gen_servers, a_call_to_nobody_is_noproc_at_once) {
    auto by_name = run([&] { return gs::call(atom("nobody_here"), atom("x")); });
    ASSERT_FALSE(by_name.has_value());
    EXPECT_EQ(by_name.error().code, call_errc::noproc);
    pid s = start_counter();
    me.monitor(s);
    me.send(s, atom("stop"));
    EXPECT_EQ(to_string(next()), "{info,stop}");
    EXPECT_EQ(to_string(next()), "{terminate,info_stop}");
    EXPECT_EQ(next_down_reason(), term(atom("info_stop")));
    auto dead = run([&] { return gs::call(s, atom("next")); });
    ASSERT_FALSE(dead.has_value());
    EXPECT_EQ(dead.error().code, call_errc::noproc);
}

TEST_P(gen_servers, a_server_that_dies_in_a_call_gives_exited_with_its_reason) {
    pid s = start_counter();
    auto r = run([&] { return gs::call(s, atom("crash")); });
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, call_errc::exited);
    EXPECT_EQ(to_string(r.error().reason), "{exception,<<\"std::runtime_error\">>,<<\"asked to\">>}");
    EXPECT_EQ(to_string(next()), "{terminate,{exception,<<\"std::runtime_error\">>,<<\"asked to\">>}}");
}

TEST_P(gen_servers, a_timed_out_call_leaves_no_late_reply_behind) {
    pid s = start_counter();
    auto r = run([&] { return gs::call(s, t("{slow,100}"), std::chrono::milliseconds(10)); });
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, call_errc::timeout);
    // The server replies 90 ms later; the reply must not reach the mailbox.
    expect_silence(std::chrono::milliseconds(250));
    EXPECT_EQ(call(s, atom("next")), term::integer(1));
}

TEST_P(gen_servers, a_timed_out_call_in_a_process_leaves_no_late_reply_behind) {
    pid s = start_counter();
    n.spawn([](pid server, pid report) -> process_task {
        auto r = co_await gs::call(server, t("{slow,100}"), std::chrono::milliseconds(10));
        send(report, r ? term(atom("replied")) : term(atom(r.error().message())));
        auto stray = co_await receive(std::chrono::milliseconds(250));
        send(report, stray ? *stray : term(atom("nothing")));
    }, s, me.self());
    EXPECT_EQ(next(), term(atom("timeout")));
    EXPECT_EQ(next(), term(atom("nothing")));
}

TEST_P(gen_servers, continues_run_before_any_other_message) {
    auto s = gs::start<staged>(n, {}, me.self());
    ASSERT_TRUE(s.has_value());
    // The first call is handled after init's continue and the one it chained.
    EXPECT_EQ(to_string(call(*s, atom("log"))), "[init,load,warm]");
    EXPECT_EQ(call(*s, atom("then_continue")), term(atoms::ok));
    EXPECT_EQ(to_string(call(*s, atom("log"))), "[init,load,warm,after_reply]");
}

TEST_P(gen_servers, a_continue_that_replies_stops_the_server) {
    auto s = gs::start<staged>(n, {}, me.self());
    ASSERT_TRUE(s.has_value());
    me.monitor(*s);
    EXPECT_EQ(call(*s, atom("bad_continue")), term(atoms::ok));
    EXPECT_EQ(to_string(next_down_reason()), "{bad_return,reply_outside_call}");
}

TEST_P(gen_servers, an_idle_timeout_becomes_handle_info_timeout_unless_a_message_comes_first) {
    auto s = gs::start<staged>(n, {}, me.self());
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(call(*s, t("{idle,20}")), term(atoms::ok));
    EXPECT_EQ(to_string(next()), "{info,timeout}");
    expect_silence(std::chrono::milliseconds(100)); // once: the next wait has none
    // A message before the time is up cancels it.
    EXPECT_EQ(call(*s, t("{idle,500}")), term(atoms::ok));
    gs::cast(n, *s, atom("anything"));
    expect_silence(std::chrono::milliseconds(650));
}

// A caller whose own mailbox is long: its calls only look at what arrives
// after they start (the BEAM's receive marker), so they are answered, the
// queued messages stay untouched and in order, a dead server is noproc at
// once, and a late reply after a timeout is still dropped. (The cost, which
// no longer grows with the queue, is measured by `ember-bench busy_call`.)
process_task busy_caller(pid report, pid server, int queued) {
    for (int i = 0; i < queued; ++i) send(self(), term::integer(i));
    std::vector<term> answers;
    for (int i = 0; i < 3; ++i) {
        auto r = co_await gs::call(server, atom("next"));
        answers.push_back(r ? *r : term());
    }
    const term slow = term::tuple({atom("slow"), term::integer(50)});
    auto late = co_await gs::call(server, slow, std::chrono::milliseconds(1));
    answers.push_back(late ? *late : term(atom(late.error().message())));
    auto last = co_await gs::call(server, atom("next"));
    answers.push_back(last ? *last : term());
    send(report, term::list(answers));
    // The queue: every message, in order, and nothing else (no late reply).
    std::int64_t expect = 0;
    bool in_order = true;
    for (std::optional<term> m; (m = co_await receive(std::chrono::milliseconds(0)));) in_order &= *m == term::integer(expect++);
    send(report, make_tuple(to_term(in_order), expect));
}

TEST_P(gen_servers, calls_from_a_process_with_a_long_queue_leave_the_queue_as_it_was) {
    pid s = start_counter();
    n.spawn(busy_caller, me.self(), s, 100'000);
    EXPECT_EQ(to_string(next(std::chrono::milliseconds(30000))), "[1,2,3,timeout,4]");
    EXPECT_EQ(to_string(next(std::chrono::milliseconds(30000))), "{true,100000}");
}

process_task call_a_dead_server(pid report, pid server) {
    for (int i = 0; i < 10'000; ++i) send(self(), atoms::ok);
    auto r = co_await gs::call(server, atom("next"), gs::infinity);
    send(report, r ? *r : term(atom(r.error().message())));
}

TEST_P(gen_servers, a_call_to_a_dead_server_from_a_busy_process_is_noproc_at_once) {
    pid s = start_counter();
    me.monitor(s);
    n.exit(s, atoms::kill);
    next_down_reason();
    n.spawn(call_a_dead_server, me.self(), s);
    EXPECT_EQ(next(), term(atoms::noproc));
}

TEST_P(gen_servers, a_caller_that_dies_mid_call_does_not_disturb_the_server) {
    pid s = start_counter();
    pid caller = n.spawn([](pid server) -> process_task { (void)co_await gs::call(server, t("{slow,50}")); }, s);
    me.monitor(caller);
    n.exit(caller, atoms::kill);
    EXPECT_EQ(next_down_reason(), term(atoms::killed));
    // The server finishes the slow call, its reply goes nowhere, and it
    // answers the next caller.
    EXPECT_EQ(call(s, atom("next")), term::integer(1));
    EXPECT_TRUE(n.is_alive(s));
}

TEST_P(gen_servers, noreply_then_reply_later_from_another_callback) {
    pid s = start_counter();
    n.spawn([](pid server, pid report) -> process_task {
        auto r = co_await gs::call(server, atom("later"));
        send(report, r ? *r : term(atom("failed")));
    }, s, me.self());
    // The call stays parked in the server until the cast arrives; the
    // cast is sent once the server says the call is in.
    EXPECT_EQ(next(), term(atom("parked")));
    EXPECT_EQ(call(s, atom("next")), term::integer(1)); // the server is free meanwhile
    gs::cast(n, s, atom("answer_later"));
    EXPECT_EQ(next(), term(atom("late_answer")));
}

TEST_P(gen_servers, stop_and_reply_runs_terminate_then_replies) {
    pid s = start_counter();
    me.monitor(s);
    EXPECT_EQ(call(s, atom("stop")), term(atom("stopping")));
    EXPECT_EQ(to_string(next()), "{terminate,asked}");
    EXPECT_EQ(next_down_reason(), term(atom("asked")));
}

TEST_P(gen_servers, an_exception_in_a_cast_stops_the_server_after_terminate) {
    pid s = start_counter();
    me.monitor(s);
    gs::cast(n, s, atom("crash"));
    EXPECT_EQ(to_string(next()), "{terminate,{exception,<<\"std::logic_error\">>,<<\"cast crash\">>}}");
    EXPECT_EQ(to_string(next_down_reason()), "{exception,<<\"std::logic_error\">>,<<\"cast crash\">>}");
}

TEST_P(gen_servers, start_errors_come_back_as_values) {
    EXPECT_EQ(to_string(gs::start<picky>(n, {}, term(atom("stop"))).error()), "refused");
    EXPECT_EQ(to_string(gs::start<picky>(n, {}, term(atom("ignore"))).error()), "ignore");
    EXPECT_EQ(to_string(gs::start<picky>(n, {}, term(atom("throw"))).error()), "{exception,<<\"std::runtime_error\">>,<<\"init threw\">>}");
    EXPECT_EQ(to_string(gs::start<picky>(n, {}, term(atom("throw_in_constructor"))).error()), "{exception,<<\"std::runtime_error\">>,<<\"no\">>}");
    EXPECT_EQ(to_string(gs::start<picky>(n, {.timeout = std::chrono::milliseconds(20)}, term(atom("stall"))).error()), "timeout");
    pid first = start_counter(atom("only_one"));
    auto second = gs::start<counter>(n, {.name = atom("only_one")}, me.self());
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(to_string(second.error()), "{already_started," + to_string(term::from_pid(first)) + "}");
    // Failed starts leave no process behind (the counter is the only one;
    // the stalled server dies of its kill a moment later).
    std::size_t processes = 0;
    for (int i = 0; i < 500; ++i) {
        processes = 0;
        n.for_each_process([&](const process_stats&) { ++processes; });
        if (processes == 1) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    EXPECT_EQ(processes, 1u);
}

TEST_P(gen_servers, a_failed_start_link_does_not_take_the_caller_down) {
    n.spawn([](pid report) -> process_task {
        auto r = co_await gs::start_link<picky>({}, term(atom("stop")));
        send(report, r ? term(atom("started")) : r.error());
        auto t = co_await gs::start_link<picky>({.timeout = std::chrono::milliseconds(20)}, term(atom("stall")));
        send(report, t ? term(atom("started")) : t.error());
        auto late = co_await receive(std::chrono::milliseconds(50));
        send(report, late ? *late : term(atom("still_alive")));
    }, me.self());
    EXPECT_EQ(next(), term(atom("refused")));
    EXPECT_EQ(next(), term(atoms::timeout));
    EXPECT_EQ(next(), term(atom("still_alive")));
}

TEST_P(gen_servers, a_linked_server_that_traps_exits_terminates_with_its_parent) {
    class trapping : public counter {
    public:
        using counter::counter;
        task<gs::init_result> init() override {
            trap_exit(true);
            co_return gs::init_ok();
        }
    };
    pid parent = n.spawn([](pid report) -> process_task {
        auto s = co_await gs::start_link<trapping>({}, report);
        send(report, s ? term::from_pid(*s) : s.error());
        co_await receive();
        exit(atom("parent_gone"));
    }, me.self());
    pid s = next().as_pid();
    me.monitor(s);
    me.send(parent, atoms::ok);
    EXPECT_EQ(to_string(next()), "{terminate,parent_gone}");
    EXPECT_EQ(next_down_reason(), term(atom("parent_gone")));
}

TEST_P(gen_servers, get_state_and_replace_state) {
    pid s = start_counter();
    call(s, atom("next"));
    EXPECT_EQ(*run([&] { return sys::get_state(s); }), term::integer(1));
    EXPECT_EQ(*run([&] { return sys::replace_state(s, term::integer(41)); }), term(atoms::ok));
    EXPECT_EQ(call(s, atom("next")), term::integer(42));
    auto bad = run([&] { return sys::replace_state(s, atom("not_a_number")); });
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code, call_errc::refused);
    EXPECT_EQ(*run([&] { return sys::get_state(s); }), term::integer(42)); // unchanged
}

TEST_P(gen_servers, suspended_servers_answer_only_system_requests) {
    pid s = start_counter();
    EXPECT_EQ(*run([&] { return sys::suspend(s); }), term(atoms::ok));
    gs::cast(n, s, term::integer(5));
    auto r = run([&] { return gs::call(s, atom("next"), std::chrono::milliseconds(30)); });
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, call_errc::timeout);
    EXPECT_EQ(*run([&] { return sys::get_state(s); }), term::integer(0)); // the cast waits
    EXPECT_EQ(n.process_info(s)->stats.status, process_status::suspended);
    EXPECT_EQ(*run([&] { return sys::resume(s); }), term(atoms::ok));
    // The cast, then the timed-out call (its reply is dropped), then this one.
    EXPECT_EQ(call(s, atom("next")), term::integer(7));
    expect_silence();
}

TEST_P(gen_servers, change_code_needs_a_suspended_server) {
    pid s = start_counter();
    call(s, atom("next"));
    auto early = run([&] { return sys::change_code(s, atom("v1"), term()); });
    ASSERT_FALSE(early.has_value());
    EXPECT_EQ(to_string(early.error().reason), "not_suspended");
    ASSERT_TRUE(run([&] { return sys::suspend(s); }).has_value());
    auto refused = run([&] { return sys::change_code(s, atom("bad"), term()); });
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(to_string(refused.error().reason), "cannot");
    EXPECT_EQ(*run([&] { return sys::change_code(s, atom("v1"), term()); }), term(atoms::ok));
    ASSERT_TRUE(run([&] { return sys::resume(s); }).has_value());
    EXPECT_EQ(call(s, atom("next")), term::integer(101));
}

TEST_P(gen_servers, sys_terminate_runs_terminate_and_exits_with_the_reason) {
    pid s = start_counter();
    me.monitor(s);
    EXPECT_EQ(*run([&] { return sys::terminate(s, atom("bye")); }), term(atoms::ok));
    EXPECT_EQ(to_string(next()), "{terminate,bye}");
    EXPECT_EQ(next_down_reason(), term(atom("bye")));
}

TEST_P(gen_servers, an_unknown_system_request_is_refused) {
    pid s = start_counter();
    auto r = run([&] { return sys::detail::request(s, atom("dance"), gs::default_timeout); });
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(to_string(r.error().reason), "{unknown_system_request,dance}");
    EXPECT_EQ(call(s, atom("next")), term::integer(1));
}

TEST_P(gen_servers, the_tools_see_the_class_name_as_initial_call) {
    pid s = start_counter();
    EXPECT_EQ(n.process_info(s)->stats.initial_call, "ember::testing::(anonymous namespace)::counter");
}

} // namespace
} // namespace ember::testing
