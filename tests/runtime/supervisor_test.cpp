// Supervisors: strategies, intensity, restart types, shutdown, calls,
// nesting, dynamic children, what they publish, and applications; at 1, 2
// and 4 schedulers.
// Sections: [fixture] [supervisors] [as OTP's supervisor_SUITE]
#include "runtime_fixture.hpp"

#include "ember/runtime/application.hpp"
#include "ember/runtime/supervisor.hpp"
#include "ember/runtime/sys.hpp"

#include <atomic>
#include <memory>

namespace ember::testing {
namespace {

namespace gs = gen_server;
namespace sup = supervisor;
using namespace std::chrono_literals;

// [fixture] ------------------------------------------------------------------------------

// Tells `observer` {started, Id} and {stopped, Id, Reason}; traps exits, so
// a supervisor's shutdown runs its terminate.
class member : public gs::server {
public:
    member(pid observer, atom id, term behaviour = atoms::undefined) : observer_(observer), id_(id), behaviour_(std::move(behaviour)) {}
    task<gs::init_result> init() override {
        if (behaviour_ == term(atom("fail_init"))) co_return gs::init_stop(atom("cannot_start"));
        trap_exit(behaviour_ != term(atom("no_trap")));
        send(observer_, term::tuple({atom("started"), id_}));
        co_return gs::init_ok();
    }
    task<gs::step> handle_call(term req, gs::from) override {
        if (req == term(atom("pid"))) co_return gs::reply(term::from_pid(self()));
        co_return gs::stop_and_reply(req, atoms::ok); // stop with the request as reason
    }
    task<gs::step> handle_info(term m) override { co_return gs::stop(m[2]); }
    task<void> terminate(term reason) override {
        send(observer_, term::tuple({atom("stopped"), id_, reason}));
        co_return;
    }

private:
    pid observer_;
    atom id_;
    term behaviour_;
};

// A start that fails, telling `observer` {start_failed, Id}, while
// `failures` says so (counted down; below 0, for ever); then a member.
task<expected<pid, term>> flaky_start(pid observer, atom id, std::shared_ptr<std::atomic<int>> failures) {
    const int left = failures->load();
    if (left != 0) {
        if (left > 0) failures->store(left - 1);
        send(observer, term::tuple({atom("start_failed"), id}));
        co_return unexpected(term(atom("cannot_start")));
    }
    const gs::start_options options;
    const term behaviour = atoms::undefined;
    co_return co_await gs::start_link<member>(options, observer, id, behaviour);
}

// A dynamic child: a member named by its start_child args (an atom).
task<expected<pid, term>> dynamic_member(pid observer, term args) {
    const gs::start_options options;
    const atom id = as<atom>(args).value_or(atom("dynamic"));
    const term behaviour = atoms::undefined;
    co_return co_await gs::start_link<member>(options, observer, id, behaviour);
}

class supervisors : public runtime_test {
protected:
    sup::child_spec child(const char* id, term behaviour = atoms::undefined) {
        return sup::worker<member>(atom(id), me.self(), atom(id), behaviour);
    }
    /// A member whose start fails while `failures` says so (see flaky_start).
    sup::child_spec flaky(const char* id, std::shared_ptr<std::atomic<int>> failures) {
        sup::child_spec spec;
        spec.id = atom(id);
        spec.start = [observer = me.self(), name = spec.id, failures](term) { return flaky_start(observer, name, failures); };
        return spec;
    }
    /// The ids in a which_children-shaped term list, joined by commas.
    static std::string ids(const term& children) {
        std::string out;
        for (const term& c : children.elements()) out += (out.empty() ? "" : ",") + to_string(c[0]);
        return out;
    }
    static std::string ids(const std::vector<child_stats>& children) {
        std::string out;
        for (const child_stats& c : children) out += (out.empty() ? "" : ",") + to_string(term(c.id));
        return out;
    }
    pid start(sup::spec s) {
        auto p = sup::start(n, std::move(s));
        EXPECT_TRUE(p.has_value()) << (p ? "" : to_string(p.error()));
        return p ? *p : pid{};
    }
    sup::spec three(sup::strategy how, unsigned intensity = 5) {
        return {{how, intensity, 5000ms}, {child("a"), child("b"), child("c")}};
    }
};
EMBER_RUNTIME_TEST_SUITE(supervisors);

// [supervisors] --------------------------------------------------------------------------

TEST_P(supervisors, children_start_in_order) {
    start(three(sup::strategy::one_for_one));
    EXPECT_EQ(next_n(3), "{started,a} {started,b} {started,c}");
}

TEST_P(supervisors, one_for_one_restarts_only_the_child_that_died) {
    pid s = start(three(sup::strategy::one_for_one));
    next_n(3);
    pid a = child_pid(s, "a"), c = child_pid(s, "c");
    kill_child(s, "b");
    EXPECT_EQ(next_n(1), "{started,b}");
    expect_silence();
    EXPECT_EQ(child_pid(s, "a"), a);
    EXPECT_EQ(child_pid(s, "c"), c);
}

TEST_P(supervisors, one_for_all_stops_the_others_in_reverse_and_restarts_all_in_order) {
    pid s = start(three(sup::strategy::one_for_all));
    next_n(3);
    kill_child(s, "b");
    EXPECT_EQ(next_n(5), "{stopped,c,shutdown} {stopped,a,shutdown} {started,a} {started,b} {started,c}");
}

TEST_P(supervisors, rest_for_one_restarts_the_child_and_those_after_it) {
    pid s = start(three(sup::strategy::rest_for_one));
    next_n(3);
    pid a = child_pid(s, "a");
    kill_child(s, "b");
    EXPECT_EQ(next_n(3), "{stopped,c,shutdown} {started,b} {started,c}");
    EXPECT_EQ(child_pid(s, "a"), a);
}

TEST_P(supervisors, too_many_restarts_make_the_supervisor_give_up) {
    pid s = start(three(sup::strategy::one_for_one, 2));
    next_n(3);
    me.monitor(s);
    kill_child(s, "a");
    EXPECT_EQ(next_n(1), "{started,a}");
    kill_child(s, "a");
    EXPECT_EQ(next_n(1), "{started,a}");
    kill_child(s, "a"); // the third within the period: more than 2
    EXPECT_EQ(next_n(2), "{stopped,c,shutdown} {stopped,b,shutdown}");
    EXPECT_EQ(next_down_reason(), term(atoms::shutdown));
    // The second restart left none to spare: an event said so.
    int near = 0;
    for (const runtime_event& e : n.events())
        if (e.kind == event_kind::restart_limit_near && e.id == s) {
            ++near;
            EXPECT_EQ(e.limit, 2u);
        }
    EXPECT_GE(near, 1);
}

TEST_P(supervisors, restart_types_decide_who_comes_back) {
    sup::child_spec perm = child("perm"), trans = child("trans"), temp = child("temp");
    trans.restart_type = sup::restart::transient;
    temp.restart_type = sup::restart::temporary;
    pid s = start({{sup::strategy::one_for_one, 10, 5000ms}, {perm, trans, temp}});
    next_n(3);
    // Each stops through a call whose request is its exit reason.
    call(child_pid(s, "trans"), atoms::normal);
    EXPECT_EQ(next_n(1), "{stopped,trans,normal}");
    call(child_pid(s, "temp"), atom("crash"));
    EXPECT_EQ(next_n(1), "{stopped,temp,crash}");
    call(child_pid(s, "perm"), atoms::normal);
    EXPECT_EQ(next_n(2), "{stopped,perm,normal} {started,perm}");
    expect_silence();
    // trans stays listed (down); temp is forgotten.
    EXPECT_EQ(to_string(call(s, atom("count_children"))), "[{specs,2},{active,1},{supervisors,0},{workers,2}]");
}

TEST_P(supervisors, a_transient_child_that_crashes_is_restarted) {
    sup::child_spec trans = child("trans");
    trans.restart_type = sup::restart::transient;
    pid s = start({{sup::strategy::one_for_one, 10, 5000ms}, {trans}});
    next_n(1);
    call(child_pid(s, "trans"), atom("crash"));
    EXPECT_EQ(next_n(2), "{stopped,trans,crash} {started,trans}");
}

// Traps exits and ignores every message, the supervisor's shutdown included.
process_task stubborn_process() {
    trap_exit(true);
    for (;;) co_await receive();
}

TEST_P(supervisors, a_child_that_ignores_shutdown_is_killed_after_its_timeout) {
    sup::child_spec stubborn = sup::process_child(atom("stubborn"), &stubborn_process);
    stubborn.stop = sup::shutdown::after(30ms);
    sup::child_spec brutal = child("brutal");
    brutal.stop = sup::shutdown::brutal_kill();
    pid s = start({{sup::strategy::one_for_one, 1, 5000ms}, {stubborn, brutal}});
    next_n(1);
    pid a = child_pid(s, "stubborn"), b = child_pid(s, "brutal");
    me.monitor(b);
    me.monitor(a);
    ASSERT_TRUE(run([&] { return sys::terminate(s, atoms::shutdown); }).has_value());
    // Reverse order: brutal is killed at once (no terminate), then stubborn
    // gets shutdown, ignores it and is killed 30 ms later.
    EXPECT_EQ(next_down_reason(), term(atoms::killed));
    EXPECT_EQ(next_down_reason(), term(atoms::killed));
}

TEST_P(supervisors, stopping_a_supervisor_stops_its_children_in_reverse_order) {
    pid s = start(three(sup::strategy::one_for_one));
    next_n(3);
    me.monitor(s);
    ASSERT_TRUE(run([&] { return sys::terminate(s, atoms::shutdown); }).has_value());
    EXPECT_EQ(next_n(3), "{stopped,c,shutdown} {stopped,b,shutdown} {stopped,a,shutdown}");
    EXPECT_EQ(next_down_reason(), term(atoms::shutdown));
}

TEST_P(supervisors, which_children_and_count_children) {
    pid s = start(three(sup::strategy::one_for_one));
    next_n(3);
    const std::string a = to_string(term::from_pid(child_pid(s, "a"))), b = to_string(term::from_pid(child_pid(s, "b"))),
                      c = to_string(term::from_pid(child_pid(s, "c")));
    // OTP's order: the last added first.
    EXPECT_EQ(to_string(call(s, atom("which_children"))), "[{c," + c + ",worker,[]},{b," + b + ",worker,[]},{a," + a + ",worker,[]}]");
    EXPECT_EQ(to_string(call(s, atom("count_children"))), "[{specs,3},{active,3},{supervisors,0},{workers,3}]");
}

TEST_P(supervisors, terminate_restart_and_delete_a_child) {
    pid s = start(three(sup::strategy::one_for_one));
    next_n(3);
    EXPECT_EQ(to_string(call(s, t("{terminate_child,b}"))), "ok");
    EXPECT_EQ(next_n(1), "{stopped,b,shutdown}");
    expect_silence(); // a terminated child stays down
    EXPECT_EQ(to_string(call(s, t("{delete_child,a}"))), "{error,running}");
    EXPECT_EQ(to_string(call(s, t("{restart_child,zz}"))), "{error,not_found}");
    term restarted = call(s, t("{restart_child,b}"));
    EXPECT_EQ(restarted[0], term(atoms::ok));
    EXPECT_EQ(next_n(1), "{started,b}");
    call(s, t("{terminate_child,b}"));
    next_n(1);
    EXPECT_EQ(to_string(call(s, t("{delete_child,b}"))), "ok");
    EXPECT_EQ(to_string(call(s, atom("count_children"))), "[{specs,2},{active,2},{supervisors,0},{workers,2}]");
}

TEST_P(supervisors, a_child_that_fails_to_start_fails_the_supervisor_start) {
    auto r = sup::start(n, {{sup::strategy::one_for_one, 1, 5000ms}, {child("a"), child("b", atom("fail_init")), child("c")}});
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(to_string(r.error()), "{shutdown,{failed_to_start_child,b,cannot_start}}");
    EXPECT_EQ(next_n(2), "{started,a} {stopped,a,shutdown}");
}

TEST_P(supervisors, bad_specs_are_refused_with_a_reason) {
    auto dup = sup::start(n, {{sup::strategy::one_for_one, 1, 5000ms}, {child("a"), child("a")}});
    EXPECT_EQ(to_string(dup.error()), "{bad_spec,duplicate_child_id,a}");
    auto simple = sup::start(n, {{sup::strategy::simple_one_for_one, 1, 5000ms}, {}});
    EXPECT_EQ(to_string(simple.error()), "{bad_spec,simple_one_for_one_needs_one_template,undefined}");
}

TEST_P(supervisors, nested_trees_restart_inside_and_show_to_the_tools) {
    sup::spec inner{{sup::strategy::one_for_one, 3, 5000ms}, {child("leaf")}};
    pid top = start({{sup::strategy::one_for_one, 3, 5000ms}, {child("a"), sup::supervisor_child(atom("inner"), inner)}});
    next_n(2);
    pid in = child_pid(top, "inner");
    ASSERT_TRUE(n.supervisor_info(in).has_value());
    EXPECT_EQ(n.supervisor_info(top)->children[1].type, atom("supervisor"));
    pid leaf = child_pid(in, "leaf");
    kill_child(in, "leaf");
    EXPECT_EQ(next_n(1), "{started,leaf}");
    // The inner supervisor restarted it (the call returns once that restart,
    // and what it publishes, are done); the top one saw nothing.
    EXPECT_NE(child_pid(in, "leaf"), leaf);
    EXPECT_EQ(child_pid(top, "inner"), in);
    auto info = n.supervisor_info(in);
    ASSERT_EQ(info->restarts.size(), 1u);
    EXPECT_EQ(info->restarts[0].child, atom("leaf"));
    EXPECT_EQ(info->restarts[0].old_process, leaf);
    EXPECT_EQ(info->restarts[0].reason, term(atoms::killed));
    EXPECT_EQ(n.supervisor_info(top)->restarts_total, 0u);
}

// A dynamic child: reports its args and waits.
process_task dynamic_child(pid observer, term args) {
    send(observer, term::tuple({atom("dynamic"), args}));
    co_await receive([](const term&) { return false; });
}

TEST_P(supervisors, simple_one_for_one_starts_children_with_their_args_and_restarts_them_with_the_same) {
    sup::child_spec tmpl;
    tmpl.id = atom("worker");
    tmpl.start = [observer = me.self()](term args) { return sup::detail::spawn_linked(&dynamic_child, observer, args); };
    pid s = start({{sup::strategy::simple_one_for_one, 5, 5000ms}, {tmpl}});
    // A plain process child runs whenever its scheduler picks it, so each
    // report is awaited before the next start: their order is not causal.
    EXPECT_EQ(to_string(call(s, t("{start_child,one}"))).substr(0, 4), "{ok,");
    EXPECT_EQ(next_n(1), "{dynamic,one}");
    term second = call(s, t("{start_child,two}"));
    EXPECT_EQ(next_n(1), "{dynamic,two}");
    pid two = second[1].as_pid();
    reference r = me.monitor(two);
    (void)r;
    n.exit(two, atoms::kill);
    next_down_reason();
    EXPECT_EQ(next_n(1), "{dynamic,two}"); // restarted with its own args
    EXPECT_EQ(to_string(call(s, atom("count_children"))), "[{specs,1},{active,2},{supervisors,0},{workers,2}]");
    pid two_again = n.supervisor_info(s)->children[1].process.value();
    EXPECT_EQ(to_string(call(s, term::tuple({atom("terminate_child"), term::from_pid(two_again)}))), "ok");
    EXPECT_EQ(to_string(call(s, atom("count_children"))), "[{specs,1},{active,1},{supervisors,0},{workers,1}]");
}

TEST_P(supervisors, start_child_with_a_spec_adds_a_last_child_that_is_supervised_like_the_others) {
    pid s = start(three(sup::strategy::rest_for_one));
    next_n(3);
    auto d = run([&] { return sup::start_child(s, child("d")); });
    ASSERT_TRUE(d.has_value()) << to_string(d.error());
    EXPECT_EQ(next_n(1), "{started,d}");
    EXPECT_EQ(child_pid(s, "d"), *d);
    EXPECT_EQ(n.supervisor_info(s)->children.back().id, atom("d")) << "it joins last";
    // Last in the start order: those started after the dead one restart
    // with it.
    kill_child(s, "c");
    EXPECT_EQ(next_n(3), "{stopped,d,shutdown} {started,c} {started,d}");
    // The same id again: refused while it runs, and while its spec is kept.
    EXPECT_EQ(to_string(run([&] { return sup::start_child(s, child("d")); }).error()), "{already_started," + to_string(term::from_pid(child_pid(s, "d"))) + "}");
    EXPECT_EQ(to_string(call(s, t("{terminate_child,d}"))), "ok");
    EXPECT_EQ(next_n(1), "{stopped,d,shutdown}");
    EXPECT_EQ(to_string(run([&] { return sup::start_child(s, child("d")); }).error()), "already_present");
    EXPECT_EQ(to_string(call(s, t("{delete_child,d}"))), "ok");
    EXPECT_TRUE(run([&] { return sup::start_child(s, child("d")); }).has_value());
    EXPECT_EQ(next_n(1), "{started,d}");
}

TEST_P(supervisors, start_child_with_a_spec_that_fails_keeps_nothing) {
    pid s = start(three(sup::strategy::one_for_one));
    next_n(3);
    EXPECT_EQ(to_string(run([&] { return sup::start_child(s, child("x", atom("fail_init"))); }).error()), "cannot_start");
    sup::child_spec no_start;
    no_start.id = atom("y");
    EXPECT_EQ(to_string(run([&] { return sup::start_child(s, no_start); }).error()), "{bad_spec,no_start_function,y}");
    EXPECT_EQ(to_string(call(s, atom("count_children"))), "[{specs,3},{active,3},{supervisors,0},{workers,3}]");
    pid simple = start({{sup::strategy::simple_one_for_one, 1, 5000ms}, {child("tmpl")}});
    EXPECT_EQ(to_string(run([&] { return sup::start_child(simple, child("z")); }).error()), "simple_one_for_one");
}

TEST_P(supervisors, start_child_with_a_spec_from_a_process) {
    pid s = start(three(sup::strategy::one_for_one));
    next_n(3);
    n.spawn([](pid sup_pid, sup::child_spec spec, pid report) -> process_task {
        auto started = co_await sup::start_child(sup_pid, std::move(spec));
        send(report, started ? term(atoms::ok) : started.error());
    }, s, child("e"), me.self());
    // The child reports in its init, before the call can return.
    EXPECT_EQ(next_n(2), "{started,e} ok");
}

TEST_P(supervisors, a_supervisor_answers_sys_requests) {
    pid s = start(three(sup::strategy::rest_for_one));
    next_n(3);
    term state = *run([&] { return sys::get_state(s); });
    EXPECT_EQ(to_string(*state.find(atom("strategy"))), "rest_for_one");
    EXPECT_EQ(n.process_info(s)->stats.initial_call, "supervisor");
}

TEST_P(supervisors, applications_are_listed_and_stop_in_order) {
    auto top = application::start(n, atom("shop"), three(sup::strategy::one_for_one));
    ASSERT_TRUE(top.has_value());
    next_n(3);
    auto again = application::start(n, atom("shop"), three(sup::strategy::one_for_one));
    EXPECT_EQ(to_string(again.error()), "{already_started,shop}");
    auto apps = n.applications();
    ASSERT_EQ(apps.size(), 1u);
    EXPECT_EQ(apps[0].name, atom("shop"));
    EXPECT_EQ(apps[0].supervisor, *top);
    EXPECT_TRUE(apps[0].running);
    ASSERT_TRUE(application::stop(n, atom("shop")).has_value());
    EXPECT_EQ(next_n(3), "{stopped,c,shutdown} {stopped,b,shutdown} {stopped,a,shutdown}");
    EXPECT_FALSE(n.applications()[0].running);
    EXPECT_FALSE(n.is_alive(*top));
    EXPECT_EQ(to_string(application::stop(n, atom("shop")).error()), "not_running");
}

TEST_P(supervisors, an_application_whose_tree_gives_up_is_marked_ended) {
    auto top = application::start(n, atom("fragile"), {{sup::strategy::one_for_one, 0, 5000ms}, {child("a")}});
    ASSERT_TRUE(top.has_value());
    next_n(1);
    me.monitor(*top);
    kill_child(*top, "a");
    EXPECT_EQ(next_down_reason(), term(atoms::shutdown));
    // The master notes it a moment after the supervisor's exit (eventually
    // runs the node meanwhile in deterministic mode).
    EXPECT_TRUE(eventually([&] { return !n.applications()[0].running; }));
    EXPECT_EQ(n.applications()[0].exit_reason, term(atoms::shutdown));
}

// [as OTP's supervisor_SUITE] ---------------------------------------------------------
// Expectations from OTP's behaviour (OTP 25, checked with erl), not from
// Ember's earlier one.

// child_adm: "Terminate with Pid not allowed when not simple_one_for_one".
// OTP 25, for all three strategies: terminate_child(Sup, ChildPid) and
// (Sup, OtherPid) are {error, not_found} and the child goes on;
// terminate_child(Sup, Id) is ok, and ok again once it is down.
TEST_P(supervisors, terminate_child_by_pid_is_not_found_unless_simple_one_for_one) {
    for (sup::strategy how : {sup::strategy::one_for_one, sup::strategy::one_for_all, sup::strategy::rest_for_one}) {
        SCOPED_TRACE(to_string(term(sup::strategy_name(how))));
        const pid s = start(three(how));
        EXPECT_EQ(next_n(3), "{started,a} {started,b} {started,c}");
        const pid a = child_pid(s, "a");
        EXPECT_EQ(to_string(call(s, term::tuple({atom("terminate_child"), term::from_pid(a)}))), "{error,not_found}");
        EXPECT_EQ(to_string(call(s, term::tuple({atom("terminate_child"), term::from_pid(me.self())}))), "{error,not_found}");
        auto by_pid = run([s, a] { return sup::terminate_child(s, term::from_pid(a)); });
        ASSERT_FALSE(by_pid.has_value());
        EXPECT_EQ(to_string(by_pid.error()), "not_found");
        expect_silence(); // nothing was stopped
        EXPECT_EQ(child_pid(s, "a"), a);
        EXPECT_EQ(to_string(call(s, t("{terminate_child,b}"))), "ok");
        EXPECT_EQ(next_n(1), "{stopped,b,shutdown}");
        EXPECT_EQ(to_string(call(s, t("{terminate_child,b}"))), "ok");
        EXPECT_EQ(to_string(call(s, t("{terminate_child,zz}"))), "{error,not_found}");
        me.monitor(s);
        ASSERT_TRUE(run([s] { return sys::terminate(s, atoms::shutdown); }).has_value());
        EXPECT_EQ(next_n(2), "{stopped,c,shutdown} {stopped,a,shutdown}");
        EXPECT_EQ(next_down_reason(), term(atoms::shutdown));
    }
}

// child_adm_simple and count_children. OTP 25: count_children counts one
// spec (the template) from the start; the children's id is undefined;
// restart_child and delete_child are {error, simple_one_for_one} whatever
// the argument, and so is terminate_child with an id; terminate_child with
// a pid that no longer runs is ok, with a running non-child {error,
// not_found}.
TEST_P(supervisors, simple_one_for_one_has_one_spec_children_without_ids_and_terminates_by_pid) {
    sup::child_spec tmpl;
    tmpl.id = atom("tmpl");
    tmpl.start = [observer = me.self()](term args) { return dynamic_member(observer, args); };
    const pid s = start({{sup::strategy::simple_one_for_one, 5, 5000ms}, {tmpl}});
    EXPECT_EQ(to_string(call(s, atom("count_children"))), "[{specs,1},{active,0},{supervisors,0},{workers,0}]");
    EXPECT_EQ(to_string(call(s, atom("which_children"))), "[]");
    std::vector<pid> kids;
    for (const char* arg : {"one", "two", "three"}) {
        const term started = call(s, term::tuple({atom("start_child"), atom(arg)}));
        ASSERT_EQ(started[0], term(atoms::ok)) << to_string(started);
        kids.push_back(started[1].as_pid());
        EXPECT_EQ(next_n(1), std::string("{started,") + arg + "}");
    }
    EXPECT_EQ(to_string(call(s, atom("count_children"))), "[{specs,1},{active,3},{supervisors,0},{workers,3}]");
    // OTP lists them in a map's order, which it does not promise; Ember as
    // for the other strategies, the last added first.
    const auto listed = [](pid p) { return "{undefined," + to_string(term::from_pid(p)) + ",worker,[]}"; };
    EXPECT_EQ(to_string(call(s, atom("which_children"))), "[" + listed(kids[2]) + "," + listed(kids[1]) + "," + listed(kids[0]) + "]");
    const auto vector = run([s] { return sup::which_children(s); });
    ASSERT_TRUE(vector.has_value());
    ASSERT_EQ(vector->size(), 3u);
    EXPECT_EQ(vector->front().id, atoms::undefined);
    EXPECT_EQ(vector->front().process, kids[0]);
    EXPECT_EQ(n.supervisor_info(s)->children.front().id, atoms::undefined);

    for (const term& request : {t("{restart_child,tmpl}"), t("{restart_child,zz}"), term::tuple({atom("restart_child"), term::from_pid(kids[0])}),
                                t("{delete_child,tmpl}"), term::tuple({atom("delete_child"), term::from_pid(kids[0])}), t("{terminate_child,tmpl}"),
                                t("{terminate_child,zz}")})
        EXPECT_EQ(to_string(call(s, request)), "{error,simple_one_for_one}") << to_string(request);
    EXPECT_EQ(to_string(run([s] { return sup::restart_child(s, atom("tmpl")); }).error()), "simple_one_for_one");
    EXPECT_EQ(to_string(run([s] { return sup::delete_child(s, atom("tmpl")); }).error()), "simple_one_for_one");
    EXPECT_EQ(to_string(call(s, atom("count_children"))), "[{specs,1},{active,3},{supervisors,0},{workers,3}]");

    const term two = term::tuple({atom("terminate_child"), term::from_pid(kids[1])});
    EXPECT_EQ(to_string(call(s, two)), "ok");
    EXPECT_EQ(next_n(1), "{stopped,two,shutdown}");
    EXPECT_EQ(to_string(call(s, two)), "ok") << "a child already stopped";
    const pid gone = n.spawn(echo);
    me.monitor(gone);
    me.send(gone, atoms::shutdown);
    EXPECT_EQ(next_down_reason(), term(atoms::normal));
    EXPECT_EQ(to_string(call(s, term::tuple({atom("terminate_child"), term::from_pid(gone)}))), "ok") << "a process that ended, never a child";
    EXPECT_EQ(to_string(call(s, term::tuple({atom("terminate_child"), term::from_pid(me.self())}))), "{error,not_found}");
    EXPECT_EQ(to_string(call(s, atom("count_children"))), "[{specs,1},{active,2},{supervisors,0},{workers,2}]");
    expect_silence();

    // A template of type supervisor: its children count as supervisors.
    const sup::spec inner{{sup::strategy::one_for_one, 1, 5000ms}, {}};
    const pid pools = start({{sup::strategy::simple_one_for_one, 1, 5000ms}, {sup::supervisor_child(atom("pool"), inner)}});
    for (int i = 0; i < 2; ++i) EXPECT_EQ(call(pools, t("{start_child,[]}"))[0], term(atoms::ok));
    EXPECT_EQ(to_string(call(pools, atom("count_children"))), "[{specs,1},{active,2},{supervisors,2},{workers,0}]");
}

// one_for_all_other_child_fails_restart. OTP 25, a crashes and b's next
// start fails: c and b stopped, a started, b fails, a stopped again, then
// a, b, c started; two restarts counted.
TEST_P(supervisors, one_for_all_restarts_the_whole_group_again_when_a_start_fails) {
    auto failures = std::make_shared<std::atomic<int>>(0);
    const pid s = start({{sup::strategy::one_for_all, 5, 5000ms}, {child("a"), flaky("b", failures), child("c")}});
    EXPECT_EQ(next_n(3), "{started,a} {started,b} {started,c}");
    failures->store(1);
    kill_child(s, "a");
    EXPECT_EQ(next_n(8), "{stopped,c,shutdown} {stopped,b,shutdown} {started,a} {start_failed,b} {stopped,a,shutdown} "
                         "{started,a} {started,b} {started,c}");
    expect_silence();
    EXPECT_EQ(to_string(call(s, atom("count_children"))), "[{specs,3},{active,3},{supervisors,0},{workers,3}]");
    EXPECT_EQ(n.supervisor_info(s)->restarts_total, 2u);
}

// one_for_all_escalation. OTP 25 at intensity 2, b never starts again: two
// rounds, each stopping the a it started, then the supervisor gives up
// with shutdown and no child is left.
TEST_P(supervisors, a_child_that_never_starts_again_makes_a_one_for_all_supervisor_give_up) {
    auto failures = std::make_shared<std::atomic<int>>(0);
    const pid s = start({{sup::strategy::one_for_all, 2, 5000ms}, {child("a"), flaky("b", failures), child("c")}});
    next_n(3);
    me.monitor(s);
    failures->store(-1);
    kill_child(s, "a");
    EXPECT_EQ(next_n(8), "{stopped,c,shutdown} {stopped,b,shutdown} {started,a} {start_failed,b} {stopped,a,shutdown} "
                         "{started,a} {start_failed,b} {stopped,a,shutdown}");
    EXPECT_EQ(next_down_reason(), term(atoms::shutdown));
    EXPECT_TRUE(eventually([&] { return n.process_count() == baseline_; })) << "a child outlived its supervisor";
}

// rest_for_one_other_child_fails_restart. OTP 25 retries from the child
// whose start failed: those before it, restarted in that round, stay up.
TEST_P(supervisors, rest_for_one_restarts_again_from_the_child_that_failed_to_start) {
    auto failures = std::make_shared<std::atomic<int>>(0);
    const pid s = start({{sup::strategy::rest_for_one, 5, 5000ms}, {child("a"), child("b"), flaky("c", failures)}});
    next_n(3);
    failures->store(1);
    kill_child(s, "a");
    EXPECT_EQ(next_n(6), "{stopped,c,shutdown} {stopped,b,shutdown} {started,a} {started,b} {start_failed,c} {started,c}");
    expect_silence();
    EXPECT_EQ(n.supervisor_info(s)->restarts_total, 2u);
}

// rest_for_one_escalation. OTP 25 at intensity 2, b never starts again:
// a restarted once, b tried twice, then a stopped and the supervisor gone.
TEST_P(supervisors, a_child_that_never_starts_again_makes_a_rest_for_one_supervisor_give_up) {
    auto failures = std::make_shared<std::atomic<int>>(0);
    const pid s = start({{sup::strategy::rest_for_one, 2, 5000ms}, {child("a"), flaky("b", failures), child("c")}});
    next_n(3);
    me.monitor(s);
    failures->store(-1);
    kill_child(s, "a");
    EXPECT_EQ(next_n(6), "{stopped,c,shutdown} {stopped,b,shutdown} {started,a} {start_failed,b} {start_failed,b} {stopped,a,shutdown}");
    EXPECT_EQ(next_down_reason(), term(atoms::shutdown));
    EXPECT_TRUE(eventually([&] { return n.process_count() == baseline_; })) << "a child outlived its supervisor";
}

// one_for_one_escalation. OTP 25 at intensity 2: a tried twice, then c
// and b stopped.
TEST_P(supervisors, a_child_that_never_starts_again_makes_a_one_for_one_supervisor_give_up) {
    auto failures = std::make_shared<std::atomic<int>>(0);
    const pid s = start({{sup::strategy::one_for_one, 2, 5000ms}, {flaky("a", failures), child("b"), child("c")}});
    next_n(3);
    me.monitor(s);
    failures->store(-1);
    kill_child(s, "a");
    EXPECT_EQ(next_n(4), "{start_failed,a} {start_failed,a} {stopped,c,shutdown} {stopped,b,shutdown}");
    EXPECT_EQ(next_down_reason(), term(atoms::shutdown));
}

// OTP keeps its ids newest first and which_children lists them so
// (sup_start_ignore_child: [{child2, ..}, {child1, ..}]). OTP 25: after
// start_child d, [d,c,b,a]; b deleted and started again, [b,d,c,a];
// c terminated and restarted keeps its place. The vector and the
// published stats are in start order.
TEST_P(supervisors, which_children_lists_the_last_added_first) {
    const pid s = start(three(sup::strategy::one_for_one));
    next_n(3);
    EXPECT_EQ(ids(call(s, atom("which_children"))), "c,b,a");
    ASSERT_TRUE(run([&] { return sup::start_child(s, child("d")); }).has_value());
    EXPECT_EQ(ids(call(s, atom("which_children"))), "d,c,b,a");
    EXPECT_EQ(to_string(call(s, t("{terminate_child,b}"))), "ok");
    EXPECT_EQ(to_string(call(s, t("{delete_child,b}"))), "ok");
    ASSERT_TRUE(run([&] { return sup::start_child(s, child("b")); }).has_value());
    EXPECT_EQ(to_string(call(s, t("{terminate_child,c}"))), "ok");
    EXPECT_EQ(call(s, t("{restart_child,c}"))[0], term(atoms::ok));
    EXPECT_EQ(next_n(5), "{started,d} {stopped,b,shutdown} {started,b} {stopped,c,shutdown} {started,c}");
    kill_child(s, "d"); // a restart keeps the place too
    EXPECT_EQ(next_n(1), "{started,d}");
    EXPECT_EQ(ids(call(s, atom("which_children"))), "b,d,c,a");
    EXPECT_EQ(ids(call(s, atom("$which_children_stats"))), "b,d,c,a");
    const auto vector = run([s] { return sup::which_children(s); });
    ASSERT_TRUE(vector.has_value());
    EXPECT_EQ(ids(*vector), "a,c,d,b");
    EXPECT_EQ(ids(n.supervisor_info(s)->children), "a,c,d,b");
}

} // namespace
} // namespace ember::testing
