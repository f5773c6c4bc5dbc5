// ember::client against a fake node (fake_node.hpp): the hello and its
// refusals, every typed request, errors as one line, timeouts, losses,
// subscriptions and their pushes, reconnecting by hand and by itself,
// replies this client cannot read, and many callers at once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ember/client/client.hpp"
#include "ember/term/etf.hpp"
#include "fake_node.hpp"
#include "introspection/render/sample_replies.hpp"

namespace ember::client {
namespace {

using namespace std::chrono_literals;
using ember::testing::fake_node;
using ::testing::HasSubstr;

template <class F>
bool eventually(F done, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(2ms);
    }
    return true;
}

std::unique_ptr<client> connect_to(const fake_node& node, const char* token = fake_node::read_only_token, client_options o = {}) {
    auto c = client::connect(node.endpoint(), token, std::move(o));
    EXPECT_TRUE(c) << c.error().describe();
    return c ? std::move(*c) : nullptr;
}


fake_node::answer no_answer(const fake_node::seen&) { return {}; }

// [connecting] ------------------------------------------------------------------

TEST(client, hello_with_each_token) {
    fake_node node;
    auto ro = connect_to(node);
    ASSERT_TRUE(ro);
    EXPECT_EQ(ro->info().access, protocol::access_level::read_only);
    EXPECT_EQ(ro->info().node, atoms::nonode_nohost);
    EXPECT_TRUE(ro->connected());
    EXPECT_EQ(ro->connections(), 1u);
    auto admin = connect_to(node, fake_node::admin_token);
    ASSERT_TRUE(admin);
    EXPECT_EQ(admin->info().access, protocol::access_level::admin);
}

TEST(client, a_bad_token_is_told_in_one_line) {
    fake_node node;
    auto c = client::connect(node.endpoint(), "guess");
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().errc, client_errc::bad_token);
    EXPECT_EQ(c.error().code, atom("bad_token"));
    EXPECT_EQ(c.error().describe(), "the node at " + node.endpoint() + " refused the token: token not accepted");
}

TEST(client, an_unreachable_node) {
    const std::string where = "127.0.0.1:" + std::to_string(ember::testing::unused_port());
    auto c = client::connect(where, "t");
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().errc, client_errc::unreachable);
    EXPECT_EQ(c.error().describe(), "cannot reach " + where + ": Connection refused");
    auto unknown = client::connect("no-such-host.invalid:7070", "t");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().errc, client_errc::unreachable);
    // "unknown host", or "cannot look the host up" where there is no resolver.
    EXPECT_THAT(unknown.error().describe(), HasSubstr("cannot reach no-such-host.invalid:7070: "));
}

TEST(client, a_hello_never_answered_times_out) {
    fake_node node(fake_node::canned, {.answer_hello = false});
    const auto start = std::chrono::steady_clock::now();
    auto c = client::connect(node.endpoint(), fake_node::read_only_token, {.connect_timeout = 200ms});
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().errc, client_errc::hello_refused);
    EXPECT_THAT(c.error().describe(), HasSubstr("did not answer the hello within 200 ms"));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(client, addresses) {
    EXPECT_EQ(*parse_endpoint("127.0.0.1:7070"), (endpoint{"127.0.0.1", 7070}));
    EXPECT_EQ(*parse_endpoint("node.example:1"), (endpoint{"node.example", 1}));
    EXPECT_EQ(*parse_endpoint("[::1]:7070"), (endpoint{"::1", 7070}));
    EXPECT_EQ(*parse_endpoint(":7070"), (endpoint{"127.0.0.1", 7070}));
    EXPECT_EQ(parse_endpoint("[::1]:7070")->to_string(), "[::1]:7070");
    for (const char* bad : {"", "7070", "host:", "host:0", "host:65536", "host:70x", "::1:7070", "[::1]7070", "[::1"}) {
        auto e = parse_endpoint(bad);
        ASSERT_FALSE(e) << bad;
        EXPECT_EQ(e.error().errc, client_errc::bad_address);
        EXPECT_THAT(e.error().describe(), HasSubstr(std::string("bad address '") + bad + "'"));
    }
    auto c = client::connect("nonsense", "t");
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().errc, client_errc::bad_address);
}

