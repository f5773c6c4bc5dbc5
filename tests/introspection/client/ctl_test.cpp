// ember-ctl (tools/ember-ctl, through ctl::run) against a fake node: what
// each command sends, what it prints in text and JSON, the exit status, and
// the one line on stderr for each failure an operator meets. The commands
// are ember::commands' (tested alone in tests/introspection/commands/);
// these check them end to end through ember-ctl's client port and console.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "ctl.hpp"
#include "ember/protocol/replies.hpp"
#include "ember/protocol/request.hpp"
#include "fake_node.hpp"

namespace ember::ctl {
namespace {

using ember::testing::fake_node;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class ctl_test : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("ember_ctl_test_" + std::to_string(::getpid()) + "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_);
        std::ofstream(dir_ / "read-only.token") << fake_node::read_only_token << '\n';
        std::ofstream(dir_ / "admin.token") << fake_node::admin_token << '\n';
        std::ofstream(dir_ / "wrong.token") << "guess\n";
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    struct result {
        int status = -1;
        std::string out, err;
    };

    // Runs `ember-ctl --connect NODE --token-file TOKEN ARGS...`.
    result ctl(std::vector<std::string> args, const char* token = "read-only.token", run_options options = {}) {
        args.insert(args.begin(), {"--connect", node_.endpoint(), "--token-file", (dir_ / token).string()});
        std::ostringstream out, err;
        result r;
        r.status = run(args, out, err, options);
        r.out = out.str();
        r.err = err.str();
        return r;
    }

    static std::size_t lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

    fake_node node_;
    std::filesystem::path dir_;
};

TEST_F(ctl_test, ps_sends_its_options_and_prints_a_table) {
    auto r = ctl({"ps", "--sort", "mem", "--limit=5", "--filter", "desk"});
    ASSERT_EQ(r.status, exit_ok) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_THAT(r.out, StartsWith("PID       NAME"));
    EXPECT_THAT(r.out, HasSubstr("<0.42.0>  front_desk"));
    auto sent = node_.last_request("processes");
    ASSERT_TRUE(sent);
    auto opts = protocol::parse_processes_options(sent->request[1]);
    ASSERT_TRUE(opts);
    EXPECT_EQ(opts->sort, protocol::process_sort::memory);
    EXPECT_EQ(opts->limit, 5u);
    EXPECT_EQ(opts->filter, "desk");
}

TEST_F(ctl_test, every_listing_has_json) {
    for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
             {"ps"}, {"info", "<0.42.0>"}, {"sched"}, {"system"}, {"apps"}, {"tree"}, {"events"}, {"warnings"}, {"history", "memory"}}) {
        auto args = cmd;
        args.push_back("--json");
        auto r = ctl(args);
        ASSERT_EQ(r.status, exit_ok) << cmd[0] << ": " << r.err;
        const auto doc = nlohmann::json::parse(r.out, nullptr, false);
        EXPECT_FALSE(doc.is_discarded()) << cmd[0] << ": " << r.out;
    }
    const auto page = nlohmann::json::parse(ctl({"--json", "ps"}).out);
    EXPECT_EQ(page["rows"][0]["pid"], "<0.42.0>");
    const auto info = nlohmann::json::parse(ctl({"info", "front_desk", "--json"}).out);
    EXPECT_EQ(info["process"]["registered_name"], "front_desk");
}

TEST_F(ctl_test, every_listing_has_text) {
    EXPECT_THAT(ctl({"info", "front_desk"}).out, StartsWith("<0.42.0>  front_desk\n"));
    EXPECT_THAT(ctl({"sched"}).out, StartsWith("ID   UTIL"));
    EXPECT_THAT(ctl({"system"}).out, StartsWith("node "));
    EXPECT_THAT(ctl({"apps"}).out, HasSubstr("front_desk_app  running"));
    EXPECT_THAT(ctl({"tree"}).out, HasSubstr("└─ pool_sup  <0.43.0>"));
    EXPECT_EQ(ctl({"tree", "batch"}).out, "batch  stopped: shutdown\n");
    EXPECT_THAT(ctl({"events"}).out, HasSubstr("long_schedule"));
    EXPECT_THAT(ctl({"warnings"}).out, HasSubstr("mailbox_growing"));
    EXPECT_THAT(ctl({"history", "memory", "process_count"}).out, HasSubstr("process_count"));
    EXPECT_EQ(node_.last_request("history")->request[1], term::list({term::binary("memory"), term::binary("process_count")}));
}

