// The query engine over a live node: pages of the process table, one
// process in full, the node views, history, warnings, control and trace.
#include "query_fixture.hpp"

#include "ember/runtime/gen_server.hpp"
#include "ember/runtime/supervisor.hpp"

namespace ember::testing {
namespace {

using protocol::process_sort;

class engine : public query_test {};

// A server whose state the tools can read.
class keeper : public gen_server::stateful_server<std::int64_t> {
public:
    task<gen_server::init_result> init() override {
        state = 42;
        co_return gen_server::init_ok();
    }
};

TEST_F(engine, a_page_is_sorted_and_bounded) {
    std::vector<pid> pids;
    for (int i = 1; i <= 30; ++i) pids.push_back(n.spawn_opt({.label = "busy/1"}, busy, i * 100).value());
    for (const pid& p : pids) ASSERT_TRUE(settled(p));
    auto page = q.processes(sorted_by(process_sort::reductions, 5));
    ASSERT_EQ(page.rows.size(), 5u);
    EXPECT_EQ(page.rows[0].pid, pids.back()) << "the busiest first";
    for (std::size_t i = 1; i < page.rows.size(); ++i) EXPECT_GE(page.rows[i - 1].reductions, page.rows[i].reductions);
    EXPECT_EQ(page.cut, atom("complete"));
    EXPECT_GE(page.scanned, 30u);
    EXPECT_EQ(page.rows[0].initial_call, "busy/1");
    EXPECT_EQ(page.rows[0].status, atom("waiting"));

    auto next_page = q.processes(sorted_by(process_sort::reductions, 5, 5));
    ASSERT_EQ(next_page.rows.size(), 5u);
    EXPECT_EQ(next_page.rows[0].pid, pids[pids.size() - 6]) << "offset skips the first page";
    for (const pid& p : pids) n.send(p, atoms::shutdown);
}

TEST_F(engine, filter_keeps_what_names_or_labels_match) {
    pid named = n.spawn_opt({.label = "billing/1"}, idle).value();
    pid other = n.spawn_opt({.label = "other/0"}, idle).value();
    ASSERT_TRUE(settled(named));
    ASSERT_TRUE(settled(other));
    auto page = q.processes(sorted_by(process_sort::reductions, 100, 0, "billing"));
    ASSERT_EQ(page.rows.size(), 1u);
    EXPECT_EQ(page.rows[0].pid, named);
    EXPECT_EQ(page.matched, 1u);
    n.send(named, atoms::shutdown);
    n.send(other, atoms::shutdown);
}

TEST_F(engine, mailbox_sort_and_oldest_message_age) {
    pid quiet = n.spawn(idle);
    pid loaded = n.spawn(idle);
    for (int i = 0; i < 25; ++i) n.send(loaded, term::integer(i));
    ASSERT_TRUE(settled(loaded, 25));
    ASSERT_TRUE(settled(quiet));
    ASSERT_TRUE(eventually([&] {
        auto page = q.processes(sorted_by(process_sort::message_queue_len, 1));
        return !page.rows.empty() && page.rows[0].oldest_message_age_ms >= 20;
    })) << "the waiting messages' age never reached 20 ms";
    auto page = q.processes(sorted_by(process_sort::message_queue_len, 1));
    ASSERT_EQ(page.rows.size(), 1u);
    EXPECT_EQ(page.rows[0].pid, loaded);
    EXPECT_EQ(page.rows[0].message_queue_len, 25u);
    n.send(quiet, atoms::shutdown);
    n.exit(loaded, atoms::kill);
}

TEST_F(engine, rates_come_from_the_samplers_window) {
    auto first = q.processes(sorted_by(process_sort::reduction_rate, 3));
    EXPECT_EQ(first.window_ms, 0u) << "no window before a sample";
    q.sample(); // starts the windows: somebody sorts by a rate
    pid p = n.spawn(busy, 5000);
    ASSERT_TRUE(settled(p));
    std::this_thread::sleep_for(20ms); // a window needs a length: the rates are per second of it
    q.sample();
    q.sample();
    auto page = q.processes(sorted_by(process_sort::reduction_rate, 3));
    EXPECT_GT(page.window_ms, 0u);
    ASSERT_FALSE(page.rows.empty());
    n.send(p, atoms::shutdown);
}

TEST_F(engine, process_info_shows_state_mailbox_and_relations) {
    auto server = gen_server::start<keeper>(n, {.name = atom("keeper")});
    ASSERT_TRUE(server);
    for (int i = 0; i < 15; ++i) n.send(*server, make_tuple(atom("junk"), i));
    auto info = q.process_info(*server);
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->process.registered_name, atom("keeper"));
    ASSERT_TRUE(info->state.has_value()) << info->state_error;
    EXPECT_EQ(*info->state, "42");
    // junk goes to handle_info (ignored), so the mailbox may have drained.
    EXPECT_LE(info->messages.size(), q.options().mailbox_preview);