TEST(client, token_files) {
    const auto dir = std::filesystem::temp_directory_path() / ("ember_client_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto write = [&](const char* name, const std::string& content) {
        std::ofstream(dir / name, std::ios::binary) << content;
        return dir / name;
    };
    EXPECT_EQ(*read_token_file(write("a", "abc123\n")), "abc123");
    EXPECT_EQ(*read_token_file(write("b", "abc123 \r\n\n")), "abc123");
    auto empty = read_token_file(write("c", "\n"));
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().errc, client_errc::token_file);
    EXPECT_THAT(empty.error().describe(), HasSubstr("holds no token"));
    EXPECT_THAT(read_token_file(write("d", std::string(2000, 'a'))).error().describe(), HasSubstr("longer than a token may be"));
    EXPECT_THAT(read_token_file(dir / "missing").error().describe(), HasSubstr("No such file or directory"));
    EXPECT_THAT(read_token_file(dir).error().describe(), HasSubstr("is a directory"));
    std::filesystem::remove_all(dir);
}

// [requests] ----------------------------------------------------------------------

TEST(client, every_typed_request) {
    using namespace ember::testing;
    fake_node node;
    auto c = connect_to(node);
    ASSERT_TRUE(c);

    auto page = c->processes({.sort = protocol::process_sort::memory, .limit = 1, .filter = "desk"});
    ASSERT_TRUE(page) << page.error().describe();
    ASSERT_EQ(page->rows.size(), 1u);
    EXPECT_EQ(page->rows[0], sample_process_row());
    auto sent = node.last_request("processes");
    ASSERT_TRUE(sent);
    auto opts = protocol::parse_processes_options(sent->request[1]);
    ASSERT_TRUE(opts);
    EXPECT_EQ(opts->sort, protocol::process_sort::memory);
    EXPECT_EQ(opts->limit, 1u);
    EXPECT_EQ(opts->filter, "desk");
    EXPECT_TRUE(sent->ref.is_integer()); // integers, never references

    auto info = c->process_info(term::binary("<0.42.0>"));
    ASSERT_TRUE(info) << info.error().describe();
    EXPECT_EQ(*info, sample_info());
    EXPECT_EQ(*c->system(), sample_system());
    EXPECT_EQ(*c->schedulers(), sample_schedulers());
    EXPECT_EQ(*c->applications(), sample_apps());
    EXPECT_EQ(*c->events(), sample_events());
    EXPECT_EQ(*c->warnings(), sample_warnings());
    const std::string names[] = {"memory", "process_count"};
    auto history = c->history(names);
    ASSERT_TRUE(history) << history.error().describe();
    ASSERT_EQ(history->size(), 2u);
    EXPECT_EQ((*history)[0].name, atom("memory"));
    EXPECT_EQ(node.last_request("history")->request[1], term::list({term::binary("memory"), term::binary("process_count")}));
}

TEST(client, server_errors_keep_their_code_and_message) {
    fake_node node;
    auto c = connect_to(node);
    ASSERT_TRUE(c);
    auto info = c->process_info(term::binary("<0.99.0>"));
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().errc, client_errc::server_error);
    EXPECT_EQ(info.error().code, atoms::noproc);
    EXPECT_EQ(info.error().describe(), "noproc: no process <<\"<0.99.0>\">>");
    auto kill = c->kill(term::binary("front_desk"));
    ASSERT_FALSE(kill);
    EXPECT_EQ(kill.error().describe(), "needs_admin: kill needs the admin token");
    auto bad = c->request(term::tuple({atom("proceses")}));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, atom("unknown_request"));
    EXPECT_TRUE(c->connected()); // errors of one request leave the connection up
}

TEST(client, control_with_the_admin_token) {
    fake_node node;
    auto c = connect_to(node, fake_node::admin_token);
    ASSERT_TRUE(c);
    const term who = term::binary("front_desk");
    EXPECT_TRUE(c->kill(who));
    EXPECT_TRUE(c->suspend(who));
    EXPECT_TRUE(c->resume(who));
    EXPECT_TRUE(c->exit(who, atom("shutdown")));
    EXPECT_TRUE(c->send(who, term::tuple({atom("hello"), term::integer(1)})));
    EXPECT_EQ(node.last_request("exit")->request, term::tuple({atom("exit"), who, atom("shutdown")}));
    EXPECT_EQ(node.last_request("send")->request, term::tuple({atom("send"), who, term::tuple({atom("hello"), term::integer(1)})}));
    EXPECT_EQ(c->kill(term::binary("nobody")).error().code, atoms::noproc);
}