TEST_F(ctl_test, a_process_is_sent_as_a_binary) {
    ASSERT_EQ(ctl({"info", "<0.42.0>"}).status, exit_ok);
    EXPECT_EQ(node_.last_request("process_info")->request[1], term::binary("<0.42.0>"));
    ASSERT_EQ(ctl({"info", "0.42.0"}).status, exit_ok);
    EXPECT_EQ(node_.last_request("process_info")->request[1], term::binary("<0.42.0>"));
    ASSERT_EQ(ctl({"info", "front_desk"}).status, exit_ok);
    EXPECT_EQ(node_.last_request("process_info")->request[1], term::binary("front_desk"));
}

TEST_F(ctl_test, an_unknown_process_is_one_line) {
    auto r = ctl({"info", "<0.99.0>"});
    EXPECT_EQ(r.status, exit_failed);
    EXPECT_EQ(r.out, "");
    // Said from what was typed, whatever words the node used (this fake
    // prints the term: "no process <<\"<0.99.0>\">>").
    EXPECT_EQ(r.err, "ember-ctl: noproc: no process <0.99.0>\n");
    EXPECT_EQ(ctl({"kill", "nobody"}, "admin.token").err, "ember-ctl: noproc: no process named 'nobody'\n");
    EXPECT_EQ(ctl({"tree", "nothing"}).err, "ember-ctl: noproc: no application named nothing\n");
}

TEST_F(ctl_test, control_needs_the_admin_token) {
    auto ro = ctl({"kill", "front_desk"});
    EXPECT_EQ(ro.status, exit_failed);
    EXPECT_EQ(ro.err, "ember-ctl: needs_admin: kill needs the admin token (the token in " + (dir_ / "read-only.token").string() +
                          " is read-only; use the node's admin.token)\n");
    for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{{"kill", "front_desk"},
                                                                                     {"suspend", "<0.42.0>"},
                                                                                     {"resume", "<0.42.0>"},
                                                                                     {"exit", "front_desk", "{shutdown, maintenance}"},
                                                                                     {"send", "front_desk", "{hello, [1, 2], <<\"x\">>}"}}) {
        auto r = ctl(cmd, "admin.token");
        EXPECT_EQ(r.status, exit_ok) << cmd[0] << ": " << r.err;
        EXPECT_EQ(r.out, "ok\n");
    }
    EXPECT_EQ(node_.last_request("exit")->request,
              term::tuple({atom("exit"), term::binary("front_desk"), term::tuple({atom("shutdown"), atom("maintenance")})}));
    EXPECT_EQ(node_.last_request("send")->request[2],
              term::tuple({atom("hello"), term::list({term::integer(1), term::integer(2)}), term::binary("x")}));
    EXPECT_EQ(ctl({"kill", "nobody"}, "admin.token").status, exit_failed);
}

TEST_F(ctl_test, connection_failures_are_one_line) {
    auto bad = ctl({"ps"}, "wrong.token");
    EXPECT_EQ(bad.status, exit_failed);
    EXPECT_EQ(bad.err, "ember-ctl: the node at " + node_.endpoint() + " refused the token: token not accepted (token file " +
                           (dir_ / "wrong.token").string() + ")\n");
    auto missing = ctl({"ps"}, "no.token");
    EXPECT_EQ(missing.status, exit_failed);
    EXPECT_THAT(missing.err, StartsWith("ember-ctl: token file "));
    EXPECT_EQ(lines(missing.err), 1u);

    std::ostringstream out, err;
    const std::vector<std::string> args = {"--connect", "127.0.0.1:1", "--token-file", (dir_ / "read-only.token").string(), "system"};
    EXPECT_EQ(run(args, out, err), exit_failed);
    EXPECT_EQ(err.str(), "ember-ctl: cannot reach 127.0.0.1:1: Connection refused\n");
}

TEST_F(ctl_test, usage_errors_connect_nowhere) {
    const std::size_t before = node_.accepted();
    for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{{"frobnicate"},
                                                                                     {"ps", "--sort", "colour"},
                                                                                     {"ps", "--limit", "0"},
                                                                                     {"ps", "--limit", "x"},
                                                                                     {"ps", "--bogus"},
                                                                                     {"info"},
                                                                                     {"info", "a", "b"},
                                                                                     {"send", "front_desk", "{unclosed"},
                                                                                     {"exit", "x"},
                                                                                     {"trace", "x", "--max", "0"},
                                                                                     {"ps", "--limit"},
                                                                                     {"--json=yes", "ps"}}) {
        auto r = ctl(cmd);
        EXPECT_EQ(r.status, exit_usage) << cmd[0];
        EXPECT_THAT(r.err, StartsWith("ember-ctl: ")) << cmd[0];
        EXPECT_EQ(lines(r.err), 1u) << r.err;
    }
    EXPECT_EQ(node_.accepted(), before);

    std::ostringstream out, err;
    EXPECT_EQ(run(std::vector<std::string>{"ps"}, out, err), exit_usage);
    EXPECT_EQ(err.str(), "ember-ctl: say which node with --connect HOST:PORT (or EMBER_CONNECT)\n");
}