    pid waiter = n.spawn(idle);
    for (int i = 0; i < 15; ++i) n.send(waiter, make_tuple(atom("queued"), i));
    ASSERT_TRUE(settled(waiter, 15));
    auto w = q.process_info(waiter);
    ASSERT_TRUE(w);
    ASSERT_EQ(w->messages.size(), 10u) << "the preview is bounded";
    EXPECT_EQ(w->messages[0], "{queued,0}");
    EXPECT_FALSE(w->state.has_value());
    EXPECT_NE(w->state_error.find("not a behaviour"), std::string::npos);
    n.exit(waiter, atoms::kill);
    n.exit(*server, atoms::kill);
}

TEST_F(engine, a_long_message_is_printed_within_the_limit) {
    pid waiter = n.spawn(idle);
    n.send(waiter, term::binary(std::string(100'000, 'x')));
    ASSERT_TRUE(settled(waiter, 1));
    auto w = q.process_info(waiter);
    ASSERT_TRUE(w);
    ASSERT_EQ(w->messages.size(), 1u);
    EXPECT_LE(w->messages[0].size(), q.options().print_limit + 8);
    n.exit(waiter, atoms::kill);
}

TEST_F(engine, resolve_takes_pids_names_and_pid_text) {
    pid p = n.spawn(idle);
    ASSERT_TRUE(settled(p));
    EXPECT_EQ(q.resolve(to_term(p)).value(), p);
    EXPECT_EQ(q.resolve(term::binary(to_string(to_term(p)))).value(), p);
    auto server = gen_server::start<keeper>(n, {.name = atom("keeper")});
    ASSERT_TRUE(server);
    EXPECT_EQ(q.resolve(term::binary("keeper")).value(), *server);
    EXPECT_EQ(q.resolve(atom("keeper")).value(), *server);
    EXPECT_EQ(q.resolve(term::binary("nobody_has_this_name_xyz")).error().code, atom("noproc"));
    EXPECT_EQ(q.resolve(term::integer(3)).error().code, atom("bad_request"));
    n.exit(p, atoms::kill);
    EXPECT_TRUE(eventually([&] { return !n.is_alive(p); }));
    EXPECT_EQ(q.resolve(to_term(p)).error().code, atom("noproc"));
    EXPECT_EQ(q.process_info(p).error().code, atom("noproc"));
    n.exit(*server, atoms::kill);
}

TEST_F(engine, system_and_schedulers) {
    q.sample();
    auto s = q.system();
    EXPECT_EQ(s.schedulers, 2u);
    EXPECT_GE(s.process_count, 2u);
    EXPECT_EQ(s.process_limit, node_options{}.process_limit);
    auto sched = q.schedulers();
    ASSERT_EQ(sched.size(), 2u);
    for (const auto& row : sched) {
        EXPECT_GE(row.utilization, 0.0);
        EXPECT_LE(row.utilization, 1.0);
    }
}

TEST_F(engine, history_keeps_one_sample_per_tick) {
    for (int i = 0; i < 3; ++i) q.sample();
    const atom names[] = {atom("process_count"), atom("utilization_0"), atom("message_rate")};
    auto h = q.history(names);
    ASSERT_TRUE(h) << h.error().message;
    ASSERT_EQ(h->size(), 3u);
    for (const auto& s : *h) {
        EXPECT_EQ(s.values.size(), 3u) << s.name.name();
        EXPECT_EQ(s.resolution_ms, 1000u);
    }
    EXPECT_GE((*h)[0].values.back(), 2.0);
    const atom bad[] = {atom("no_such_series")};
    EXPECT_EQ(q.history(bad).error().code, atom("bad_request"));
    auto minutes = q.history(names, query::resolution::minute);
    ASSERT_TRUE(minutes);
    EXPECT_TRUE((*minutes)[0].values.empty()) << "no whole minute yet";
}

TEST_F(engine, control_acts_and_says_noproc) {
    pid p = n.spawn(idle);
    reference m = me.monitor(p);
    (void)m;
    ASSERT_TRUE(q.send(p, atom("hello")));
    ASSERT_TRUE(q.suspend(p));
    EXPECT_TRUE(eventually([&] {
        auto i = n.process_info(p);
        return i && i->stats.status == process_status::suspended;
    }));
    ASSERT_TRUE(q.resume(p));
    ASSERT_TRUE(q.exit(p, atom("told_to")));
    term down = next();
    ASSERT_TRUE(down.is_tuple());
    EXPECT_EQ(down[4], term(atom("told_to")));
    EXPECT_EQ(q.kill(p).error().code, atom("noproc"));
    EXPECT_EQ(q.send(p, atom("x")).error().code, atom("noproc"));
    EXPECT_EQ(q.suspend(p).error().code, atom("noproc"));
}

TEST_F(engine, a_trace_is_bounded_by_count_and_rate) {
    pid sink = n.spawn(idle);
    pid talker = n.spawn(idle);
    protocol::trace_options o{.max_messages = 5, .max_rate = 100};
    auto t = q.trace(talker, o);
    ASSERT_TRUE(t) << t.error().message;
    for (int i = 0; i < 20; ++i) n.send(talker, term::integer(i));
    std::vector<protocol::trace_row> rows;
    ASSERT_TRUE(eventually([&] {
        (*t)->take(rows);
        return (*t)->finished();
    })) << "a trace of 5 messages ends after 5";
    ASSERT_EQ(rows.size(), 5u);
    EXPECT_EQ(rows[0].direction, atom("in"));
    EXPECT_EQ(rows[0].message, "0");
    EXPECT_EQ(rows[0].to, talker);

    auto slow = q.trace(sink, {.max_messages = 1000, .max_rate = 3});
    ASSERT_TRUE(slow);
    for (int i = 0; i < 10; ++i) n.send(sink, term::integer(i));
    std::vector<protocol::trace_row> few;
    ASSERT_TRUE(eventually([&] {
        (*slow)->take(few);
        return few.size() >= 3;
    }));
    EXPECT_LE(few.size(), 6u) << "at most 3 a second (the test may straddle one second boundary)";
    slow->reset(); // its subscriber went away: the node's trace ends
    n.send(sink, atom("after"));
    EXPECT_EQ(q.trace(n.spawn(idle), {}).has_value(), true);
    EXPECT_EQ(q.trace(talker, {}).has_value(), true) << "a finished trace can be replaced";
    n.exit(sink, atoms::kill);
    n.exit(talker, atoms::kill);
    EXPECT_TRUE(eventually([&] { return !n.is_alive(talker); }));
    EXPECT_EQ(q.trace(talker, {}).error().code, atom("noproc"));
}

class warnings : public query_test {
protected:
    warnings()
        : query_test({.schedulers = 2},
                     {.sampler_thread = false, .mailbox_growth_for = 0ms, .mailbox_growth_min = 5, .old_message_after = 30ms}) {}
};

TEST_F(warnings, a_growing_mailbox_and_an_old_message_are_warned_with_evidence) {
    pid stuck = n.spawn(idle);
    for (int i = 0; i < 6; ++i) n.send(stuck, term::integer(i));
    ASSERT_TRUE(settled(stuck, 6));
    q.sample();
    for (int i = 0; i < 6; ++i) n.send(stuck, term::integer(i));
    ASSERT_TRUE(settled(stuck, 12));
    q.sample();
    auto w = q.warnings();
    auto growing = std::find_if(w.begin(), w.end(), [&](const auto& r) { return r.kind == atom("mailbox_growing"); });
    ASSERT_NE(growing, w.end()) << to_string(to_term(w));
    EXPECT_EQ(growing->pid, stuck);
    EXPECT_EQ(growing->value, 12u);
    EXPECT_EQ(growing->limit, 6u);

    ASSERT_TRUE(eventually([&] {
        auto i = n.process_info(stuck);
        return i && i->stats.oldest_message_age_ms >= 30;
    }));
    q.sample();
    q.sample();
    w = q.warnings();
    auto old = std::find_if(w.begin(), w.end(), [&](const auto& r) { return r.kind == atom("old_message"); });
    ASSERT_NE(old, w.end());
    EXPECT_EQ(old->pid, stuck);
    EXPECT_GE(old->value, 30u);
    EXPECT_FALSE(old->message.empty());

    n.exit(stuck, atoms::kill);
    EXPECT_TRUE(eventually([&] { return !n.process_info(stuck); })) << "its block given back";
    q.sample();
    EXPECT_TRUE(q.warnings().empty()) << "a warning goes with its cause: " << to_string(to_term(q.warnings()));
}

class events : public query_test {
protected:
    events() : query_test({.schedulers = 2, .long_message_queue = 10}, {.sampler_thread = false}) {}
};

TEST_F(events, events_are_numbered_and_read_after_a_sequence_number) {
    pid p = n.spawn(idle);
    // The owner checks when it takes messages in; a sender counts after it
    // pushed, so the tenth may be seen as the ninth: send past the limit.
    for (int i = 0; i < 30; ++i) n.send(p, term::integer(i));
    ASSERT_TRUE(eventually([&] { return !q.events().empty(); }));
    auto all = q.events();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].kind, atom("long_message_queue"));
    EXPECT_EQ(all[0].pid, p);
    EXPECT_EQ(all[0].seq, 1u);
    EXPECT_TRUE(q.events(all[0].seq).empty());
    EXPECT_EQ(q.event_counts()["long_message_queue"], 1u);
    n.exit(p, atoms::kill);
}

} // namespace
} // namespace ember::testing