TEST(client, a_request_not_answered_times_out_and_the_connection_stays) {
    std::atomic<bool> silent{true};
    fake_node node([&](const fake_node::seen& r) { return silent ? fake_node::answer{} : fake_node::canned(r); });
    auto c = connect_to(node);
    ASSERT_TRUE(c);
    auto r = c->request(term::tuple({atom("system")}), 100ms);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().errc, client_errc::timeout);
    EXPECT_EQ(r.error().describe(), "no reply from " + node.endpoint() + " within 100 ms");
    silent = false;
    EXPECT_TRUE(c->system()); // the late reply to the first Ref is dropped, not taken for this one
}

TEST(client, a_connection_lost_mid_request) {
    fake_node node([](const fake_node::seen&) { return fake_node::answer{.close = true}; });
    auto c = connect_to(node);
    ASSERT_TRUE(c);
    auto r = c->system();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().errc, client_errc::connection_lost);
    EXPECT_EQ(r.error().describe(), "connection to " + node.endpoint() + " lost: the node closed the connection");
    EXPECT_TRUE(eventually([&] { return !c->connected(); }));
    auto later = c->system();
    ASSERT_FALSE(later);
    EXPECT_EQ(later.error().errc, client_errc::connection_lost);
    EXPECT_THAT(later.error().describe(), HasSubstr("not connected to " + node.endpoint()));
}

TEST(client, the_nodes_last_word_is_the_reason) {
    fake_node node([](const fake_node::seen&) {
        return fake_node::answer{.last_word = term::tuple({atoms::error, to_term(protocol::make_reason("bad_term", "garbage"))})};
    });
    auto c = connect_to(node);
    ASSERT_TRUE(c);
    auto r = c->system();
    ASSERT_FALSE(r);
    EXPECT_THAT(r.error().describe(), HasSubstr("lost: the node closed it: bad_term: garbage"));
}

TEST(client, close_ends_a_waiting_call) {
    fake_node node(no_answer);
    auto c = connect_to(node);
    ASSERT_TRUE(c);
    std::optional<expected<term, client_error>> result;
    std::thread caller([&] { result = c->request(term::tuple({atom("system")}), 30s); });
    ASSERT_TRUE(node.wait_for_requests(1));
    c->close();
    caller.join();
    ASSERT_TRUE(result && !*result);
    EXPECT_EQ(result->error().errc, client_errc::connection_lost);
    EXPECT_EQ(c->reconnect().error().errc, client_errc::connection_lost); // closed for good
}

TEST(client, many_callers_at_once) {
    fake_node node;
    auto c = connect_to(node);
    ASSERT_TRUE(c);
    std::atomic<int> good{0};
    std::vector<std::thread> callers;
    for (int t = 0; t < 8; ++t) {
        callers.emplace_back([&, t] {
            for (int i = 0; i < 50; ++i) {
                const bool info = (t + i) % 2 == 0;
                const bool ok = info ? c->process_info(term::binary("front_desk")).has_value() : c->schedulers().has_value();
                good += ok;
            }
        });
    }
    for (auto& t : callers) t.join();
    EXPECT_EQ(good.load(), 400);
}

// [replies it cannot read] -------------------------------------------------------------

TEST(client, a_reply_of_the_wrong_shape_fails_that_call_alone) {
    fake_node node([](const fake_node::seen& r) {
        if (r.request[0] == atom("system")) return fake_node::answer{term::tuple({atoms::ok, term::binary("not a map")})};
        if (r.request[0] == atom("events")) return fake_node::answer{term::tuple({atom("maybe"), atoms::ok})};
        return fake_node::canned(r);
    });
    auto c = connect_to(node);
    ASSERT_TRUE(c);
    auto s = c->system();
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().errc, client_errc::bad_reply);
    EXPECT_EQ(s.error().describe(), "reply to system: expected a map, found <<\"not a map\">>");
    auto e = c->events(); // {Ref, {maybe, ok}}: not a reply; its call fails at once
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().errc, client_errc::bad_reply);
    EXPECT_TRUE(c->schedulers());
}

// The bytes of `{Ref, {ok, #{name => '<fresh>'}}}` with an atom nobody made:
// a placeholder's name swapped for one of the same length.
std::vector<std::byte> reply_with_fresh_atom(const term& ref, std::string_view fresh) {
    const std::string placeholder(fresh.size(), 'q');
    auto bytes = protocol::encode_frame(term::tuple({ref, term::tuple({atoms::ok, term::map({{atom("name"), atom(placeholder)}})})}));
    const std::string_view view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    const auto at = view.find(placeholder);
    for (std::size_t i = 0; i < fresh.size(); ++i) bytes[at + i] = static_cast<std::byte>(fresh[i]);
    return bytes;
}