TEST_F(ctl_test, help) {
    std::ostringstream out, err;
    EXPECT_EQ(run(std::vector<std::string>{"--help"}, out, err), exit_ok);
    EXPECT_THAT(out.str(), HasSubstr("usage: ember-ctl --connect HOST:PORT --token-file FILE"));
    for (const char* cmd : {"help", "ps", "top", "info", "messages", "state", "sched", "mem", "system", "apps", "tree", "events", "warnings",
                            "history", "kill", "exit", "suspend", "resume", "send", "trace"})
        EXPECT_THAT(out.str(), HasSubstr(std::string("\n  ") + cmd + " ")) << cmd;
    std::ostringstream one, none;
    EXPECT_EQ(run(std::vector<std::string>{"ps", "--help"}, one, none), exit_ok);
    EXPECT_THAT(one.str(), StartsWith("ember-ctl ps [--sort KEY] [--limit N] [--offset N] [--filter TEXT]\n"));
    std::ostringstream help_top, none2;
    EXPECT_EQ(run(std::vector<std::string>{"help", "top"}, help_top, none2), exit_ok);
    EXPECT_THAT(help_top.str(), StartsWith("ember-ctl top [--sort KEY] [--count N]\n"));
    EXPECT_EQ(node_.accepted(), 0u); // help needs no node
}

TEST_F(ctl_test, the_new_commands) {
    auto messages = ctl({"messages", "front_desk"});
    ASSERT_EQ(messages.status, exit_ok) << messages.err;
    EXPECT_THAT(messages.out, StartsWith("<0.42.0>  front_desk: 3 messages waiting"));
    auto state = ctl({"state", "<0.42.0>"});
    ASSERT_EQ(state.status, exit_ok) << state.err;
    EXPECT_EQ(state.out, "state of <0.42.0>  front_desk:\n  #{count => 3}\n");
    auto mem = ctl({"mem"});
    ASSERT_EQ(mem.status, exit_ok) << mem.err;
    EXPECT_THAT(mem.out, StartsWith("process memory  12.0 MiB"));
    EXPECT_EQ(nlohmann::json::parse(ctl({"mem", "--json"}).out)["memory"], 12 * 1024 * 1024);

    auto kill = ctl({"kill", "front_desk", "{shutdown, maintenance}"}, "admin.token");
    ASSERT_EQ(kill.status, exit_ok) << kill.err;
    EXPECT_EQ(kill.out, "ok\n");
    EXPECT_EQ(node_.last_request("exit")->request,
              term::tuple({atom("exit"), term::binary("front_desk"), term::tuple({atom("shutdown"), atom("maintenance")})}));

    auto typo = ctl({"pss"});
    EXPECT_EQ(typo.status, exit_usage);
    EXPECT_EQ(typo.err, "ember-ctl: unknown command 'pss' (did you mean ps?)\n");
}

TEST_F(ctl_test, top_prints_one_frame_to_a_pipe) {
    auto r = ctl({"top"});
    ASSERT_EQ(r.status, exit_ok) << r.err;
    EXPECT_THAT(r.out, StartsWith("node nonode@nohost  up 3m 20s  processes 1234  memory 12.0 MiB\n"));
    EXPECT_THAT(r.out, HasSubstr("\nPID       NAME"));
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
    auto opts = protocol::parse_processes_options(node_.last_request("processes")->request[1]);
    ASSERT_TRUE(opts);
    EXPECT_EQ(opts->sort, protocol::process_sort::reduction_rate);

    // --json: a frame is one line of JSON (frames a second apart are
    // tested against a scripted console in tests/introspection/commands/).
    auto json = ctl({"top", "--count", "1", "--json"});
    ASSERT_EQ(json.status, exit_ok) << json.err;
    EXPECT_EQ(lines(json.out), 1u);
    EXPECT_EQ(nlohmann::json::parse(json.out)["system"]["process_count"], 1234);
}

TEST_F(ctl_test, top_on_a_terminal_redraws_until_interrupted) {
    std::atomic<bool> interrupted{true}; // Ctrl-C already: one frame, then the wait sees it
    auto r = ctl({"top"}, "read-only.token", {.interrupted = &interrupted, .rows = 20, .interactive = true});
    ASSERT_EQ(r.status, exit_ok) << r.err;
    EXPECT_THAT(r.out, StartsWith("\x1b[H\x1b[2Jnode "));
    EXPECT_THAT(r.out, HasSubstr("\x1b[1mPID")); // bold headers on a terminal only
    EXPECT_EQ(protocol::parse_processes_options(node_.last_request("processes")->request[1])->limit, 13u);
}

