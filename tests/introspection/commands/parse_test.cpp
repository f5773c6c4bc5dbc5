// The table, parse() and the help texts: each error is one line saying
// what to type instead, and every value is checked before a request.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ember/commands/commands.hpp"
#include "ember/protocol/request.hpp"

namespace ember::commands {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

expected<invocation, std::string> parse_words(std::vector<std::string> words, const parse_settings& settings = {}) {
    return parse(words, settings);
}

std::string error_of(std::vector<std::string> words) {
    auto inv = parse_words(std::move(words));
    EXPECT_FALSE(inv);
    return inv ? std::string() : inv.error();
}

TEST(commands_table, lists_every_command_in_help_order) {
    std::vector<std::string_view> names;
    for (const auto& c : table()) names.push_back(c.name);
    EXPECT_EQ(names, (std::vector<std::string_view>{"help", "ps", "top", "info", "messages", "state", "kill", "exit", "suspend", "resume",
                                                    "send", "sched", "mem", "system", "apps", "tree", "events", "warnings", "history",
                                                    "trace"}));
    for (const auto& c : table()) {
        const bool control = c.name == "kill" || c.name == "exit" || c.name == "suspend" || c.name == "resume" || c.name == "send" ||
                             c.name == "trace";
        EXPECT_EQ(c.admin, control) << c.name;
        EXPECT_EQ(find(c.name), &c);
        EXPECT_FALSE(c.summary.empty()) << c.name;
    }
    EXPECT_EQ(find("pss"), nullptr);
    EXPECT_EQ(find("info")->first_argument, argument_kind::process);
    EXPECT_EQ(find("help")->first_argument, argument_kind::command);
}

TEST(commands_table, closest_guesses_a_typo) {
    EXPECT_EQ(closest("pss"), "ps");
    EXPECT_EQ(closest("tpo"), "top");   // a swap is one edit
    EXPECT_EQ(closest("hist"), "history"); // a unique prefix
    EXPECT_EQ(closest("sytsem"), "system");
    EXPECT_EQ(closest("trcae"), "trace");
    EXPECT_EQ(closest("xy"), "");         // nothing in common
    EXPECT_EQ(closest("frobnicate"), "");
    EXPECT_EQ(closest(""), "");
}

TEST(commands_parse, reads_a_command_its_arguments_and_options) {
    auto inv = parse_words({"ps", "--sort", "mem", "--limit=5", "--filter", "front desk"});
    ASSERT_TRUE(inv) << inv.error();
    EXPECT_EQ(inv->command, find("ps"));
    EXPECT_FALSE(inv->json);
    EXPECT_FALSE(inv->help);
    // A sort alias is stored as its protocol name; numbers as read.
    EXPECT_EQ(inv->options.at("--sort"), "memory");
    EXPECT_EQ(inv->options.at("--limit"), "5");
    EXPECT_EQ(inv->options.at("--filter"), "front desk");

    auto info = parse_words({"info", "<0.42.0>"});
    ASSERT_TRUE(info);
    EXPECT_EQ(info->args, std::vector<std::string>{"<0.42.0>"});
    EXPECT_FALSE(info->value);
}

TEST(commands_parse, json_and_help_go_anywhere) {
    EXPECT_TRUE(parse_words({"--json", "ps"})->json);
    EXPECT_TRUE(parse_words({"ps", "--json"})->json);
    EXPECT_TRUE(parse_words({"info", "--json", "x"})->json);
    EXPECT_EQ(error_of({"--json=yes", "ps"}), "--json takes no value");

    auto one = parse_words({"ps", "--help"});
    ASSERT_TRUE(one);
    EXPECT_TRUE(one->help);
    EXPECT_EQ(one->command, find("ps"));
    auto kill_help = parse_words({"kill", "-h"}); // no arguments needed for help
    ASSERT_TRUE(kill_help);
    EXPECT_TRUE(kill_help->help);

    auto all = parse_words({"help"});
    ASSERT_TRUE(all);
    EXPECT_TRUE(all->help);
    EXPECT_EQ(all->command, nullptr);
    EXPECT_TRUE(parse_words({"--help"})->help);
    EXPECT_EQ(parse_words({"--help"})->command, nullptr);

    auto help_ps = parse_words({"help", "ps"});
    ASSERT_TRUE(help_ps);
    EXPECT_TRUE(help_ps->help);
    EXPECT_EQ(help_ps->command, find("ps"));
    EXPECT_TRUE(help_ps->args.empty());
    EXPECT_EQ(error_of({"help", "pss"}), "unknown command 'pss' (did you mean ps?)");
    EXPECT_EQ(error_of({"help", "ps", "top"}), "too many arguments for help (help [CMD])");
}

TEST(commands_parse, errors_are_one_line_that_say_what_to_type) {
    EXPECT_EQ(error_of({}), "no command given (help lists them)");
    EXPECT_EQ(error_of({"pss"}), "unknown command 'pss' (did you mean ps?)");
    EXPECT_EQ(error_of({"frobnicate"}), "unknown command 'frobnicate' (help lists them)");
    EXPECT_EQ(error_of({"kill"}), "missing arguments for kill (kill PID|NAME [REASON])");
    EXPECT_EQ(error_of({"info", "a", "b"}), "too many arguments for info (info PID|NAME)");
    EXPECT_EQ(error_of({"exit", "x"}), "missing arguments for exit (exit PID|NAME REASON)");
    EXPECT_EQ(error_of({"history"}), "missing arguments for history (history NAME... [--resolution second|minute])");
    EXPECT_EQ(error_of({"ps", "--bogus"}), "unknown option --bogus for ps (ps [--sort KEY] [--limit N] [--offset N] [--filter TEXT])");
    EXPECT_EQ(error_of({"--sort", "memory", "ps"}), "unknown option --sort (a command's options follow it; help lists them)");
    EXPECT_EQ(error_of({"ps", "--limit"}), "--limit wants a value");
    for (const auto& e : {error_of({"pss"}), error_of({"kill"}), error_of({"ps", "--bogus"})}) EXPECT_EQ(e.find('\n'), std::string::npos) << e;
}

TEST(commands_parse, values_are_checked_here) {
    EXPECT_EQ(error_of({"ps", "--limit", "x"}), "--limit is a number from 1 to 10000, found 'x'");
    EXPECT_EQ(error_of({"ps", "--limit", "0"}), "--limit is a number from 1 to 10000, found '0'");
    EXPECT_EQ(error_of({"ps", "--limit", "10001"}), "--limit is a number from 1 to 10000, found '10001'");
    EXPECT_EQ(error_of({"ps", "--offset", "-1"}), "--offset is a number from 0 to 100000000, found '-1'");
    EXPECT_EQ(error_of({"ps", "--sort", "colour"}),
              "--sort is one of reductions, reduction_rate, memory, message_queue_len, message_rate, run_time, age; found 'colour'");
    EXPECT_EQ(error_of({"ps", "--filter", std::string(300, 'x')}), "--filter is at most 256 bytes");
    EXPECT_EQ(error_of({"top", "--count", "0"}), "--count is a number from 1 to 1000000, found '0'");
    EXPECT_EQ(error_of({"trace", "x", "--max", "0"}), "--max is a number from 1 to 100000, found '0'");
    EXPECT_EQ(error_of({"trace", "x", "--rate", "many"}), "--rate is a number from 1 to 1000000, found 'many'");
    EXPECT_EQ(error_of({"history", "--resolution", "hour", "memory"}), "--resolution is second or minute, found 'hour'");
    EXPECT_EQ(parse_words({"ps", "--limit", "007"})->options.at("--limit"), "7");
    for (const auto& [alias, name] : {std::pair{"reds", "reductions"}, {"reds/s", "reduction_rate"}, {"mq", "message_queue_len"},
                                      {"msgq", "message_queue_len"}, {"queue", "message_queue_len"}, {"msg/s", "message_rate"},
                                      {"runtime", "run_time"}, {"age", "age"}})
        EXPECT_EQ(parse_words({"top", "--sort", alias})->options.at("--sort"), name) << alias;
}

TEST(commands_parse, terms_are_read_here) {
    auto send = parse_words({"send", "front_desk", "{hello, [1, 2], <<\"x\">>}"});
    ASSERT_TRUE(send) << send.error();
    ASSERT_TRUE(send->value);
    EXPECT_EQ(*send->value, term::tuple({atom("hello"), term::list({term::integer(1), term::integer(2)}), term::binary("x")}));

    auto kill = parse_words({"kill", "x", "{shutdown, maintenance}"});
    ASSERT_TRUE(kill);
    EXPECT_EQ(*kill->value, term::tuple({atom("shutdown"), atom("maintenance")}));
    EXPECT_FALSE(parse_words({"kill", "x"})->value);

    const std::string bad = error_of({"send", "x", "{a,"});
    EXPECT_THAT(bad, StartsWith("cannot read TERM '{a,' as an Erlang term: "));
    EXPECT_THAT(bad, HasSubstr("column 4"));
    EXPECT_THAT(error_of({"exit", "x", "Reason"}), StartsWith("cannot read REASON 'Reason' as an Erlang term: "));

    // Inside a node no atom is made from what a user typed.
    auto in_node = parse_words({"send", "x", "zz_commands_test_no_such_atom"}, {.make_atoms = false});
    ASSERT_FALSE(in_node);
    EXPECT_THAT(in_node.error(), HasSubstr("does not exist"));
    EXPECT_TRUE(parse_words({"send", "x", "{ok, <<\"free text\">>}"}, {.make_atoms = false}));
}

TEST(commands_parse, double_dash_ends_options) {
    auto inv = parse_words({"tree", "--", "--json"});
    ASSERT_TRUE(inv) << inv.error();
    EXPECT_FALSE(inv->json);
    EXPECT_EQ(inv->args, std::vector<std::string>{"--json"});
}

TEST(commands_usage, lines_and_texts_come_from_the_table) {
    EXPECT_EQ(usage_line(*find("ps"), "ember-ctl"), "ember-ctl ps [--sort KEY] [--limit N] [--offset N] [--filter TEXT]");
    EXPECT_EQ(usage_line(*find("kill")), "kill PID|NAME [REASON]");
    EXPECT_EQ(usage_line(*find("history")), "history NAME... [--resolution second|minute]");

    const std::string one = usage(*find("top"), "ember-ctl");
    EXPECT_THAT(one, StartsWith("ember-ctl top [--sort KEY] [--count N]\n  "));
    EXPECT_THAT(one, HasSubstr("(default reduction_rate)"));
    EXPECT_THAT(usage(*find("kill")), HasSubstr("(admin)"));

    const std::string all = usage();
    for (const auto& c : table()) EXPECT_THAT(all, HasSubstr("\n  " + std::string(c.name) + " ")) << c.name;
    EXPECT_THAT(all, HasSubstr("send PID|NAME TERM"));
    EXPECT_THAT(all, HasSubstr("(admin)"));
    EXPECT_THAT(all, HasSubstr("help CMD (or CMD --help) shows one command"));
    EXPECT_THAT(usage("ember-ctl"), HasSubstr("ember-ctl help CMD (or ember-ctl CMD --help)"));
}

} // namespace
} // namespace ember::commands