// A name no atom has had in this OS process (tests may run repeatedly in one).
std::string fresh_name(std::string_view stem) {
    static std::atomic<int> n{0};
    for (;;) {
        std::string name = std::string(stem) + "_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
        if (!atom::existing(name)) return name;
    }
}

TEST(client, atoms_a_reply_brings_are_made) {
    const std::string fresh = fresh_name("made_by_reply");
    fake_node node([&](const fake_node::seen& r) { return fake_node::answer{.raw = reply_with_fresh_atom(r.ref, fresh)}; });
    auto c = connect_to(node);
    ASSERT_TRUE(c);
    auto r = c->request(term::tuple({atom("system")}));
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(*r->find(atom("name")), term(atom(fresh)));
}

TEST(client, with_atoms_refused_an_unknown_one_fails_its_call_alone) {
    const std::string fresh = fresh_name("refused_by_client");
    fake_node node([&](const fake_node::seen& r) {
        if (r.request[0] == atom("system")) return fake_node::answer{.raw = reply_with_fresh_atom(r.ref, fresh)};
        return fake_node::canned(r);
    });
    auto c = connect_to(node, fake_node::read_only_token, {.make_reply_atoms = false});
    ASSERT_TRUE(c);
    auto r = c->request(term::tuple({atom("system")}));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().errc, client_errc::bad_reply);
    EXPECT_THAT(r.error().describe(), HasSubstr("atom this client does not make"));
    EXPECT_FALSE(atom::existing(fresh));
    EXPECT_TRUE(c->schedulers()); // the connection goes on
}

TEST(client, atoms_stop_being_made_when_the_table_runs_short) {
    const std::string fresh = fresh_name("past_the_reserve");
    fake_node node([&](const fake_node::seen& r) { return fake_node::answer{.raw = reply_with_fresh_atom(r.ref, fresh)}; });
    // A reserve as large as the table: there is never room to spare.
    auto c = connect_to(node, fake_node::read_only_token, {.atoms_kept_free = atom_limit()});
    ASSERT_TRUE(c);
    auto r = c->request(term::tuple({atom("system")}));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().errc, client_errc::bad_reply);
    EXPECT_FALSE(atom::existing(fresh));
}

// [subscriptions] -----------------------------------------------------------------------

TEST(client, subscriptions_deliver_pushes_in_order) {
    fake_node node;
    auto c = connect_to(node);
    ASSERT_TRUE(c);
    auto id = c->subscribe(term::tuple({atom("system")}), 1000ms);
    ASSERT_TRUE(id) << id.error().describe();
    const auto sub = node.last_request("subscribe");
    ASSERT_TRUE(sub);
    EXPECT_EQ(sub->request, term::tuple({atom("subscribe"), term::tuple({atom("system")}), term::integer(1000)}));
    for (int i = 0; i < 3; ++i) node.push(sub->ref, term::integer(i));
    std::vector<push> got;
    ASSERT_TRUE(eventually([&] {
        c->take_pushes(got);
        return got.size() == 3;
    }));
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(got[static_cast<std::size_t>(i)].subscription, *id);
        EXPECT_EQ(got[static_cast<std::size_t>(i)].value, term::integer(i));
        EXPECT_FALSE(got[static_cast<std::size_t>(i)].error);
    }
    ASSERT_TRUE(c->unsubscribe(*id));
    EXPECT_EQ(node.last_request("unsubscribe")->request, term::tuple({atom("unsubscribe"), sub->ref}));
    node.push(sub->ref, term::integer(99)); // too late: nobody wants it
    node.push(sub->ref, term::integer(100));
    EXPECT_TRUE(c->system()); // the pushes came before this reply
    EXPECT_FALSE(c->wait_push(0ms));
    EXPECT_TRUE(c->unsubscribe(*id)); // twice is fine
}

