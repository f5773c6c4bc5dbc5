// top and trace, the two commands that run until cancelled: their frames
// and rows on interactive and plain consoles, how they end (count, cancel,
// the trace's end, an error), and that they never wait for real time here:
// the fake console's cancel is scripted.
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
using ::testing::StartsWith;

constexpr std::string_view clear = "\x1b[H\x1b[2J";

std::size_t count(const std::string& s, std::string_view what) {
    std::size_t n = 0;
    for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
    return n;
}

protocol::processes_options options_sent(const fake_port& port, std::size_t i = 0) {
    auto sent = port.sent("processes");
    EXPECT_GT(sent.size(), i);
    return sent.size() > i ? from_term<protocol::processes_options>(sent[i][1]).value() : protocol::processes_options{};
}

// [top] -------------------------------------------------------------------------

const std::string header = "node nonode@nohost  up 3m 20s  processes 1234  memory 12.0 MiB\n"
                           "reductions 45.6k/s  messages 320/s  run queue 2  utilization 39.1% of 2 schedulers\n"
                           "\n";

TEST(commands_top, on_a_plain_console_prints_one_frame_and_ends) {
    fake_port port;
    fake_console console;
    ASSERT_EQ(run_line(port, console, "top"), exit_ok);
    EXPECT_EQ(console.text, header + render::text(testing::sample_page()));
    EXPECT_EQ(port.requests.size(), 3u); // system, schedulers, processes
    EXPECT_EQ(port.sent("system").size(), 1u);
    EXPECT_EQ(port.sent("schedulers").size(), 1u);
    const auto o = options_sent(port);
    EXPECT_EQ(o.sort, protocol::process_sort::reduction_rate);
    EXPECT_EQ(o.limit, 20u); // rows unknown
    EXPECT_TRUE(console.waits.empty());
    EXPECT_TRUE(console.errors.empty());
}

TEST(commands_top, count_frames_a_second_apart_and_a_blank_line_between) {
    fake_port port;
    fake_console console;
    ASSERT_EQ(run_line(port, console, "top --count 3 --sort mem"), exit_ok);
    const std::string frame = header + render::text(testing::sample_page());
    EXPECT_EQ(console.text, frame + "\n" + frame + "\n" + frame);
    EXPECT_EQ(console.waits, (std::vector<std::chrono::milliseconds>{std::chrono::seconds(1), std::chrono::seconds(1)}));
    EXPECT_EQ(port.sent("processes").size(), 3u);
    EXPECT_EQ(options_sent(port, 2).sort, protocol::process_sort::memory);
    EXPECT_EQ(console.text.find('\x1b'), std::string::npos);
}

TEST(commands_top, on_a_terminal_redraws_in_place_until_cancelled) {
    fake_port port;
    fake_console console;
    console.interactive_ = true;
    console.rows_ = 15;
    console.cols = 100;
    console.cancel_at_wait = 3; // Ctrl-C during the third wait
    ASSERT_EQ(run_line(port, console, "top"), exit_ok);
    EXPECT_EQ(console.writes, 3u);
    EXPECT_EQ(count(console.text, clear), 3u);
    EXPECT_THAT(console.text, StartsWith(std::string(clear) + "node nonode@nohost"));
    // The frame fits the terminal: the processes are what is left of its rows.
    EXPECT_EQ(options_sent(port).limit, 15u - 7u);
    EXPECT_THAT(console.text, HasSubstr("\x1b[1mPID")); // bold headers on a terminal
    const std::string one_frame = console.text.substr(0, console.text.find(clear, 1));
    EXPECT_LE(count(one_frame, "\n"), 15u);
}

TEST(commands_top, count_ends_it_on_a_terminal_too) {
    fake_port port;
    fake_console console;
    console.interactive_ = true;
    console.rows_ = 3; // too small: still one process
    ASSERT_EQ(run_line(port, console, "top --count 2"), exit_ok);
    EXPECT_EQ(count(console.text, clear), 2u);
    EXPECT_EQ(console.waits.size(), 1u);
    EXPECT_EQ(options_sent(port).limit, 1u);
}

TEST(commands_top, json_is_one_line_a_frame) {
    fake_port port;
    fake_console console;
    console.interactive_ = true;
    ASSERT_EQ(run_line(port, console, "top --json --count 2"), exit_ok);
    EXPECT_EQ(console.text.find('\x1b'), std::string::npos);
    ASSERT_EQ(count(console.text, "\n"), 2u);
    const auto first = nlohmann::json::parse(console.text.substr(0, console.text.find('\n')));
    EXPECT_EQ(first["system"]["process_count"], 1234);
    EXPECT_EQ(first["schedulers"].size(), 2u);
    EXPECT_EQ(first["processes"]["rows"][0]["pid"], "<0.42.0>");
}