namespace ember::testing {
namespace {

namespace sup = ember::supervisor;

class sleeper : public gen_server::server {};

TEST_F(engine, a_supervisor_one_crash_from_its_limit_is_warned) {
    sup::spec tree{.flags = {.strategy = sup::strategy::one_for_one, .intensity = 2, .period = 60s},
                   .children = {sup::worker<sleeper>(atom("napper"))}};
    auto top = sup::start(n, std::move(tree));
    ASSERT_TRUE(top) << to_string(top.error());
    q.sample();
    EXPECT_TRUE(q.warnings().empty());
    auto first = n.supervisor_info(*top)->children.at(0).process;
    ASSERT_TRUE(first);
    n.exit(*first, atoms::kill);
    ASSERT_TRUE(eventually([&] {
        auto s = n.supervisor_info(*top);
        return s && s->restarts_total == 1 && s->children.at(0).process && *s->children.at(0).process != *first;
    }));
    q.sample();
    auto w = q.warnings();
    ASSERT_EQ(w.size(), 1u) << to_string(to_term(w));
    EXPECT_EQ(w[0].kind, atom("restart_limit_near"));
    EXPECT_EQ(w[0].pid, *top);
    EXPECT_EQ(w[0].value, 1u);
    EXPECT_EQ(w[0].limit, 2u);
    EXPECT_EQ(q.system().supervisor_restarts, 1u);

    auto info = q.process_info(*top);
    ASSERT_TRUE(info);
    ASSERT_TRUE(info->supervisor);
    EXPECT_EQ(info->supervisor->children_count, 1u);
    EXPECT_EQ(info->supervisor->restarts.size(), 1u);
    EXPECT_EQ(info->cut, atom("complete"));
    n.exit(*top, atom("shutdown"));
}

} // namespace
} // namespace ember::testing
