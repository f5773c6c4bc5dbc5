// complete(): what Tab offers at each place of a line, from the table
// alone or from one request to the node, and nothing (never an error) when
// the node cannot say.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.hpp"

namespace ember::commands {
namespace {

using ember::testing::fake_port;
using ember::testing::reply;
using strings = std::vector<std::string>;

TEST(commands_complete, command_names_first) {
    fake_port port;
    auto all = complete(port, "");
    EXPECT_EQ(all.start, 0u);
    EXPECT_EQ(all.candidates.size(), table().size());
    EXPECT_TRUE(std::is_sorted(all.candidates.begin(), all.candidates.end()));
    EXPECT_EQ(complete(port, "p").candidates, strings{"ps"});
    EXPECT_EQ(complete(port, "  s").candidates, (strings{"sched", "send", "state", "suspend", "system"}));
    EXPECT_EQ(complete(port, "  s").start, 2u);
    EXPECT_EQ(complete(port, "--json t").candidates, (strings{"top", "trace", "tree"}));
    EXPECT_EQ(complete(port, "he").candidates, strings{"help"});
    EXPECT_TRUE(port.requests.empty());
}

TEST(commands_complete, options_and_their_values) {
    fake_port port;
    EXPECT_EQ(complete(port, "ps --").candidates, (strings{"--filter", "--help", "--json", "--limit", "--offset", "--sort"}));
    EXPECT_EQ(complete(port, "ps --s").candidates, strings{"--sort"});
    EXPECT_EQ(complete(port, "ps --s").start, 3u);
    EXPECT_EQ(complete(port, "ps --sort m").candidates, (strings{"mem", "memory", "message_queue_len", "message_rate", "mq", "msg/s", "msgq"}));
    EXPECT_EQ(complete(port, "top --sort re").candidates, (strings{"reds", "reds/s", "reduction_rate", "reductions"}));
    EXPECT_EQ(complete(port, "ps --sort=mem").candidates, (strings{"--sort=mem", "--sort=memory"}));
    EXPECT_EQ(complete(port, "history --resolution ").candidates, (strings{"minute", "second"}));
    EXPECT_EQ(complete(port, "history --resolution ").start, 21u);
    EXPECT_TRUE(complete(port, "ps --limit ").candidates.empty());
    EXPECT_EQ(complete(port, "--").candidates, (strings{"--help", "--json"}));
    EXPECT_TRUE(port.requests.empty());
}

TEST(commands_complete, a_process_from_one_processes_request) {
    fake_port port;
    auto c = complete(port, "info fr", 50);
    EXPECT_EQ(c.start, 5u);
    EXPECT_EQ(c.candidates, strings{"front_desk"});
    ASSERT_EQ(port.requests.size(), 1u);
    EXPECT_EQ(port.requests[0],
              term::tuple({atom("processes"), term::map({{atom("limit"), term::integer(50)}, {atom("filter"), term::binary("fr")}})}));

    // Pids: the node's filter does not match them, so none is sent.
    port.requests.clear();
    EXPECT_EQ(complete(port, "kill <0.4").candidates, strings{"<0.42.0>"});
    EXPECT_EQ(port.requests[0], term::tuple({atom("processes"), term::map({{atom("limit"), term::integer(100)}})}));
    EXPECT_EQ(complete(port, "suspend 0.").candidates, (strings{"0.42.0", "0.7.0"}));
    EXPECT_EQ(complete(port, "trace ").candidates, (strings{"<0.42.0>", "<0.7.0>", "front_desk"}));
    EXPECT_EQ(complete(port, "info \"fr").start, 5u); // the word starts at its quote

    // Only the first argument is a process.
    port.requests.clear();
    EXPECT_TRUE(complete(port, "send front_desk ").candidates.empty());
    EXPECT_TRUE(complete(port, "info front_desk ").candidates.empty());
    EXPECT_TRUE(port.requests.empty());
}

TEST(commands_complete, help_applications_and_series) {
    fake_port port;
    EXPECT_EQ(complete(port, "help t").candidates, (strings{"top", "trace", "tree"}));
    EXPECT_EQ(complete(port, "tree f").candidates, strings{"front_desk_app"});
    EXPECT_EQ(complete(port, "tree ").candidates, (strings{"batch", "front_desk_app"}));
    EXPECT_EQ(complete(port, "history memory u").candidates, (strings{"utilization_0", "utilization_1"}));
    EXPECT_EQ(complete(port, "history --resolution minute r").candidates, (strings{"reduction_rate", "run_queue_0", "run_queue_1"}));
}

TEST(commands_complete, never_fails) {
    fake_port down;
    down.answers.clear(); // every request fails
    EXPECT_TRUE(complete(down, "info fr").candidates.empty());
    EXPECT_TRUE(complete(down, "tree ").candidates.empty());
    EXPECT_EQ(complete(down, "history m").candidates, (strings{"memory", "message_rate"})); // the node-wide names need no node
    EXPECT_TRUE(complete(down, "frobnicate x").candidates.empty());
    EXPECT_TRUE(complete(down, "send x {a, \"b").candidates.empty());
    EXPECT_TRUE(complete(down, "ps", 0).candidates.empty());

    fake_port port;
    EXPECT_EQ(complete(port, "", 3).candidates, (strings{"apps", "events", "exit"}));
}

} // namespace
} // namespace ember::commands
