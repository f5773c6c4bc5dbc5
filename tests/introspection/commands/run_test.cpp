// run(): for every command, the request term it sends (the one
// ember::client builds, so the agent and the in-process dispatcher see one
// protocol) and what it prints, in text and in JSON; the error lines.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ember/render/json.hpp"
#include "ember/render/text.hpp"
#include "fakes.hpp"

namespace ember::commands {
namespace {

using ember::testing::fake_console;
using ember::testing::fake_port;
using ember::testing::reply;
using ember::testing::run_line;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

term kind(std::string_view k) { return atom(k); }

class commands_run : public ::testing::Test {
protected:
    int run(std::string_view line) {
        console_ = fake_console{};
        console_.cols = cols_;
        console_.interactive_ = interactive_;
        port_.requests.clear();
        return run_line(port_, console_, line);
    }
    const std::string& out() const { return console_.text; }
    term last() const { return port_.requests.empty() ? term() : port_.requests.back(); }

    fake_port port_;
    fake_console console_;
    std::size_t cols_ = 0;
    bool interactive_ = false;
};

TEST_F(commands_run, ps_sends_its_options_and_prints_the_ps_table) {
    ASSERT_EQ(run("ps --sort mem --limit=5 --offset 2 --filter desk"), exit_ok);
    protocol::processes_options o{.sort = protocol::process_sort::memory, .limit = 5, .offset = 2, .filter = "desk"};
    EXPECT_EQ(last(), term::tuple({kind("processes"), to_term(o)}));
    EXPECT_EQ(out(), render::text(testing::sample_page()));
    EXPECT_THAT(out(), StartsWith("PID       NAME"));
    EXPECT_TRUE(console_.errors.empty());

    ASSERT_EQ(run("ps"), exit_ok);
    EXPECT_EQ(last(), term::tuple({kind("processes"), to_term(protocol::processes_options{})}));
}

TEST_F(commands_run, every_listing_sends_its_request_and_prints_its_text) {
    struct listing {
        const char* line;
        term request;
        std::string text;
    };
    const std::vector<listing> all = {
        {"info <0.42.0>", term::tuple({kind("process_info"), term::binary("<0.42.0>")}), render::text(testing::sample_info())},
        {"sched", term::tuple({kind("schedulers")}), render::text(testing::sample_schedulers())},
        {"system", term::tuple({kind("system")}), render::text(testing::sample_system())},
        {"apps", term::tuple({kind("applications")}), render::text(testing::sample_apps())},
        {"tree", term::tuple({kind("applications")}), render::tree(testing::sample_apps())},
        {"events", term::tuple({kind("events")}), render::text(testing::sample_events())},
        {"warnings", term::tuple({kind("warnings")}), render::text(testing::sample_warnings())},
        {"history memory utilization_0", term::tuple({kind("history"), term::list({term::binary("memory"), term::binary("utilization_0")})}),
         render::text(testing::sample_series())},
    };
    for (const auto& l : all) {
        ASSERT_EQ(run(l.line), exit_ok) << l.line;
        EXPECT_EQ(port_.requests, std::vector<term>{l.request}) << l.line;
        EXPECT_EQ(out(), l.text) << l.line;
    }
    ASSERT_EQ(run("history --resolution minute memory"), exit_ok);
    EXPECT_EQ(last(), term::tuple({kind("history"), term::tuple({atom("minute"), term::list({term::binary("memory")})})}));
}

TEST_F(commands_run, every_listing_has_the_json_ember_ctl_printed) {
    ASSERT_EQ(run("ps --json"), exit_ok);
    EXPECT_EQ(out(), render::json(testing::sample_page(), {.indent = 2}) + "\n");
    ASSERT_EQ(run("info front_desk --json"), exit_ok);
    EXPECT_EQ(out(), render::json(testing::sample_info(), {.indent = 2}) + "\n");
    ASSERT_EQ(run("--json sched"), exit_ok);
    EXPECT_EQ(out(), render::json(testing::sample_schedulers(), {.indent = 2}) + "\n");
    for (const char* line : {"system --json", "apps --json", "tree --json", "events --json", "warnings --json", "history memory --json",
                             "messages front_desk --json", "state front_desk --json", "mem --json"}) {
        ASSERT_EQ(run(line), exit_ok) << line;
        EXPECT_FALSE(nlohmann::json::parse(out(), nullptr, false).is_discarded()) << line << ": " << out();
        EXPECT_EQ(out().find('\x1b'), std::string::npos) << line;
    }
}

TEST_F(commands_run, a_process_is_sent_as_a_binary) {
    ASSERT_EQ(run("info 0.42.0"), exit_ok);
    EXPECT_EQ(last()[1], term::binary("<0.42.0>"));
    ASSERT_EQ(run("info front_desk"), exit_ok);
    EXPECT_EQ(last()[1], term::binary("front_desk"));
    ASSERT_EQ(run("suspend <0.42.0>"), exit_ok);
    EXPECT_EQ(last(), term::tuple({kind("suspend"), term::binary("<0.42.0>")}));
}

TEST_F(commands_run, an_unknown_process_is_one_clear_line) {
    EXPECT_EQ(run("info <0.99.0>"), exit_failed);
    EXPECT_EQ(out(), "");
    EXPECT_EQ(console_.errors, std::vector<std::string>{"noproc: no process <0.99.0>"});
    EXPECT_EQ(run("messages 0.99.0"), exit_failed);
    EXPECT_EQ(console_.errors, std::vector<std::string>{"noproc: no process <0.99.0>"});
    EXPECT_EQ(run("state nobody"), exit_failed);
    EXPECT_EQ(console_.errors, std::vector<std::string>{"noproc: no process named 'nobody'"});
    port_.answers["kill"] = [](const term&) -> reply { return unexpected(protocol::make_reason("noproc", "noproc: gone")); };
    EXPECT_EQ(run("kill nobody"), exit_failed);
    EXPECT_EQ(console_.errors, std::vector<std::string>{"noproc: no process named 'nobody'"});
    // A port whose lines are bare (the SSH shell's) gets a bare line.
    port_.answers["kill"] = [](const term&) -> reply { return unexpected(protocol::make_reason("noproc", "no process named 'x'")); };
    EXPECT_EQ(run("kill 0.99.0"), exit_failed);
    EXPECT_EQ(console_.errors, std::vector<std::string>{"no process <0.99.0>"});
}

TEST_F(commands_run, other_failures_are_the_ports_line_as_it_is) {
    port_.answers["kill"] = [](const term&) -> reply {
        return unexpected(protocol::make_reason("needs_admin", "needs_admin: kill needs the admin token (this key is read-only)"));
    };
    EXPECT_EQ(run("kill front_desk"), exit_failed);
    EXPECT_EQ(console_.errors, std::vector<std::string>{"needs_admin: kill needs the admin token (this key is read-only)"});
    EXPECT_EQ(out(), "");

    // A reply this program cannot read: one line naming the request.
    port_.answers["system"] = [](const term&) -> reply { return term(atoms::ok); };
    EXPECT_EQ(run("system"), exit_failed);
    ASSERT_EQ(console_.errors.size(), 1u);
    EXPECT_THAT(console_.errors[0], StartsWith("reply to system: "));
}

TEST_F(commands_run, control_sends_its_request_and_prints_ok) {
    struct control {
        const char* line;
        term request;
    };
    const term who = term::binary("front_desk");
    const std::vector<control> all = {
        {"kill front_desk", term::tuple({kind("kill"), who})},
        {"kill front_desk {shutdown, maintenance}", term::tuple({kind("exit"), who, term::tuple({atom("shutdown"), atom("maintenance")})})},
        {"exit front_desk normal", term::tuple({kind("exit"), who, atom("normal")})},
        {"suspend front_desk", term::tuple({kind("suspend"), who})},
        {"resume front_desk", term::tuple({kind("resume"), who})},
        {"send front_desk {hello, [1, 2], <<\"a b\">>}",
         term::tuple({kind("send"), who, term::tuple({atom("hello"), term::list({term::integer(1), term::integer(2)}), term::binary("a b")})})},
    };
    for (const auto& c : all) {
        ASSERT_EQ(run(c.line), exit_ok) << c.line;
        EXPECT_EQ(port_.requests, std::vector<term>{c.request}) << c.line;
        EXPECT_EQ(out(), "ok\n") << c.line;
    }
    ASSERT_EQ(run("resume front_desk --json"), exit_ok);
    EXPECT_EQ(out(), "\"ok\"\n");
}

TEST_F(commands_run, an_invocation_made_by_hand_reads_its_term_at_run) {
    invocation inv;
    inv.command = find("send");
    inv.args = {"front_desk", "{a, 1}"};
    fake_console console;
    ASSERT_EQ(commands::run(port_, inv, console), exit_ok);
    EXPECT_EQ(port_.requests.back()[2], term::tuple({atom("a"), term::integer(1)}));
    inv.args[1] = "{a,";
    EXPECT_EQ(commands::run(port_, inv, console), exit_failed);
    ASSERT_EQ(console.errors.size(), 1u);
    EXPECT_THAT(console.errors[0], StartsWith("cannot read TERM '{a,'"));
}

TEST_F(commands_run, messages_shows_the_mailbox_preview) {
    ASSERT_EQ(run("messages front_desk"), exit_ok);
    EXPECT_EQ(last(), term::tuple({kind("process_info"), term::binary("front_desk")}));
    EXPECT_EQ(out(), "<0.42.0>  front_desk: 3 messages waiting, the oldest for 1.2 s\n"
                     "  {hello,world}\n"
                     "  {'$gen_call',{<0.50.0>,#Ref<0.1.2.3>},get}\n"
                     "  ping\n");

    // The node shows only the first few of a long queue.
    port_.answers["process_info"] = [](const term&) -> reply {
        auto info = testing::sample_info();
        info.process.message_queue_len = 1000;
        return to_term(info);
    };
    ASSERT_EQ(run("messages front_desk"), exit_ok);
    EXPECT_THAT(out(), HasSubstr("1000 messages waiting"));
    EXPECT_THAT(out(), HasSubstr("\n  ... and 997 more (the node shows the first 3)\n"));

    port_.answers["process_info"] = [](const term&) -> reply {
        auto info = testing::sample_info();
        info.process.message_queue_len = 0;
        info.messages.clear();
        return to_term(info);
    };
    ASSERT_EQ(run("messages front_desk"), exit_ok);
    EXPECT_EQ(out(), "<0.42.0>  front_desk: no messages waiting\n");

    port_ = fake_port{};
    ASSERT_EQ(run("messages front_desk --json"), exit_ok);
    const auto doc = nlohmann::json::parse(out());
    EXPECT_EQ(doc["pid"], "<0.42.0>");
    EXPECT_EQ(doc["registered_name"], "front_desk");
    EXPECT_EQ(doc["message_queue_len"], 3);
    EXPECT_EQ(doc["messages"].size(), 3u);
    EXPECT_EQ(doc["messages"][2], "ping");
}

TEST_F(commands_run, state_shows_the_behaviour_state_or_says_there_is_none) {
    ASSERT_EQ(run("state front_desk"), exit_ok);
    EXPECT_EQ(out(), "state of <0.42.0>  front_desk:\n  #{count => 3}\n");

    auto with_state = [this](std::optional<std::string> state, std::string error) {
        port_.answers["process_info"] = [state, error](const term&) -> reply {
            auto info = testing::sample_info();
            info.state = state;
            info.state_error = error;
            return to_term(info);
        };
    };
    with_state(std::nullopt, "state: not a behaviour");
    ASSERT_EQ(run("state front_desk"), exit_ok);
    EXPECT_EQ(out(), "<0.42.0>  front_desk has no behaviour state: it is not a gen_server or other behaviour\n");
    ASSERT_EQ(run("state front_desk --json"), exit_ok);
    const auto doc = nlohmann::json::parse(out());
    EXPECT_TRUE(doc["state"].is_null());
    EXPECT_EQ(doc["state_error"], "state: not a behaviour");

    with_state(std::nullopt, "mailbox: timeout; state: no answer in 500 ms");
    ASSERT_EQ(run("state front_desk"), exit_ok);
    EXPECT_EQ(out(), "<0.42.0>  front_desk: its state could not be read: no answer in 500 ms\n");
}

TEST_F(commands_run, mem_is_the_memory_part_of_system) {
    ASSERT_EQ(run("mem"), exit_ok);
    EXPECT_EQ(last(), term::tuple({kind("system")}));
    EXPECT_EQ(out(), "process memory  12.0 MiB (process frames and queued messages)\n"
                     "processes       1234 of 1.05M\n"
                     "per process     10.0 KiB on average\n"
                     "atoms           900\n");
    ASSERT_EQ(run("mem --json"), exit_ok);
    const auto doc = nlohmann::json::parse(out());
    EXPECT_EQ(doc["memory"], 12 * 1024 * 1024);
    EXPECT_EQ(doc["process_count"], 1234);
    EXPECT_EQ(doc["process_limit"], 1'048'576);
    EXPECT_EQ(doc["atom_count"], 900);
    EXPECT_EQ(doc.size(), 4u);
}

TEST_F(commands_run, tree_of_one_application) {
    ASSERT_EQ(run("tree batch"), exit_ok);
    EXPECT_EQ(out(), "batch  stopped: shutdown\n");
    EXPECT_EQ(run("tree nothing"), exit_failed);
    EXPECT_EQ(console_.errors, std::vector<std::string>{"noproc: no application named nothing"});
    ASSERT_EQ(run("tree batch --json"), exit_ok);
    EXPECT_EQ(nlohmann::json::parse(out()).size(), 1u);
}

TEST_F(commands_run, help_asks_the_node_nothing) {
    ASSERT_EQ(run("help"), exit_ok);
    EXPECT_EQ(out(), usage());
    ASSERT_EQ(run("help ps"), exit_ok);
    EXPECT_EQ(out(), usage(*find("ps")));
    ASSERT_EQ(run("kill --help"), exit_ok);
    EXPECT_EQ(out(), usage(*find("kill")));
    EXPECT_TRUE(port_.requests.empty());
}

TEST_F(commands_run, tables_fit_the_console_and_are_bold_only_on_a_terminal) {
    cols_ = 60;
    ASSERT_EQ(run("ps"), exit_ok);
    EXPECT_EQ(out(), render::text(testing::sample_page(), {.width = 60}));
    EXPECT_EQ(out().find('\x1b'), std::string::npos);

    interactive_ = true;
    ASSERT_EQ(run("ps"), exit_ok);
    EXPECT_THAT(out(), StartsWith("\x1b[1mPID"));
    EXPECT_EQ(out(), render::text(testing::sample_page(), {.width = 60, .colour = true}));
    ASSERT_EQ(run("ps --json"), exit_ok);
    EXPECT_THAT(out(), Not(HasSubstr("\x1b")));
}

} // namespace
} // namespace ember::commands