TEST(client, a_refused_subscription_is_no_subscription) {
    fake_node node([](const fake_node::seen& r) {
        if (r.request[0] == atom("subscribe"))
            return fake_node::answer{term::tuple({atoms::error, to_term(protocol::make_reason("bad_request", "subscribe to what?"))})};
        return fake_node::canned(r);
    });
    auto c = connect_to(node);
    ASSERT_TRUE(c);
    auto id = c->subscribe(atom("nothing"), 10ms);
    ASSERT_FALSE(id);
    EXPECT_EQ(id.error().describe(), "bad_request: subscribe to what?");
    node.push(node.last_request("subscribe")->ref, term::integer(1));
    EXPECT_TRUE(c->system());
    EXPECT_FALSE(c->wait_push(0ms));
}

TEST(client, pushes_to_a_callback) {
    fake_node node;
    std::mutex mu;
    std::vector<term> values;
    auto c = connect_to(node, fake_node::read_only_token, {.on_push = [&](push p) {
                            std::lock_guard lock(mu);
                            values.push_back(p.value);
                        }});
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->subscribe(atom("warnings"), 500ms));
    node.push(node.last_request("subscribe")->ref, atom("w"));
    EXPECT_TRUE(eventually([&] {
        std::lock_guard lock(mu);
        return values.size() == 1;
    }));
    std::vector<push> queued;
    EXPECT_EQ(c->take_pushes(queued), 0u);
}

TEST(client, the_push_queue_is_bounded) {
    fake_node node;
    auto c = connect_to(node, fake_node::read_only_token, {.max_queued_pushes = 2});
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->subscribe(atom("system"), 100ms));
    const term ref = node.last_request("subscribe")->ref;
    for (int i = 0; i < 5; ++i) node.push(ref, term::integer(i));
    ASSERT_TRUE(eventually([&] { return c->dropped_pushes() == 3; }));
    std::vector<push> got;
    EXPECT_EQ(c->take_pushes(got), 2u);
    EXPECT_EQ(got[0].value, term::integer(3)); // the oldest went
    EXPECT_EQ(got[1].value, term::integer(4));
}

TEST(client, a_trace_is_a_subscription_of_rows) {
    fake_node node;
    auto c = connect_to(node, fake_node::admin_token);
    ASSERT_TRUE(c);
    auto id = c->trace(term::binary("front_desk"), {.max_messages = 10, .max_rate = 5});
    ASSERT_TRUE(id) << id.error().describe();
    EXPECT_EQ(node.last_request("trace")->request, term::tuple({atom("trace"), term::binary("front_desk"), to_term(protocol::trace_options{10, 5})}));
    for (std::uint64_t i = 0; i < 3; ++i) {
        auto p = c->wait_push(5s);
        ASSERT_TRUE(p);
        EXPECT_EQ(p->subscription, *id);
        EXPECT_EQ(from_term<protocol::trace_row>(p->value).value(), ember::testing::sample_trace_row(i));
    }
    auto last = c->wait_push(5s);
    ASSERT_TRUE(last);
    ASSERT_TRUE(last->ended);
    EXPECT_EQ(*last->ended, protocol::make_reason("complete", "the trace ended"));
    auto ro = connect_to(node);
    ASSERT_TRUE(ro);
    EXPECT_EQ(ro->trace(term::binary("front_desk")).error().code, atom("needs_admin"));
}

TEST(client, a_subscription_the_node_ends_is_forgotten) {
    fake_node node;
    auto c = connect_to(node);
    ASSERT_TRUE(c);
    auto id = c->subscribe(atom("system"), 1000ms);
    ASSERT_TRUE(id);
    const term ref = node.last_request("subscribe")->ref;
    node.push(ref, term::tuple({atom("ended"), to_term(protocol::make_reason("noproc", "the process is gone"))}));
    auto last = c->wait_push(5s);
    ASSERT_TRUE(last);
    EXPECT_EQ(last->subscription, *id);
    ASSERT_TRUE(last->ended);
    EXPECT_EQ(last->ended->code, atoms::noproc);
    EXPECT_FALSE(last->error);
    node.push(ref, term::integer(1)); // nobody listens any more
    EXPECT_TRUE(c->system()); // so the push came and went before this reply
    ASSERT_TRUE(c->reconnect());
    EXPECT_TRUE(c->system()); // renewals, had there been any, were sent before this
    std::size_t subscribes = 0;
    for (const auto& r : node.requests()) subscribes += r.request[0] == atom("subscribe");
    EXPECT_EQ(subscribes, 1u);
    std::vector<push> rest;
    c->take_pushes(rest);
    EXPECT_TRUE(rest.empty());
}

