// Pushes: subscriptions to each What, their bounds, unsubscribe, events
// pushed once each, a subscriber that disconnects mid-stream and one that
// never reads (dropped, never buffered without bound), and a bounded trace.

#include "agent_fixture.hpp"

namespace ember::agent::testing {
namespace {

class agent_subscription : public agent_test {
protected:
    /// The next push for `ref` (frames for other Refs are kept aside).
    static std::optional<term> push_for(test_client& c, const term& ref, std::chrono::milliseconds timeout = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (std::size_t i = 0; i < c.pending().size(); ++i) {
            const term f = c.pending()[i];
            if (is_push(f, ref)) {
                c.pending().erase(c.pending().begin() + static_cast<std::ptrdiff_t>(i));
                return f[1][1];
            }
        }
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return std::nullopt;
            auto f = c.recv(left);
            if (!f) return std::nullopt;
            if (is_push(*f, ref)) return (*f)[1][1];
            c.pending().push_back(*f);
        }
    }
    /// Subscribes with `request` under Ref `ref`: success when the node said {ok, Ref}.
    static ::testing::AssertionResult subscribed(test_client& c, std::int64_t ref, std::string_view request) {
        const term r = c.call(ref, t(request));
        if (ok_value(r) == term::integer(ref)) return ::testing::AssertionSuccess();
        return ::testing::AssertionFailure() << request << " answered " << show(r);
    }
    static bool is_push(const term& f, const term& ref) {
        return f.is_tuple() && f.size() == 2 && f[0] == ref && f[1].is_tuple() && f[1].size() == 2 && f[1][0] == atom("event");
    }
    /// Raises one long_message_queue event (the node's threshold is 20).
    void raise_event() {
        const pid p = n.spawn(idle);
        for (int i = 0; i < 20; ++i) n.send(p, term::integer(i));
        spawned_.push_back(p);
    }
    void TearDown() override {
        for (const pid& p : spawned_) n.send(p, atoms::shutdown);
        agent_test::TearDown();
    }
    std::vector<pid> spawned_;
};

TEST_F(agent_subscription, system_is_pushed_every_interval_until_unsubscribed) {
    start();
    test_client c = open(read_only_token());
    const term ref = term::integer(1);
    const term reply = c.call(ref, t("{subscribe, system, 100}"));
    ASSERT_EQ(ok_value(reply), ref) << show(reply);
    for (int i = 0; i < 3; ++i) {
        auto value = push_for(c, ref);
        ASSERT_TRUE(value.has_value()) << "push " << i;
        EXPECT_TRUE(get(*value, "process_count").is_integer()) << show(*value);
    }
    EXPECT_EQ(ok_value(c.call(2, t("{unsubscribe, 1}"))), term(atoms::true_));
    c.pending().clear(); // pushes sent before the unsubscribe was read
    // After the reply no push of 1 comes: another subscription's pushes
    // arrive meanwhile, and none of 1 is among what comes with them.
    ASSERT_TRUE(subscribed(c, 3, "{subscribe, schedulers, 100}"));
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(push_for(c, term::integer(3)).has_value());
    for (const term& f : c.pending()) EXPECT_FALSE(is_push(f, ref)) << show(f);
    EXPECT_EQ(ok_value(c.call(4, t("{unsubscribe, 1}"))), term(atoms::false_)); // none open: not an error
}

TEST_F(agent_subscription, a_request_tuple_is_evaluated_each_interval) {
    start();
    test_client c = open(read_only_token());
    ASSERT_TRUE(subscribed(c, 1, "{subscribe, {processes, #{sort => memory, limit => 3}}, 100}"));
    for (int i = 0; i < 2; ++i) {
        auto page = push_for(c, term::integer(1));
        ASSERT_TRUE(page.has_value());
        EXPECT_TRUE(get(*page, "rows").is_list()) << show(*page);
        EXPECT_LE(get(*page, "rows").size(), 3u);
    }
}

TEST_F(agent_subscription, bad_subscriptions_are_refused_with_the_reason) {
    auto o = defaults();
    o.max_subscriptions = 2;
    start(o);
    test_client c = open(admin_token());
    EXPECT_TRUE(is_error(c.call(1, t("{subscribe, system, 5}")), "bad_request")); // too fast
    EXPECT_TRUE(is_error(c.call(2, t("{subscribe, system, 99999999}")), "bad_request")); // too slow
    EXPECT_TRUE(is_error(c.call(3, t("{subscribe, kill, 1000}")), "bad_request")); // acts on the node
    EXPECT_TRUE(is_error(c.call(4, t("{subscribe, {kill, <0.1.0>}, 1000}")), "bad_request"));
    EXPECT_TRUE(is_error(c.call(5, t("{subscribe, process_info, 1000}")), "bad_request")); // takes arguments
    EXPECT_TRUE(is_error(c.call(6, t("{subscribe, <<\"system\">>, 1000}")), "bad_request"));
    EXPECT_TRUE(is_error(c.call(7, t("{subscribe, {processes, #{limit => 0}}, 1000}")), "bad_request")); // the first evaluation says
    // The limit of two, and a Ref already in use.
    ASSERT_TRUE(subscribed(c, 8, "{subscribe, system, 1000}"));
    EXPECT_TRUE(is_error(c.call(8, t("{subscribe, system, 1000}")), "bad_request"));
    ASSERT_TRUE(subscribed(c, 9, "{subscribe, warnings, 1000}"));
    EXPECT_TRUE(is_error(c.call(10, t("{subscribe, system, 1000}")), "too_many_requests"));
}

TEST_F(agent_subscription, events_are_pushed_once_each) {
    start();
    test_client c = open(read_only_token());
    raise_event(); // before the subscription: in the first push
    ASSERT_TRUE(eventually([&] { return !q.events().empty(); }));
    ASSERT_TRUE(subscribed(c, 1, "{subscribe, events, 100}"));
    auto first = push_for(c, term::integer(1));
    ASSERT_TRUE(first && first->is_list());
    ASSERT_EQ(first->size(), 1u) << show(*first);

    raise_event();
    auto second = push_for(c, term::integer(1));
    ASSERT_TRUE(second && second->is_list());
    ASSERT_EQ(second->size(), 1u) << "only the new event: " << show(*second);
    EXPECT_EQ(get(second->elements()[0], "kind"), term(atom("long_message_queue")));
    EXPECT_GT(get(second->elements()[0], "seq").as_integer(), get(first->elements()[0], "seq").as_integer());
}

TEST_F(agent_subscription, all_pushes_system_schedulers_new_events_and_warnings) {
    start();
    test_client c = open(read_only_token());
    ASSERT_TRUE(subscribed(c, 1, "{subscribe, all, 100}"));
    auto first = push_for(c, term::integer(1));
    ASSERT_TRUE(first.has_value());
    for (const char* key : {"system", "schedulers", "events", "warnings"}) EXPECT_NE(get(*first, key), term(atom("missing"))) << key;
    EXPECT_EQ(get(*first, "schedulers").size(), 2u);
    raise_event();
    // Some push soon holds the event, and only one push does.
    int holding = 0;
    ASSERT_TRUE(eventually([&] {
        auto p = push_for(c, term::integer(1));
        if (p && get(*p, "events").size() > 0) ++holding;
        return holding > 0;
    }));
    for (int i = 0; i < 3; ++i) {
        auto p = push_for(c, term::integer(1));
        ASSERT_TRUE(p.has_value());
        EXPECT_EQ(get(*p, "events").size(), 0u) << "an event pushed twice: " << show(*p);
    }
}

TEST_F(agent_subscription, history_is_pushed_with_every_series) {
    start();
    q.sample();
    test_client c = open(read_only_token());
    ASSERT_TRUE(subscribed(c, 1, "{subscribe, history, 100}"));
    auto series = push_for(c, term::integer(1));
    ASSERT_TRUE(series && series->is_list()) << (series ? show(*series) : "no push");
    // The node's five series, and utilization and run queue per scheduler.
    EXPECT_EQ(series->size(), 5u + 2u * 2u) << show(*series);
}

TEST_F(agent_subscription, a_subscriber_that_disconnects_mid_stream_is_forgotten) {
    start();
    test_client bystander = open(read_only_token());
    {
        test_client c = open(read_only_token());
        ASSERT_TRUE(subscribed(c, 1, "{subscribe, all, 100}"));
        ASSERT_TRUE(push_for(c, term::integer(1)).has_value());
        ASSERT_TRUE(push_for(c, term::integer(1)).has_value());
    } // closed here, with pushes under way
    EXPECT_TRUE(eventually([&] { return a->connections() == 1; }));
    EXPECT_TRUE(ok_value(bystander.call(1, t("{system}"))).is_map());
}

TEST_F(agent_subscription, a_subscriber_that_never_reads_is_dropped) {
    auto o = defaults();
    o.max_send_queue_bytes = 64 * 1024;
    start(o);
    // Pages of 2000 rows (a few hundred KB each) ten times a second, to a
    // client with a small receive buffer that reads nothing.
    for (int i = 0; i < 2000; ++i) spawned_.push_back(n.spawn(idle));
    test_client bystander = open(read_only_token());
    test_client sink(a->endpoint(), 4096);
    ASSERT_EQ(get(sink.hello(read_only_token())[1], "access"), term(atom("read_only")));
    ASSERT_TRUE(sink.send(t("{1, {subscribe, {processes, #{limit => 2000}}, 100}}")));
    EXPECT_TRUE(eventually([&] { return a->connections() == 1; }, 60s)) << "the agent kept a client that does not read";
    EXPECT_TRUE(ok_value(bystander.call(1, t("{system}"))).is_map());
}

TEST_F(agent_subscription, a_trace_pushes_each_message_then_ends) {
    start();
    const pid p = n.spawn(idle);
    spawned_.push_back(p);
    test_client c = open(admin_token());
    const term reply = c.call(1, term::tuple({atom("trace"), term::from_pid(p), t("#{max_messages => 3}")}));
    ASSERT_EQ(ok_value(reply), term::integer(1)) << show(reply);
    for (int i = 0; i < 3; ++i) n.send(p, term::tuple({atom("hello"), term::integer(i)}));
    for (int i = 0; i < 3; ++i) {
        auto row = push_for(c, term::integer(1));
        ASSERT_TRUE(row.has_value()) << "row " << i;
        EXPECT_EQ(get(*row, "direction"), term(atom("in"))) << show(*row);
        EXPECT_EQ(get(*row, "to"), term::from_pid(p));
    }
    auto end = push_for(c, term::integer(1));
    ASSERT_TRUE(end.has_value());
    EXPECT_EQ(*end, t("{ended, {complete, <<\"the trace ended\">>}}")) << show(*end);
    // Ended: the Ref is free, unsubscribing finds nothing.
    EXPECT_EQ(ok_value(c.call(2, t("{unsubscribe, 1}"))), term(atoms::false_));
    EXPECT_TRUE(is_error(c.call(3, t("{trace, <0.999999.0>, #{}}")), "noproc"));
    EXPECT_TRUE(is_error(c.call(4, term::tuple({atom("trace"), term::from_pid(p), t("#{max_messages => -1}")})), "bad_request"));
}

} // namespace
} // namespace ember::agent::testing