TEST_F(ctl_test, environment_defaults) {
    std::ostringstream out, err;
    run_options o{.default_connect = node_.endpoint(), .default_token_file = (dir_ / "read-only.token").string()};
    EXPECT_EQ(run(std::vector<std::string>{"system"}, out, err, o), exit_ok) << err.str();
}

TEST_F(ctl_test, width_fits_tables) {
    auto r = ctl({"ps", "--width", "60"});
    ASSERT_EQ(r.status, exit_ok);
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
        const auto cols =
            static_cast<std::size_t>(std::count_if(line.begin(), line.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
        EXPECT_LE(cols, 60u) << line;
    }
}

TEST_F(ctl_test, trace_prints_rows_until_the_trace_ends) {
    auto r = ctl({"trace", "front_desk", "--max", "50", "--rate", "10"}, "admin.token");
    ASSERT_EQ(r.status, exit_ok) << r.err;
    EXPECT_EQ(r.out, "    12.345 s  in   <0.50.0> -> <0.42.0>  {hello,0}\n"
                     "    12.346 s  in   <0.50.0> -> <0.42.0>  {hello,1}\n"
                     "    12.347 s  in   <0.50.0> -> <0.42.0>  {hello,2}\n"
                     "-- trace ended: the trace ended\n");
    EXPECT_EQ(node_.last_request("trace")->request[2], to_term(protocol::trace_options{50, 10}));

    auto json = ctl({"trace", "front_desk", "--json"}, "admin.token");
    ASSERT_EQ(json.status, exit_ok);
    EXPECT_EQ(lines(json.out), 3u); // JSON Lines, no end mark
    EXPECT_EQ(nlohmann::json::parse(json.out.substr(0, json.out.find('\n')))["message"], "{hello,0}");

    auto capped = ctl({"trace", "front_desk", "--max", "2"}, "admin.token");
    EXPECT_EQ(lines(capped.out), 2u);
    EXPECT_EQ(ctl({"trace", "front_desk"}).status, exit_failed); // read-only
}

TEST_F(ctl_test, a_trace_the_node_ends_with_an_error_fails) {
    fake_node failing([](const fake_node::seen& r) {
        if (r.request[0] != atom("trace")) return fake_node::canned(r);
        return fake_node::answer{.result = term::tuple({atoms::ok, r.ref}),
                                 .pushes = {term::tuple({atom("ended"), to_term(protocol::make_reason("overloaded", "too many traces"))})}};
    });
    std::ostringstream out, err;
    const std::vector<std::string> args = {"--connect", failing.endpoint(), "--token-file", (dir_ / "admin.token").string(), "trace", "front_desk"};
    EXPECT_EQ(run(args, out, err), exit_failed);
    EXPECT_EQ(err.str(), "ember-ctl: overloaded: too many traces\n");
}

TEST_F(ctl_test, history_resolution) {
    ASSERT_EQ(ctl({"history", "--resolution", "minute", "memory"}).status, exit_ok);
    EXPECT_EQ(node_.last_request("history")->request[1], term::tuple({atom("minute"), term::list({term::binary("memory")})}));
    auto bad = ctl({"history", "--resolution", "hour", "memory"});
    EXPECT_EQ(bad.status, exit_usage);
    EXPECT_EQ(bad.err, "ember-ctl: --resolution is second or minute, found 'hour'\n");
}

TEST_F(ctl_test, trace_ends_at_an_interrupt_and_stops_on_the_node) {
    fake_node quiet([](const fake_node::seen& r) {
        if (r.request[0] == atom("trace")) return fake_node::answer{term::tuple({atoms::ok, atoms::ok})}; // rows never come
        return fake_node::canned(r);
    });
    std::atomic<bool> interrupted{false};
    std::thread interrupter([&] {
        quiet.wait_for_requests(1);
        interrupted = true;
    });
    std::ostringstream out, err;
    const std::vector<std::string> args = {"--connect", quiet.endpoint(), "--token-file", (dir_ / "admin.token").string(), "trace", "<0.42.0>"};
    EXPECT_EQ(run(args, out, err, {.interrupted = &interrupted}), exit_ok) << err.str();
    interrupter.join();
    EXPECT_TRUE(quiet.wait_for_requests(2));
    auto stop = quiet.last_request("unsubscribe");
    ASSERT_TRUE(stop);
    EXPECT_EQ(stop->request[1], quiet.last_request("trace")->ref);
}

} // namespace
} // namespace ember::ctl
