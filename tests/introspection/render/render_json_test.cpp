// ember::render's JSON: the one mapping from terms, checked kind by kind,
// and every reply struct read back by a JSON parser with the wire's keys.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ember/render/json.hpp"
#include "ember/term/parse.hpp"
#include "introspection/render/sample_replies.hpp"

namespace ember::render {
namespace {

using nlohmann::json;

term p(std::string_view text) { return parse(text).value(); }

TEST(render_json, the_mapping_of_terms) {
    EXPECT_EQ(render::json(p("42")), "42");
    EXPECT_EQ(render::json(p("-9223372036854775807")), "-9223372036854775807");
    EXPECT_EQ(render::json(p("1.5")), "1.5");
    EXPECT_EQ(render::json(p("true")), "true");
    EXPECT_EQ(render::json(p("false")), "false");
    EXPECT_EQ(render::json(p("undefined")), "null");
    EXPECT_EQ(render::json(p("'hello world'")), "\"hello world\"");
    EXPECT_EQ(render::json(p("<<\"text\">>")), "\"text\"");
    EXPECT_EQ(render::json(p("<0.42.0>")), "\"<0.42.0>\"");
    EXPECT_EQ(render::json(p("#Ref<0.1.2.3>")), "\"#Ref<0.1.2.3>\"");
    EXPECT_EQ(render::json(p("{a, 1}")), "[\"a\",1]");
    EXPECT_EQ(render::json(p("[]")), "[]");
    EXPECT_EQ(render::json(p("[1, 2]")), "[1,2]");
    EXPECT_EQ(render::json(p("[1 | 2]")), "\"[1|2]\"");
    EXPECT_EQ(render::json(p("#{a => 1, <<\"b\">> => 2, {c} => 3}")), "{\"a\":1,\"b\":2,\"{c}\":3}");
    EXPECT_EQ(render::json(p("#{a => [1]}"), {.indent = 1}), "{\n \"a\": [\n  1\n ]\n}");
}

TEST(render_json, bytes_that_are_not_utf8_still_give_json) {
    const std::byte bad[] = {std::byte{'a'}, std::byte{0xff}, std::byte{'b'}};
    const std::string out = render::json(term::binary(std::span<const std::byte>(bad)));
    EXPECT_EQ(out, "\"a\xEF\xBF\xBD"
                   "b\"");
    EXPECT_TRUE(json::parse(out).is_string());
}

TEST(render_json, a_page_reads_back_with_the_wire_keys) {
    const auto doc = json::parse(render::json(ember::testing::sample_page()));
    EXPECT_EQ(doc["matched"], 2);
    EXPECT_EQ(doc["cut"], "complete");
    ASSERT_EQ(doc["rows"].size(), 2u);
    const auto& row = doc["rows"][0];
    EXPECT_EQ(row["pid"], "<0.42.0>");
    EXPECT_EQ(row["registered_name"], "front_desk");
    EXPECT_EQ(row["memory"], 2048);
    EXPECT_EQ(row["reduction_rate"], 1520.5);
    EXPECT_EQ(row["oldest_message_age_ms"], 1200);
    EXPECT_TRUE(doc["rows"][1]["registered_name"].is_null());
}

TEST(render_json, every_reply_is_json) {
    using namespace ember::testing;
    const auto info = json::parse(render::json(sample_info(), {.indent = 2}));
    EXPECT_EQ(info["process"]["pid"], "<0.42.0>");
    EXPECT_EQ(info["monitored_by"][1], "<0.51.0>");
    EXPECT_TRUE(info["supervisor"].is_null());
    EXPECT_EQ(info["trap_exit"], true);

    EXPECT_EQ(json::parse(render::json(sample_schedulers()))[0]["utilization"], 0.732);
    EXPECT_EQ(json::parse(render::json(sample_system()))["process_limit"], 1'048'576);
    const auto apps = json::parse(render::json(sample_apps()));
    EXPECT_EQ(apps[0]["tree"]["subtrees"][0]["supervisor"]["children"][1]["pid"], nullptr);
    EXPECT_TRUE(apps[1]["tree"].is_null());
    EXPECT_EQ(json::parse(render::json(sample_events()))[1]["kind"], "large_memory");
    EXPECT_EQ(json::parse(render::json(sample_warnings()))[0]["message"], "mailbox grew from 100 to 5000 messages in 6.0 s");
    EXPECT_EQ(json::parse(render::json(sample_series()))[2]["values"][2], 0.9);
    const std::string trace = render::json(sample_trace_row());
    EXPECT_EQ(trace.find('\n'), std::string::npos); // one line: JSON Lines for a stream
    EXPECT_EQ(json::parse(trace)["direction"], "in");
}

} // namespace
} // namespace ember::render