TEST(client, history_by_the_minute) {
    fake_node node;
    auto c = connect_to(node);
    ASSERT_TRUE(c);
    const std::string names[] = {"memory"};
    ASSERT_TRUE(c->history(names, resolution::minute));
    EXPECT_EQ(node.last_request("history")->request[1], term::tuple({atom("minute"), term::list({term::binary("memory")})}));
}

// [reconnecting] ----------------------------------------------------------------------------

TEST(client, reconnect_by_hand_renews_subscriptions) {
    fake_node node;
    auto c = connect_to(node);
    ASSERT_TRUE(c);
    auto id = c->subscribe(atom("system"), 1000ms);
    ASSERT_TRUE(id);
    node.drop_connections();
    auto notice = c->wait_push(5s);
    ASSERT_TRUE(notice);
    EXPECT_EQ(notice->subscription, *id);
    ASSERT_TRUE(notice->error);
    EXPECT_EQ(notice->error->errc, client_errc::connection_lost);
    EXPECT_TRUE(eventually([&] { return !c->connected(); }));

    ASSERT_TRUE(c->reconnect());
    EXPECT_TRUE(c->connected());
    EXPECT_EQ(c->connections(), 2u);
    ASSERT_TRUE(eventually([&] { return node.requests().size() == 2; })); // the subscription, renewed
    const auto renewed = node.requests().back();
    EXPECT_EQ(renewed.connection, 2u);
    EXPECT_EQ(renewed.request, term::tuple({atom("subscribe"), atom("system"), term::integer(1000)}));
    node.push(renewed.ref, atom("again"));
    auto p = c->wait_push(5s);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->subscription, *id); // the same id across connections
    EXPECT_EQ(p->value, term(atom("again")));
}

TEST(client, reconnect_by_itself_with_backoff) {
    fake_node node;
    auto c = connect_to(node, fake_node::read_only_token, {.auto_reconnect = true, .reconnect_delay = 10ms, .reconnect_max_delay = 50ms});
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->subscribe(atom("system"), 1000ms));
    node.drop_connections();
    ASSERT_TRUE(eventually([&] { return c->connections() == 2 && c->connected(); }));
    ASSERT_TRUE(eventually([&] { return node.requests().size() == 2; }));
    EXPECT_EQ(node.requests().back().connection, 2u);
    EXPECT_TRUE(c->system());
}

TEST(client, automatic_reconnection_gives_up_after_its_attempts) {
    auto node = std::make_unique<fake_node>();
    auto c =
        connect_to(*node, fake_node::read_only_token,
                   {.connect_timeout = 200ms, .auto_reconnect = true, .reconnect_delay = 5ms, .reconnect_max_delay = 10ms, .reconnect_attempts = 3});
    ASSERT_TRUE(c);
    node.reset(); // the node goes away for good
    ASSERT_TRUE(eventually([&] {
        auto r = c->system();
        return !r && r.error().describe().find("gave up reconnecting after 3 attempts") != std::string::npos;
    }));
    EXPECT_FALSE(c->connected());
    EXPECT_EQ(c->reconnect().error().errc, client_errc::unreachable);
}

TEST(client, a_refused_renewal_ends_the_subscription) {
    std::atomic<bool> refuse{false};
    fake_node node([&](const fake_node::seen& r) {
        if (refuse && r.request[0] == atom("subscribe"))
            return fake_node::answer{term::tuple({atoms::error, to_term(protocol::make_reason("bad_request", "no more"))})};
        return fake_node::canned(r);
    });
    auto c = connect_to(node);
    ASSERT_TRUE(c);
    auto id = c->subscribe(atom("system"), 1000ms);
    ASSERT_TRUE(id);
    refuse = true;
    ASSERT_TRUE(c->reconnect());
    std::optional<push> ended;
    ASSERT_TRUE(eventually([&] {
        auto p = c->wait_push(10ms);
        if (p && p->error && p->error->errc == client_errc::server_error) ended = p;
        return ended.has_value();
    }));
    EXPECT_EQ(ended->subscription, *id);
    EXPECT_EQ(ended->error->describe(), "bad_request: the node refused to renew the subscription: no more");
}

TEST(client, errc_names) {
    EXPECT_EQ(client_errc_name(client_errc::unreachable), "unreachable");
    EXPECT_EQ(client_errc_name(client_errc::bad_reply), "bad_reply");
    EXPECT_EQ((client_error{client_errc::server_error, atoms::noproc, "line one\nline two"}).describe(), "noproc: line one line two");
}

} // namespace
} // namespace ember::client