TEST(commands_top, a_failed_frame_is_one_error_line) {
    fake_port port;
    port.answers["schedulers"] = [](const term&) -> reply { return unexpected(protocol::make_reason("timeout", "no reply within 10000 ms")); };
    fake_console console;
    console.interactive_ = true;
    EXPECT_EQ(run_line(port, console, "top"), exit_failed);
    EXPECT_EQ(console.errors, std::vector<std::string>{"no reply within 10000 ms"});
    EXPECT_EQ(console.text, "");
    EXPECT_TRUE(console.waits.empty());
}

// [trace] -----------------------------------------------------------------------

commands::trace_news rows(std::initializer_list<std::uint64_t> ns) {
    commands::trace_news n;
    for (auto i : ns) n.rows.push_back(testing::sample_trace_row(i));
    return n;
}

commands::trace_news ended(std::string message) {
    commands::trace_news n;
    n.ended = true;
    n.end_message = std::move(message);
    return n;
}

TEST(commands_trace, prints_rows_until_the_trace_ends) {
    fake_port port;
    port.script = {rows({0, 1}), commands::trace_news{}, rows({2}), ended("the trace ended")};
    fake_console console;
    ASSERT_EQ(run_line(port, console, "trace front_desk --max 50 --rate 10"), exit_ok);
    EXPECT_EQ(console.text, "    12.345 s  in   <0.50.0> -> <0.42.0>  {hello,0}\n"
                            "    12.346 s  in   <0.50.0> -> <0.42.0>  {hello,1}\n"
                            "    12.347 s  in   <0.50.0> -> <0.42.0>  {hello,2}\n"
                            "-- trace ended: the trace ended\n");
    EXPECT_EQ(port.traced, term::binary("front_desk"));
    EXPECT_EQ(port.trace_opts, (protocol::trace_options{50, 10}));
    EXPECT_TRUE(port.feed_dropped);
    EXPECT_TRUE(port.requests.empty()); // a trace is the port's, not a request
}

TEST(commands_trace, stops_at_max_counting_dropped_messages) {
    fake_port port;
    auto burst = rows({0, 1, 2});
    burst.rows[0].dropped = 3; // stands for 4 messages
    port.script = {burst};
    fake_console console;
    ASSERT_EQ(run_line(port, console, "trace 0.42.0 --max 5"), exit_ok);
    EXPECT_EQ(count(console.text, "\n"), 2u);
    EXPECT_THAT(console.text, HasSubstr("(3 dropped before it)"));
    EXPECT_EQ(port.traced, term::binary("<0.42.0>"));
    EXPECT_TRUE(port.feed_dropped); // dropping the feed stops the trace on the node
}

TEST(commands_trace, ends_when_cancelled_and_drops_the_feed) {
    fake_port port; // no news ever
    fake_console console;
    console.cancel_at_check = 4;
    ASSERT_EQ(run_line(port, console, "trace front_desk"), exit_ok);
    EXPECT_EQ(port.poll_waits.size(), 3u);
    EXPECT_EQ(console.text, "");
    EXPECT_TRUE(port.feed_dropped);
    EXPECT_EQ(port.trace_opts, protocol::trace_options{}); // the defaults
}

TEST(commands_trace, json_is_json_lines_without_an_end_mark) {
    fake_port port;
    port.script = {rows({0, 1, 2}), ended("done")};
    fake_console console;
    ASSERT_EQ(run_line(port, console, "trace front_desk --json"), exit_ok);
    ASSERT_EQ(count(console.text, "\n"), 3u);
    EXPECT_EQ(console.text.substr(0, console.text.find('\n')), render::json(testing::sample_trace_row(0)));
    EXPECT_EQ(nlohmann::json::parse(console.text.substr(0, console.text.find('\n')))["message"], "{hello,0}");
}

TEST(commands_trace, errors_are_one_line) {
    fake_port port;
    port.script = {rows({0}), unexpected(protocol::make_reason("overloaded", "overloaded: too many traces"))};
    fake_console console;
    EXPECT_EQ(run_line(port, console, "trace front_desk"), exit_failed);
    EXPECT_EQ(count(console.text, "\n"), 1u);
    EXPECT_EQ(console.errors, std::vector<std::string>{"overloaded: too many traces"});

    fake_port refusing;
    refusing.trace_refusal = protocol::make_reason("noproc", "noproc: no process <<\"nobody\">>");
    fake_console c2;
    EXPECT_EQ(run_line(refusing, c2, "trace nobody"), exit_failed);
    EXPECT_EQ(c2.errors, std::vector<std::string>{"noproc: no process named 'nobody'"});
}

} // namespace
} // namespace ember::commands
