// node_session against the fake node: the arrival's figures and history,
// the subscriptions of each view and the routing of their pushes, the
// process table's pages, process windows, actions and their outcomes, the
// typed term of a send, a message trace, a push that does not decode, a
// dropped connection, and a paused refresh.

#include "ember/observer/node_session.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>

#include "ember/protocol/request.hpp"
#include "introspection/render/sample_replies.hpp"
#include "observer_test_support.hpp"

namespace ember::observer {
namespace {

using namespace std::chrono_literals;
using test::requests_of;
using test::update_until;
using test::update_until_at;
using testing::fake_node;
using testing::local_pid;
using ::testing::HasSubstr;
using clock = node_session::clock;

protocol::series ring(std::string_view name, std::uint64_t last_ms, std::vector<double> values) {
    return protocol::series{atom(name), 1000, last_ms, std::move(values)};
}

std::vector<double> ten_samples() { return {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}; }

// The canned node, with two changes: its history rings answer every series
// asked for (10 samples ending at `uptime_ms`), so an arrival seeds the
// charts; and it takes a trace (admin) without sending rows, so a test
// pushes them under the trace's Ref.
struct ringed_node {
    std::atomic<std::uint64_t> uptime_ms{30'000};
    fake_node node{[this](const fake_node::seen& r) -> fake_node::answer {
        if (r.request[0] == "history"_atom) {
            std::vector<protocol::series> out;
            for (const term& name : r.request[1].elements()) out.push_back(ring(name.text(), uptime_ms.load(), ten_samples()));
            return {term::tuple({atoms::ok, to_term(out)})};
        }
        if (r.request[0] == "trace"_atom && r.access == protocol::access_level::admin) return {term::tuple({atoms::ok, atoms::ok})};
        return fake_node::canned(r);
    }};
};

connection_options options_for(const fake_node& node, std::string token, std::chrono::milliseconds reconnect_delay = 10ms) {
    connection_options o;
    o.where = node.endpoint();
    o.token = std::move(token);
    o.client.connect_timeout = 1000ms;
    o.client.request_timeout = 2000ms;
    o.reconnect_delay = reconnect_delay;
    o.reconnect_max_delay = std::max(reconnect_delay, 40ms);
    return o;
}

// A session connected to `node`, with the arrival's figures in; nullptr
// when that did not happen in time.
std::unique_ptr<node_session> open_session(const fake_node& node, const char* token = fake_node::read_only_token,
                                           std::chrono::milliseconds reconnect_delay = 10ms) {
    auto s = std::make_unique<node_session>(options_for(node, token, reconnect_delay));
    s->connect();
    if (!update_until(*s, [&] { return s->state() == connection_state::connected && s->system().has_value(); })) return nullptr;
    return s;
}

// The newest `{subscribe, What, _}` the node saw.
std::optional<fake_node::seen> subscription(const fake_node& node, std::string_view what) {
    std::optional<fake_node::seen> out;
    for (auto& r : requests_of(node, "subscribe"))
        if (r.request[1] == term(atom(what))) out = r;
    return out;
}

std::size_t count_of(const fake_node& node, std::string_view kind) { return requests_of(node, kind).size(); }

term pid_term(std::uint32_t id) { return to_term(local_pid(id)); }

// A frame loop whose clock stands still at `t` (so nothing falls due by
// the interval while a test waits for something else).
auto frozen(clock::time_point t) {
    return [t] { return t; };
}

// [session] -----------------------------------------------------------------------

TEST(node_session, connecting_shows_the_arrivals_figures_and_seeds_the_history) {
    ringed_node n;
    node_session s(options_for(n.node, fake_node::read_only_token));
    EXPECT_EQ(s.state(), connection_state::disconnected);
    EXPECT_EQ(s.title(), n.node.endpoint());
    EXPECT_FALSE(s.system());
    s.connect();
    ASSERT_TRUE(update_until(s, [&] { return s.state() == connection_state::connected && s.system().has_value(); }));
    EXPECT_EQ(*s.system(), testing::sample_system());
    EXPECT_EQ(s.title(), "nonode@nohost");
    EXPECT_FALSE(s.is_admin());
    EXPECT_EQ(s.view(), view_kind::none);
    // The history of every series of both schedulers, on the node's clock.
    EXPECT_EQ(s.history().names().size(), history_series_names(2).size());
    const time_series* u = s.history().find("utilization_1");
    ASSERT_NE(u, nullptr);
    EXPECT_EQ(u->size(), 10u);
    EXPECT_EQ(u->back(), (sample{30, 10}));
    EXPECT_EQ(s.history().latest(), 30.0);
    EXPECT_EQ(s.last_error(), "");
    // No view: nothing subscribed.
    EXPECT_EQ(count_of(n.node, "subscribe"), 0u);
}

TEST(node_session, the_admin_token_makes_an_admin_session) {
    ringed_node n;
    auto s = open_session(n.node, fake_node::admin_token);
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->is_admin());
}

// [views] -------------------------------------------------------------------------

TEST(node_session, each_view_subscribes_and_its_pushes_update_its_figures) {
    ringed_node n;
    auto s = open_session(n.node);
    ASSERT_TRUE(s);
    s->set_view(view_kind::system);
    EXPECT_EQ(s->view(), view_kind::system);
    ASSERT_TRUE(update_until(*s, [&] { return subscription(n.node, "system") && subscription(n.node, "schedulers"); }));
    const auto system_sub = *subscription(n.node, "system");
    const auto schedulers_sub = *subscription(n.node, "schedulers");
    EXPECT_EQ(system_sub.request, term::tuple({"subscribe"_atom, "system"_atom, term::integer(1000)}));
    EXPECT_EQ(schedulers_sub.request, term::tuple({"subscribe"_atom, "schedulers"_atom, term::integer(1000)}));

    auto sys = testing::sample_system();
    sys.process_count = 4321;
    n.node.push(system_sub.ref, to_term(sys));
    ASSERT_TRUE(update_until(*s, [&] { return s->system() && s->system()->process_count == 4321; }));
    EXPECT_EQ(*s->system(), sys);
    EXPECT_NE(s->updated_at(), clock::time_point{});
    n.node.push(schedulers_sub.ref, to_term(testing::sample_schedulers()));
    ASSERT_TRUE(update_until(*s, [&] { return !s->schedulers().empty(); }));
    EXPECT_EQ(s->schedulers(), testing::sample_schedulers());

    // Load: the system view's subscriptions go, history comes.
    s->set_view(view_kind::load);
    ASSERT_TRUE(update_until(*s, [&] { return count_of(n.node, "unsubscribe") == 2 && subscription(n.node, "history"); }));
    std::vector<term> gone;
    for (const auto& r : requests_of(n.node, "unsubscribe")) gone.push_back(r.request[1]);
    EXPECT_THAT(gone, ::testing::UnorderedElementsAre(system_sub.ref, schedulers_sub.ref));
    const auto history_sub = *subscription(n.node, "history");
    EXPECT_EQ(history_sub.request, term::tuple({"subscribe"_atom, "history"_atom, term::integer(1000)}));
    // The push is the whole ring moved on two seconds: two samples are new.
    n.node.push(history_sub.ref, to_term(std::vector<protocol::series>{ring("utilization_1", 32'000, {3, 4, 5, 6, 7, 8, 9, 10, 11, 12})}));
    ASSERT_TRUE(update_until(*s, [&] { return s->history().latest() == 32.0; }));
    const time_series* u = s->history().find("utilization_1");
    ASSERT_NE(u, nullptr);
    EXPECT_EQ(u->size(), 12u);
    EXPECT_EQ(u->back(), (sample{32, 12}));
    EXPECT_EQ(s->history().find("utilization_0")->size(), 10u); // not in the push: unchanged
    // The figures of the system view stay as they were.
    EXPECT_EQ(s->system()->process_count, 4321u);
    EXPECT_EQ(s->last_error(), "");
}

TEST(node_session, the_events_view_keeps_events_newest_first) {
    ringed_node n;
    auto s = open_session(n.node);
    ASSERT_TRUE(s);
    s->set_view(view_kind::events);
    ASSERT_TRUE(update_until(*s, [&] { return subscription(n.node, "events") && subscription(n.node, "warnings"); }));
    n.node.push(subscription(n.node, "events")->ref, to_term(testing::sample_events()));
    ASSERT_TRUE(update_until(*s, [&] { return s->events().size() == 3; }));
    EXPECT_EQ(s->events().front().seq, 3u);
    EXPECT_EQ(s->events().back().seq, 1u);
    n.node.push(subscription(n.node, "warnings")->ref, to_term(testing::sample_warnings()));
    ASSERT_TRUE(update_until(*s, [&] { return s->warnings().size() == 2; }));
    EXPECT_EQ(s->warnings(), testing::sample_warnings());
}

// [process table] -----------------------------------------------------------------

TEST(node_session, the_processes_view_asks_for_the_visible_pages_and_colours_rows_by_warnings) {
    ringed_node n;
    auto s = open_session(n.node);
    ASSERT_TRUE(s);
    const auto t0 = clock::now();
    s->set_view(view_kind::processes);
    s->processes().set_visible(0, 50);
    ASSERT_TRUE(update_until_at(*s, frozen(t0), [&] { return s->processes().row(0) != nullptr; }));
    const auto asked = requests_of(n.node, "processes");
    ASSERT_EQ(asked.size(), 1u);
    ASSERT_EQ(asked[0].request.size(), 2u); // {processes, #{...}}
    EXPECT_TRUE(asked[0].request[1].is_map());
    auto parsed = protocol::parse_request(asked[0].request);
    ASSERT_TRUE(parsed);
    auto options = protocol::processes_options_of(*parsed);
    ASSERT_TRUE(options);
    EXPECT_EQ(options->offset, 0u);
    EXPECT_EQ(options->limit, s->processes().page_rows());
    EXPECT_EQ(s->processes().row_count(), 2u);
    EXPECT_EQ(*s->processes().row(0), testing::sample_process_row());
    ASSERT_NE(s->processes().row(1), nullptr);
    EXPECT_EQ(s->processes().row(1)->pid, local_pid(7));

    // The view subscribes to warnings, to colour the rows.
    ASSERT_TRUE(update_until_at(*s, frozen(t0), [&] { return subscription(n.node, "warnings").has_value(); }));
    EXPECT_EQ(subscription(n.node, "warnings")->request, term::tuple({"subscribe"_atom, "warnings"_atom, term::integer(1000)}));
    n.node.push(subscription(n.node, "warnings")->ref, to_term(testing::sample_warnings()));
    ASSERT_TRUE(update_until_at(*s, frozen(t0), [&] { return s->warnings().size() == 2; }));
    const auto of42 = s->warnings_for(local_pid(42));
    ASSERT_EQ(of42.size(), 1u);
    EXPECT_EQ(of42[0]->kind, "mailbox_growing"_atom);
    const auto of7 = s->warnings_for(local_pid(7));
    ASSERT_EQ(of7.size(), 1u);
    EXPECT_EQ(of7[0]->kind, "old_message"_atom);
    EXPECT_TRUE(s->warnings_for(local_pid(9)).empty());

    // Nothing new is asked while the page is fresh; at the interval it is asked again.
    EXPECT_EQ(count_of(n.node, "processes"), 1u);
    ASSERT_TRUE(update_until_at(*s, frozen(t0 + 1500ms), [&] { return count_of(n.node, "processes") == 2; }));
}

// [windows] -----------------------------------------------------------------------

TEST(node_session, a_process_window_shows_the_answer_to_its_process_info) {
    ringed_node n;
    auto s = open_session(n.node);
    ASSERT_TRUE(s);
    const auto t0 = clock::now();
    s->open_window(local_pid(42));
    ASSERT_EQ(s->windows().size(), 1u);
    EXPECT_EQ(s->windows()[0].pid, local_pid(42));
    ASSERT_TRUE(update_until_at(*s, frozen(t0), [&] { return s->windows()[0].info.has_value(); }));
    EXPECT_EQ(n.node.last_request("process_info")->request, term::tuple({"process_info"_atom, pid_term(42)}));
    const process_window& w = s->windows()[0];
    EXPECT_EQ(*w.info, testing::sample_info());
    EXPECT_EQ(w.error, "");
    EXPECT_FALSE(w.gone);
    EXPECT_EQ(w.ticket, 0u);
    EXPECT_NE(w.fetched, clock::time_point{});
    // Opened again: raised, not doubled.
    s->open_window(local_pid(42));
    EXPECT_EQ(s->windows().size(), 1u);
    s->close_window(local_pid(42));
    EXPECT_TRUE(s->windows().empty());
}

TEST(node_session, a_window_of_a_process_that_is_gone_says_so) {
    ringed_node n;
    auto s = open_session(n.node);
    ASSERT_TRUE(s);
    s->open_window(local_pid(9));
    ASSERT_TRUE(update_until(*s, [&] { return !s->windows().empty() && s->windows()[0].gone; }));
    const process_window& w = s->windows()[0];
    EXPECT_THAT(w.error, HasSubstr("no process <0.9.0>"));
    EXPECT_FALSE(w.info);
    EXPECT_EQ(w.ticket, 0u);
    s->close_window(local_pid(9));
    EXPECT_TRUE(s->windows().empty());
}

TEST(node_session, open_windows_are_asked_again_at_the_interval) {
    ringed_node n;
    auto s = open_session(n.node);
    ASSERT_TRUE(s);
    const auto t0 = clock::now();
    s->open_window(local_pid(42));
    ASSERT_TRUE(update_until_at(*s, frozen(t0), [&] { return s->windows()[0].info.has_value(); }));
    EXPECT_EQ(count_of(n.node, "process_info"), 1u);
    const auto first = s->windows()[0].fetched;
    // A node not on screen (no view) keeps what its windows show...
    ASSERT_TRUE(update_until_at(*s, frozen(t0 + 1500ms), [&] { return true; }));
    EXPECT_EQ(count_of(n.node, "process_info"), 1u);
    // ...one on screen asks again at the interval.
    s->set_view(view_kind::events);
    ASSERT_TRUE(update_until_at(*s, frozen(t0 + 1500ms), [&] { return count_of(n.node, "process_info") == 2 && s->windows()[0].ticket == 0; }));
    EXPECT_GT(s->windows()[0].fetched, first);
    EXPECT_TRUE(s->windows()[0].info);
    // refresh_window asks at once.
    s->refresh_window(local_pid(42));
    ASSERT_TRUE(update_until_at(*s, frozen(t0 + 1500ms), [&] { return count_of(n.node, "process_info") == 3 && s->windows()[0].ticket == 0; }));
}

TEST(node_session, past_max_windows_the_oldest_closes) {
    ringed_node n;
    auto s = open_session(n.node);
    ASSERT_TRUE(s);
    const std::uint32_t opened = node_session::max_windows + 1;
    for (std::uint32_t i = 0; i < opened; ++i) s->open_window(local_pid(100 + i));
    ASSERT_EQ(s->windows().size(), node_session::max_windows);
    EXPECT_EQ(s->windows().front().pid, local_pid(101));
    EXPECT_EQ(s->windows().back().pid, local_pid(100 + node_session::max_windows));
    // Every answer comes, the closed window's too, and goes to its own window.
    ASSERT_TRUE(update_until(*s, [&] {
        return count_of(n.node, "process_info") == opened &&
               std::all_of(s->windows().begin(), s->windows().end(), [](const process_window& w) { return w.ticket == 0 && w.gone; });
    }));
    for (std::uint32_t i = 0; i < node_session::max_windows; ++i)
        EXPECT_THAT(s->windows()[i].error, HasSubstr(to_string(pid_term(101 + i)))) << i;
    EXPECT_EQ(s->windows().size(), node_session::max_windows);
}

// [actions] -----------------------------------------------------------------------

TEST(node_session, actions_are_the_request_tuples) {
    const term p = pid_term(42);
    EXPECT_EQ((action{action_kind::kill, local_pid(42), {}}).request(), term::tuple({"kill"_atom, p}));
    EXPECT_EQ((action{action_kind::exit, local_pid(42), "shutdown"_atom}).request(), term::tuple({"exit"_atom, p, "shutdown"_atom}));
    EXPECT_EQ((action{action_kind::suspend, local_pid(42), {}}).request(), term::tuple({"suspend"_atom, p}));
    EXPECT_EQ((action{action_kind::resume, local_pid(42), {}}).request(), term::tuple({"resume"_atom, p}));
    const term hello = term::tuple({"hello"_atom, term::integer(42)});
    EXPECT_EQ((action{action_kind::send, local_pid(42), hello}).request(), term::tuple({"send"_atom, p, hello}));
    EXPECT_EQ(action_kind_name(action_kind::kill), "kill");
    EXPECT_EQ(action_kind_name(action_kind::send), "send");
}

TEST(node_session, an_action_is_sent_its_outcome_logged_and_its_window_asked_again) {
    ringed_node n;
    auto s = open_session(n.node, fake_node::admin_token);
    ASSERT_TRUE(s);
    const auto t0 = clock::now(); // frozen: the window falls due only because of the action
    s->open_window(local_pid(42));
    ASSERT_TRUE(update_until_at(*s, frozen(t0), [&] { return s->windows()[0].info.has_value(); }));
    ASSERT_EQ(count_of(n.node, "process_info"), 1u);
    s->act(action{action_kind::kill, local_pid(42), {}});
    ASSERT_TRUE(update_until_at(*s, frozen(t0), [&] { return !s->outcomes().empty() && s->outcomes().back().done; }));
    EXPECT_EQ(n.node.last_request("kill")->request, term::tuple({"kill"_atom, pid_term(42)}));
    ASSERT_EQ(s->outcomes().size(), 1u);
    const action_outcome& o = s->outcomes().back();
    EXPECT_TRUE(o.ok);
    EXPECT_EQ(o.error, "");
    EXPECT_EQ(o.text, "kill <0.42.0>");
    EXPECT_EQ(o.what.kind, action_kind::kill);
    EXPECT_EQ(o.what.pid, local_pid(42));
    ASSERT_TRUE(update_until_at(*s, frozen(t0), [&] { return count_of(n.node, "process_info") == 2; }));
}

TEST(node_session, an_action_the_node_refuses_is_done_and_not_ok) {
    ringed_node n;
    auto s = open_session(n.node); // read-only: the node answers needs_admin
    ASSERT_TRUE(s);
    s->act(action{action_kind::send, local_pid(42), term::tuple({"hello"_atom, term::integer(42)})});
    ASSERT_TRUE(update_until(*s, [&] { return !s->outcomes().empty() && s->outcomes().back().done; }));
    EXPECT_EQ(n.node.last_request("send")->request, term::tuple({"send"_atom, pid_term(42), term::tuple({"hello"_atom, term::integer(42)})}));
    const action_outcome& o = s->outcomes().back();
    EXPECT_FALSE(o.ok);
    EXPECT_THAT(o.error, HasSubstr("admin"));
    EXPECT_EQ(o.what.kind, action_kind::send);
}

TEST(node_session, the_outcome_log_is_bounded) {
    ringed_node n;
    auto s = open_session(n.node);
    ASSERT_TRUE(s);
    const std::size_t asked = node_session::max_outcomes + 5;
    for (std::size_t i = 0; i < asked; ++i) s->act(action{action_kind::suspend, local_pid(static_cast<std::uint32_t>(1000 + i)), {}});
    ASSERT_TRUE(update_until(*s, [&] {
        return count_of(n.node, "suspend") == asked && !s->outcomes().empty() &&
               std::all_of(s->outcomes().begin(), s->outcomes().end(), [](const action_outcome& o) { return o.done; });
    }));
    ASSERT_EQ(s->outcomes().size(), node_session::max_outcomes);
    // The newest last, each with its own answer.
    EXPECT_EQ(s->outcomes().back().what.pid, local_pid(static_cast<std::uint32_t>(1000 + asked - 1)));
    EXPECT_EQ(s->outcomes().front().what.pid, local_pid(1005));
    for (const auto& o : s->outcomes()) EXPECT_FALSE(o.ok);
}

// [term input] --------------------------------------------------------------------

TEST(node_session, typed_terms_are_read_and_errors_placed) {
    auto t = parse_term_input("{hello, 42}");
    ASSERT_TRUE(t);
    EXPECT_EQ(*t, term::tuple({"hello"_atom, term::integer(42)}));
    auto a = parse_term_input("shutdown");
    ASSERT_TRUE(a);
    EXPECT_EQ(*a, term("shutdown"_atom));

    const std::string_view cut = "{hello,";
    auto e = parse_term_input(cut);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().offset, cut.size());
    EXPECT_THAT(e.error().message, HasSubstr("line 1, column 8"));

    const std::string_view two_lines = "{hello,\n  42";
    auto e2 = parse_term_input(two_lines);
    ASSERT_FALSE(e2);
    EXPECT_EQ(e2.error().offset, two_lines.size());
    EXPECT_THAT(e2.error().message, HasSubstr("line 2, column 5"));
}

// [trace] -------------------------------------------------------------------------

TEST(node_session, a_trace_collects_the_rows_pushed_under_its_ref_until_it_ends) {
    ringed_node n;
    auto s = open_session(n.node, fake_node::admin_token);
    ASSERT_TRUE(s);
    s->start_trace(local_pid(42), {.max_messages = 10, .max_rate = 5});
    ASSERT_TRUE(s->trace());
    EXPECT_EQ(s->trace()->pid, local_pid(42));
    EXPECT_EQ(s->trace()->options, (protocol::trace_options{10, 5}));
    EXPECT_TRUE(s->trace()->starting);
    ASSERT_TRUE(update_until(*s, [&] { return s->trace()->running; }));
    EXPECT_FALSE(s->trace()->starting);
    EXPECT_EQ(s->trace()->ended, "");
    const auto asked = n.node.last_request("trace");
    ASSERT_TRUE(asked);
    EXPECT_EQ(asked->request, term::tuple({"trace"_atom, pid_term(42), to_term(protocol::trace_options{10, 5})}));

    auto second = testing::sample_trace_row(1);
    second.dropped = 4;
    n.node.push(asked->ref, to_term(testing::sample_trace_row(0)));
    n.node.push(asked->ref, to_term(second));
    n.node.push(asked->ref, to_term(testing::sample_trace_row(2)));
    ASSERT_TRUE(update_until(*s, [&] { return s->trace()->rows.size() == 3; }));
    EXPECT_EQ(s->trace()->rows[0], testing::sample_trace_row(0));
    EXPECT_EQ(s->trace()->rows[1], second);
    EXPECT_EQ(s->trace()->rows[2], testing::sample_trace_row(2));
    EXPECT_EQ(s->trace()->dropped, 4u);
    EXPECT_TRUE(s->trace()->running);

    n.node.push(asked->ref, term::tuple({"ended"_atom, to_term(protocol::make_reason("complete", "the trace ended"))}));
    ASSERT_TRUE(update_until(*s, [&] { return !s->trace()->ended.empty(); }));
    EXPECT_FALSE(s->trace()->running);
    EXPECT_EQ(s->trace()->rows.size(), 3u);
}

TEST(node_session, stopping_a_trace_unsubscribes_its_ref) {
    ringed_node n;
    auto s = open_session(n.node, fake_node::admin_token);
    ASSERT_TRUE(s);
    s->start_trace(local_pid(42));
    ASSERT_TRUE(update_until(*s, [&] { return s->trace() && s->trace()->running; }));
    const auto first = *n.node.last_request("trace");
    EXPECT_EQ(first.request, term::tuple({"trace"_atom, pid_term(42), to_term(protocol::trace_options{})}));
    n.node.push(first.ref, to_term(testing::sample_trace_row(0)));
    ASSERT_TRUE(update_until(*s, [&] { return s->trace()->rows.size() == 1; }));
    s->stop_trace();
    ASSERT_TRUE(update_until(*s, [&] { return n.node.last_request("unsubscribe").has_value() && s->trace() && !s->trace()->running; }));
    EXPECT_EQ(n.node.last_request("unsubscribe")->request, term::tuple({"unsubscribe"_atom, first.ref}));
    EXPECT_EQ(s->trace()->rows.size(), 1u); // what came stays to be read

    // Starting again is a new trace under a new Ref.
    s->start_trace(local_pid(42));
    ASSERT_TRUE(update_until(*s, [&] { return count_of(n.node, "trace") == 2 && s->trace()->running; }));
    const auto again = *n.node.last_request("trace");
    EXPECT_NE(again.ref, first.ref);
    EXPECT_TRUE(s->trace()->rows.empty());
    // Starting while one runs stops that one first.
    s->start_trace(local_pid(42));
    ASSERT_TRUE(update_until(*s, [&] { return count_of(n.node, "trace") == 3 && s->trace()->running; }));
    std::vector<term> stopped;
    for (const auto& r : requests_of(n.node, "unsubscribe")) stopped.push_back(r.request[1]);
    EXPECT_THAT(stopped, ::testing::ElementsAre(first.ref, again.ref));
}

TEST(node_session, a_trace_the_node_refuses_ends_before_it_runs) {
    ringed_node n;
    auto s = open_session(n.node); // read-only: needs_admin
    ASSERT_TRUE(s);
    s->start_trace(local_pid(42));
    ASSERT_TRUE(update_until(*s, [&] { return s->trace() && !s->trace()->ended.empty(); }));
    EXPECT_FALSE(s->trace()->running);
    EXPECT_FALSE(s->trace()->starting);
    EXPECT_THAT(s->trace()->ended, HasSubstr("admin"));
}

// [errors] ------------------------------------------------------------------------

TEST(node_session, a_push_that_does_not_decode_is_an_error_and_changes_nothing) {
    ringed_node n;
    auto s = open_session(n.node);
    ASSERT_TRUE(s);
    s->set_view(view_kind::system);
    ASSERT_TRUE(update_until(*s, [&] { return subscription(n.node, "system") && subscription(n.node, "schedulers"); }));
    auto sys = testing::sample_system();
    sys.process_count = 777;
    n.node.push(subscription(n.node, "system")->ref, to_term(sys));
    n.node.push(subscription(n.node, "schedulers")->ref, to_term(testing::sample_schedulers()));
    ASSERT_TRUE(update_until(*s, [&] { return s->system()->process_count == 777 && !s->schedulers().empty(); }));
    ASSERT_EQ(s->last_error(), "");
    const auto names = s->history().names();
    const double latest = s->history().latest();

    n.node.push(subscription(n.node, "system")->ref, term::tuple({"not_a_system"_atom, term::integer(7)}));
    ASSERT_TRUE(update_until(*s, [&] { return !s->last_error().empty(); }));
    EXPECT_EQ(*s->system(), sys);
    EXPECT_EQ(s->schedulers(), testing::sample_schedulers());
    EXPECT_EQ(s->history().names(), names);
    EXPECT_EQ(s->history().latest(), latest);
    EXPECT_EQ(s->state(), connection_state::connected);
    // The next good push is read as ever.
    sys.process_count = 778;
    n.node.push(subscription(n.node, "system")->ref, to_term(sys));
    ASSERT_TRUE(update_until(*s, [&] { return s->system()->process_count == 778; }));
}

// [reconnecting] ------------------------------------------------------------------

TEST(node_session, a_dropped_connection_is_lost_then_made_again_and_keeps_what_it_showed) {
    ringed_node n;
    // A reconnect delay long enough for the frames to see `lost`.
    auto s = open_session(n.node, fake_node::admin_token, 300ms);
    ASSERT_TRUE(s);
    s->set_view(view_kind::events);
    ASSERT_TRUE(update_until(*s, [&] { return subscription(n.node, "events").has_value(); }));
    n.node.push(subscription(n.node, "events")->ref, to_term(testing::sample_events()));
    ASSERT_TRUE(update_until(*s, [&] { return s->events().size() == 3; }));
    s->start_trace(local_pid(42));
    ASSERT_TRUE(update_until(*s, [&] { return s->trace() && s->trace()->running; }));
    ASSERT_EQ(s->history().find("process_count")->size(), 10u);

    n.uptime_ms = 40'000; // the rings the next connection fetches have moved on ten seconds
    n.node.drop_connections();
    ASSERT_TRUE(update_until(*s, [&] { return s->state() == connection_state::lost; }));
    ASSERT_TRUE(s->trace());
    EXPECT_FALSE(s->trace()->running);
    EXPECT_NE(s->trace()->ended, "");
    EXPECT_EQ(s->events().size(), 3u);

    ASSERT_TRUE(update_until(*s, [&] {
        return s->state() == connection_state::connected && s->connection().generation() == 2 &&
               s->history().find("process_count")->size() == 20;
    }));
    // The history grew by what the new connection brought: the old samples stayed.
    const time_series* pc = s->history().find("process_count");
    EXPECT_EQ((*pc)[0], (sample{21, 1}));
    EXPECT_EQ(pc->back(), (sample{40, 10}));
    EXPECT_EQ(s->events().size(), 3u);
    EXPECT_FALSE(s->trace()->running);
    EXPECT_NE(s->trace()->ended, "");

    // The events subscription is renewed on the new connection, and its pushes add to what was there.
    ASSERT_TRUE(update_until(*s, [&] {
        auto e = subscription(n.node, "events");
        return e && e->connection == 2;
    }));
    n.node.push(subscription(n.node, "events")->ref,
                to_term(std::vector<protocol::event_row>{protocol::event_row{4, "long_schedule"_atom, local_pid(42), 0, 41'000, 300, 100}}));
    ASSERT_TRUE(update_until(*s, [&] { return s->events().size() == 4; }));
    EXPECT_EQ(s->events().front().seq, 4u);
    EXPECT_EQ(s->events().back().seq, 1u);
}

// [paused] ------------------------------------------------------------------------

TEST(node_session, paused_subscribes_to_nothing_and_refreshes_nothing) {
    ringed_node n;
    auto s = open_session(n.node);
    ASSERT_TRUE(s);
    // A request made after some frames is served after anything those frames
    // asked for: once it is answered, what they asked is known.
    std::uint32_t barriers = 0;
    auto barrier = [&](clock::time_point at) {
        s->act(action{action_kind::resume, local_pid(9000 + barriers++), {}}); // read-only: refused, but answered
        return update_until_at(*s, frozen(at), [&] { return s->outcomes().size() == barriers && s->outcomes().back().done; });
    };

    s->set_interval(refresh_interval::paused);
    EXPECT_EQ(s->interval(), refresh_interval::paused);
    s->set_view(view_kind::system);
    for (int i = 0; i < 5; ++i) s->update(clock::now());
    ASSERT_TRUE(barrier(clock::now()));
    EXPECT_EQ(count_of(n.node, "subscribe"), 0u);

    // At 1 s the processes view subscribes and gets its page and a window.
    const auto t0 = clock::now();
    s->set_view(view_kind::processes);
    s->set_interval(refresh_interval::s1);
    s->processes().set_visible(0, 50);
    s->open_window(local_pid(42));
    ASSERT_TRUE(update_until_at(*s, frozen(t0), [&] {
        return subscription(n.node, "warnings") && s->processes().row(0) != nullptr && s->windows()[0].info.has_value();
    }));
    ASSERT_EQ(count_of(n.node, "processes"), 1u);
    ASSERT_EQ(count_of(n.node, "process_info"), 1u);

    // Paused: the subscription goes; an hour on, neither the page nor the window is asked again.
    s->set_interval(refresh_interval::paused);
    ASSERT_TRUE(update_until_at(*s, frozen(t0), [&] { return count_of(n.node, "unsubscribe") == 1; }));
    const auto later = t0 + 1h;
    for (int i = 0; i < 5; ++i) s->update(later);
    ASSERT_TRUE(barrier(later));
    EXPECT_EQ(count_of(n.node, "processes"), 1u);
    EXPECT_EQ(count_of(n.node, "process_info"), 1u);
    EXPECT_EQ(count_of(n.node, "subscribe"), 1u);
    // What was on screen stays.
    ASSERT_NE(s->processes().row(0), nullptr);
    EXPECT_TRUE(s->windows()[0].info);
}

} // namespace
} // namespace ember::observer
