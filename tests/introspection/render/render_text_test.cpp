// ember::render's text: humane units, the tables of every reply at full
// width and narrowed, the supervision tree drawing, and text from the node
// that would break a layout (line breaks, long UTF-8 names).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "ember/render/text.hpp"
#include "introspection/render/sample_replies.hpp"

namespace ember::render {
namespace {

using ember::testing::local_pid;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

std::size_t columns(const std::string& line) {
    std::size_t n = 0;
    for (char c : line) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

void expect_fits(const std::string& text, std::size_t width) {
    for (const auto& line : lines_of(text)) EXPECT_LE(columns(line), width) << line;
}

TEST(render_units, bytes) {
    EXPECT_EQ(bytes_text(0), "0 B");
    EXPECT_EQ(bytes_text(1023), "1023 B");
    EXPECT_EQ(bytes_text(1024), "1.0 KiB");
    EXPECT_EQ(bytes_text(1536), "1.5 KiB");
    EXPECT_EQ(bytes_text(12'900'000), "12.3 MiB");
    EXPECT_EQ(bytes_text(200u * 1024 * 1024), "200 MiB");
    EXPECT_EQ(bytes_text(1024u * 1024 * 1024 - 1), "1.0 GiB"); // rounds up a unit, never "1024 MiB"
    EXPECT_EQ(bytes_text(~std::uint64_t{0}), "16.0 EiB");
}

TEST(render_units, durations) {
    EXPECT_EQ(ms_text(0), "0 ms");
    EXPECT_EQ(ms_text(999), "999 ms");
    EXPECT_EQ(ms_text(1200), "1.2 s");
    EXPECT_EQ(ms_text(59'000), "59.0 s");
    EXPECT_EQ(ms_text(200'000), "3m 20s");
    EXPECT_EQ(ms_text(2 * 3600'000 + 5 * 60'000), "2h 05m");
    EXPECT_EQ(ms_text(3 * 86'400'000ull + 4 * 3600'000), "3d 04h");
    EXPECT_EQ(us_text(850), "850 us");
    EXPECT_EQ(us_text(1234), "1.2 ms");
    EXPECT_EQ(us_text(123'400), "123 ms");
    EXPECT_EQ(us_text(2'500'000), "2.5 s");
}

TEST(render_units, counts_rates_and_percent) {
    EXPECT_EQ(count_text(999'999), "999999");
    EXPECT_EQ(count_text(1'234'567), "1.23M");
    EXPECT_EQ(count_text(12'345'678), "12.3M");
    EXPECT_EQ(count_text(4'200'000'000), "4.20G");
    EXPECT_EQ(rate_text(0), "0");
    EXPECT_EQ(rate_text(-3), "0");
    EXPECT_EQ(rate_text(0.5), "0.5");
    EXPECT_EQ(rate_text(150.2), "150");
    EXPECT_EQ(rate_text(1520.5), "1.5k");
    EXPECT_EQ(rate_text(2.5e6), "2.50M");
    EXPECT_EQ(percent_text(0.732), "73.2%");
    EXPECT_EQ(pid_text(local_pid(42)), "<0.42.0>");
}

TEST(render_text, processes_at_full_width) {
    EXPECT_EQ(text(ember::testing::sample_page()),
              "PID       NAME         STATUS     REDS  REDS/S   MEMORY  MSGQ  MSG/S  OLDEST  LATENCY  RUNTIME     AGE  CURRENT\n"
              "<0.42.0>  front_desk   waiting  123456    1.5k  2.0 KiB     3   12.5   1.2 s    25 us   4.5 ms  3m 20s  handle_call\n"
              "<0.7.0>   idle_worker  waiting      12       0  3.3 MiB     0      0       -     0 us     0 us   5.0 s  -\n"
              "2 processes shown of 2 matched (1000 scanned); rates over 1.0 s\n");
}

TEST(render_text, processes_narrowed_keep_the_essentials) {
    for (std::size_t width : {100u, 80u, 60u}) {
        const std::string out = text(ember::testing::sample_page(), {.width = width});
        expect_fits(out, width);
        const auto header = lines_of(out).front();
        for (const char* always : {"PID", "NAME", "STATUS", "REDS", "MEMORY", "MSGQ"}) EXPECT_THAT(header, HasSubstr(always)) << width;
        EXPECT_THAT(out, HasSubstr("<0.42.0>"));
    }
    // Narrower than its minimum a table stays as narrow as it gets.
    const std::string tiny = text(ember::testing::sample_page(), {.width = 20});
    EXPECT_EQ(lines_of(tiny).front(), "PID       NAME        STATUS     REDS   MEMORY  MSGQ");
    // Run time and age go first; the figures only Ember has stay longer.
    const std::string at80 = text(ember::testing::sample_page(), {.width = 80});
    EXPECT_THAT(lines_of(at80).front(), Not(HasSubstr("RUNTIME")));
    EXPECT_THAT(lines_of(at80).front(), HasSubstr("LATENCY"));
}

TEST(render_text, processes_say_when_cut_short) {
    auto page = ember::testing::sample_page();
    page.cut = atom("time_budget");
    EXPECT_THAT(text(page), HasSubstr("note: the scan stopped at its time budget"));
    page.rows.clear();
    page.window_ms = 0;
    const auto out = text(page);
    EXPECT_THAT(out, HasSubstr("0 processes shown of 2 matched"));
    EXPECT_THAT(out, HasSubstr("rates since spawn"));
}

TEST(render_text, process_info) {
    auto info = ember::testing::sample_info();
    info.process.message_queue_len = 10; // more than the preview holds
    info.supervisor = ember::testing::sample_supervisor();
    const std::string out = text(info);
    EXPECT_EQ(lines_of(out).front(), "<0.42.0>  front_desk");
    EXPECT_THAT(out, HasSubstr("  parent         <0.40.0>\n"));
    EXPECT_THAT(out, HasSubstr("  monitored by   <0.50.0> <0.51.0>\n"));
    EXPECT_THAT(out, HasSubstr("  message queue  10, oldest waited 1.2 s\n"));
    EXPECT_THAT(out, HasSubstr("mailbox (first 3 of 10):\n  {hello,world}\n"));
    EXPECT_THAT(out, HasSubstr("state:\n  #{count => 3}\n"));
    EXPECT_THAT(out, HasSubstr("supervisor: one_for_one, at most 3 restarts in 5.0 s, 2 restarts so far\n"));
    EXPECT_THAT(out, HasSubstr("  pool_sup    <0.43.0>  supervisor  permanent\n"));
    EXPECT_THAT(out, HasSubstr("restarts (newest last):\n"));
    EXPECT_THAT(out, HasSubstr("front_desk  <0.41.0>  killed"));
    expect_fits(text(info, {.width = 40}), 40);

    info.state.reset();
    info.state_error = "timeout";
    EXPECT_THAT(text(info), HasSubstr("state: not read (timeout)\n"));
    EXPECT_THAT(text(info), HasSubstr("  latency        25 us a run (runnable 1.9 ms over 77 sampled runs)\n"));
    EXPECT_THAT(text(info), Not(HasSubstr("note:")));
    info.cut = atom("size_budget");
    info.supervisor->children_count = 5000;
    EXPECT_THAT(text(info), HasSubstr("  (2 of 5000 children shown)\n"));
    EXPECT_THAT(text(info), HasSubstr("note: a list held more than the node sends and was cut\n"));
}

TEST(render_text, schedulers_and_system) {
    const auto rows = ember::testing::sample_schedulers();
    EXPECT_EQ(text(rows), "ID   UTIL  RUNQ  RUNS  SWITCHES  STEALS  PARKS\n"
                          " 0  73.2%     2  1000      1500       3     40\n"
                          " 1   5.0%     0    10        12       0    900\n");
    const std::string narrow = text(rows, {.width = 40});
    expect_fits(narrow, 40);
    EXPECT_THAT(narrow, HasSubstr("UTIL"));

    const std::string sys = text(ember::testing::sample_system());
    EXPECT_THAT(sys, HasSubstr("node                 nonode@nohost\n"));
    EXPECT_THAT(sys, HasSubstr("processes            1234 of 1.05M\n"));
    EXPECT_THAT(sys, HasSubstr("memory               12.0 MiB\n"));
    EXPECT_THAT(sys, HasSubstr("reductions           12.3M (45.6k/s)\n"));
}

TEST(render_text, applications_table_and_tree) {
    const auto apps = ember::testing::sample_apps();
    EXPECT_EQ(text(apps), "NAME            STATUS   SUPERVISOR  CHILDREN  RESTARTS  EXIT REASON\n"
                          "front_desk_app  running  <0.40.0>           2         2  -\n"
                          "batch           stopped  -                  -         -  shutdown\n");
    EXPECT_EQ(tree(apps), "front_desk_app  running\n"
                          "<0.40.0>  one_for_one, 2 restarts\n"
                          "├─ front_desk  <0.42.0>  worker  permanent\n"
                          "└─ pool_sup  <0.43.0>  supervisor  permanent  one_for_all, 0 restarts\n"
                          "   ├─ w1  <0.44.0>  worker  transient\n"
                          "   └─ w2  -  worker  temporary\n"
                          "restarts of <0.40.0> (newest last; the last 1 of 2):\n"
                          "     AT  CHILD       OLD PID   REASON\n"
                          "  1.5 s  front_desk  <0.41.0>  killed\n"
                          "\n"
                          "batch  stopped: shutdown\n");
    EXPECT_EQ(tree(apps, "batch"), "batch  stopped: shutdown\n");
    EXPECT_EQ(tree(apps, "nothing"), "");
    expect_fits(tree(apps, {}, {.width = 30}), 30);
}

TEST(render_text, a_tree_of_a_middle_child_keeps_the_rails) {
    auto apps = ember::testing::sample_apps();
    auto& root = apps[0].tree->supervisor;
    root.children.push_back(protocol::child_row{atom("last"), local_pid(60), atom("worker"), atom("permanent")});
    const std::string out = tree(std::span(apps).first(1));
    EXPECT_THAT(out, HasSubstr("├─ pool_sup  <0.43.0>"));
    EXPECT_THAT(out, HasSubstr("│  ├─ w1"));
    EXPECT_THAT(out, HasSubstr("│  └─ w2"));
    EXPECT_THAT(out, HasSubstr("└─ last  <0.60.0>"));
}

TEST(render_text, events_in_the_unit_of_their_kind) {
    const std::string out = text(ember::testing::sample_events());
    EXPECT_THAT(out, HasSubstr("long_schedule       <0.42.0>      1    250 ms    100 ms"));
    EXPECT_THAT(out, HasSubstr("large_memory        <0.7.0>       0  64.0 MiB  32.0 MiB"));
    EXPECT_THAT(out, HasSubstr("long_message_queue  <0.42.0>      0     20000     10000"));
    EXPECT_EQ(text(std::vector<protocol::event_row>{}), "no events\n");
}

TEST(render_text, warnings_shorten_their_message) {
    const auto rows = ember::testing::sample_warnings();
    EXPECT_THAT(text(rows), HasSubstr("mailbox grew from 100 to 5000 messages in 6.0 s"));
    EXPECT_THAT(text(rows), HasSubstr("old_message      <0.7.0>   2.0 s  3.0 s  8.0 s  5.0 s"));
    const std::string narrow = text(rows, {.width = 70});
    expect_fits(narrow, 70);
    EXPECT_THAT(narrow, HasSubstr("mailbox grew from"));
    EXPECT_THAT(narrow, HasSubstr("…"));
    EXPECT_EQ(text(std::vector<protocol::warning_row>{}), "no warnings\n");
}

TEST(render_text, series_with_sparklines) {
    EXPECT_EQ(text(ember::testing::sample_series()), "NAME           EVERY  SAMPLES     LAST      MIN      MAX  RECENT\n"
                                                     "process_count  1.0 s        5       20       10       20  ▄▅▆▆█\n"
                                                     "memory         1.0 s        2  2.0 MiB  1.0 MiB  2.0 MiB  ▄█\n"
                                                     "utilization_0  1.0 s        3    90.0%    10.0%    90.0%  ▁▅█\n");
    protocol::series long_one{atom("reduction_rate"), 1000, 0, std::vector<double>(600, 5.0)};
    long_one.values.back() = 10;
    const std::string out = text(std::vector{long_one}, {.width = 90});
    expect_fits(out, 90);
    EXPECT_THAT(out, HasSubstr("10.0/s"));
    EXPECT_THAT(out, HasSubstr("█")); // the newest value is the one kept
}

TEST(render_text, trace_rows) {
    auto row = ember::testing::sample_trace_row();
    EXPECT_EQ(text(row), "    12.345 s  in   <0.50.0> -> <0.42.0>  {hello,0}\n");
    row.dropped = 7;
    row.direction = atom("out");
    EXPECT_EQ(text(row), "    12.345 s  out  <0.50.0> -> <0.42.0>  {hello,0}  (7 dropped before it)\n");
    row.message = std::string(500, 'x');
    expect_fits(text(row, {.width = 60}), 60);
}

TEST(render_text, node_text_never_breaks_the_layout) {
    auto page = ember::testing::sample_page();
    page.rows[0].current_function = "line one\nline two\ttabbed";
    page.rows[1].initial_call = "名前の長いプロセスの名前の長いプロセス";
    const std::string out = text(page, {.width = 70});
    EXPECT_EQ(lines_of(out).size(), 4u); // header, two rows, summary
    expect_fits(out, 70);
    for (const auto& line : lines_of(out)) EXPECT_EQ(line.find('\t'), std::string::npos);
}

TEST(render_text, undefined_and_empty_fields) {
    protocol::processes_page page;
    page.rows.push_back(protocol::process_row{});
    page.cut = atoms::undefined;
    const std::string out = text(page);
    EXPECT_THAT(out, HasSubstr("<0.0.0>  -     -"));
    protocol::process_info_reply info;
    EXPECT_THAT(text(info), HasSubstr("  links          -\n"));
    EXPECT_EQ(text(std::vector<protocol::application_row>{}), "no applications\n");
    EXPECT_EQ(text(std::vector<protocol::series>{}), "no series\n");
}

TEST(render_text, colour_makes_table_headers_bold_and_nothing_else) {
    const auto page = testing::sample_page();
    const std::string plain = text(page, {.width = 70});
    const std::string bold = text(page, {.width = 70, .colour = true});
    EXPECT_EQ(plain.find('\x1b'), std::string::npos); // the default: no escapes, ever
    // The same layout (measured without the escapes), the header line wrapped.
    const auto p = lines_of(plain), b = lines_of(bold);
    ASSERT_EQ(p.size(), b.size());
    EXPECT_EQ(b[0], "\x1b[1m" + p[0] + "\x1b[0m");
    for (std::size_t i = 1; i < p.size(); ++i) EXPECT_EQ(b[i], p[i]);
    // Every table's header, and only tables: key-value lists stay plain.
    EXPECT_THAT(text(testing::sample_schedulers(), {.colour = true}), ::testing::StartsWith("\x1b[1mID"));
    auto supervisor = testing::sample_info();
    supervisor.supervisor = testing::sample_supervisor();
    EXPECT_THAT(text(supervisor, {.colour = true}), HasSubstr("\n\x1b[1m  ID"));
    EXPECT_EQ(text(testing::sample_system(), {.colour = true}), text(testing::sample_system()));
}

} // namespace
} // namespace ember::render
