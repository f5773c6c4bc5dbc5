// Printing and parsing Erlang syntax.
#include <gtest/gtest.h>

#include "ember/term/parse.hpp"
#include "term_text.hpp"
#include "ember/term/print.hpp"

namespace ember {
namespace {

class round_trip : public ::testing::TestWithParam<const char*> {};

TEST_P(round_trip, prints_as_written_and_parses_back) {
    term t = p(GetParam());
    EXPECT_EQ(to_string(t), GetParam());
    EXPECT_EQ(p(to_string(t)), t);
}

INSTANTIATE_TEST_SUITE_P(term_text, round_trip,
                         ::testing::Values("{ok,<0.42.0>,#{name => <<\"x\">>}}", "[]", "{}", "#{}", "<<>>", "ok",
                                           "'hello world'", "'it\\'s'", "'Abc'", "'end'", "''", "aB_9@x",
                                           "-42", "9223372036854775807", "-9223372036854775808", "0.1", "1.0e3",
                                           "9999.0", "1.5e-5", "0.0001", "-0.0", "1.2345678901234568e17",
                                           "5.0e-324", "\"hello\"", "\"a\\nb\\t\\\"q\\\"\"", "[1,2|3]",
                                           "[a,{b,[c]}]", "<<1,2,3>>", "<<\"héllo\"/utf8>>", "<<\"a\\\\b\">>",
                                           "#Ref<0.1.2.3>", "#{a => 1,b => [2],{c} => <<\"d\">>}", "[1000,2000]",
                                           // map key order, as ~p prints: integers before floats
                                           "#{1 => a,3 => d,0.5 => b,2.5 => c}", "#{1 => a,1.0 => b}",
                                           "#{{1} => a,{0.5} => b}"));

TEST(print, floats_print_like_erlang) {
    // Each pair: a double and io:format("~p") of it in Erlang/OTP 25.
    const std::pair<double, const char*> cases[] = {
        {100.0, "100.0"}, {1000.0, "1.0e3"}, {10000.0, "1.0e4"}, {12345.6, "12345.6"}, {123456.0, "123456.0"},
        {1e6, "1.0e6"}, {0.01, "0.01"}, {0.001, "0.001"}, {3.14, "3.14"}, {1e15, "1.0e15"}, {2e16, "2.0e16"},
        {123456789.123, "123456789.123"}, {1e100, "1.0e100"}, {1e21, "1.0e21"}, {1.2345678901234568e20, "1.2345678901234568e20"},
        {1234567890123456.0, "1234567890123456.0"}, {12345678901234567.0, "1.2345678901234568e16"},
        {9007199254740992.0, "9.007199254740992e15"}, {9007199254740990.0, "9007199254740990.0"}, {8.0e15, "8.0e15"},
        {0.00012345, "1.2345e-4"}, {0.0001, "0.0001"}, {1.0e-5, "1.0e-5"}, {0.00123, "0.00123"}, {0.5, "0.5"}, {-2.5, "-2.5"},
    };
    for (auto [d, text] : cases) EXPECT_EQ(to_string(term::float64(d)), text);
}

TEST(print, depth_limit_follows_erlang_tilde_P) {
    // Expected strings from Erlang/OTP 25 io:format("~P", [T, D]).
    EXPECT_EQ(to_string(p("[1,2,3,4,5,6]"), {.max_depth = 4}), "[1,2,3|...]");
    EXPECT_EQ(to_string(p("{a,{b,{c,{d,e}}},f,g,h}"), {.max_depth = 4}), "{a,{b,...},f,...}");
    EXPECT_EQ(to_string(p("#{a => 1,b => 2,c => 3,d => 4}"), {.max_depth = 3}), "#{a => 1,b => 2,...}");
}

TEST(print, size_limit_cuts_output) {
    std::vector<term> items;
    for (int i = 0; i < 10000; ++i) items.push_back(term::integer(i));
    const std::string out = to_string(term::list(items), {.max_chars = 50});
    EXPECT_EQ(out.size(), 53u);
    EXPECT_TRUE(out.starts_with("[0,1,2,"));
    EXPECT_TRUE(out.ends_with("..."));
}

TEST(print, strings_of_printable_characters_print_as_strings) {
    EXPECT_EQ(to_string(p("[104,105]")), "\"hi\"");
    EXPECT_EQ(to_string(p("[104,0]")), "[104,0]");
}

TEST(parse, accepts_erlang_number_forms) {
    EXPECT_EQ(p("16#ff").as_integer(), 255);
    EXPECT_EQ(p("2#1010").as_integer(), 10);
    EXPECT_EQ(p("1_000_000").as_integer(), 1000000);
    EXPECT_EQ(p("$a").as_integer(), 97);
    EXPECT_EQ(p("$\\n").as_integer(), 10);
    EXPECT_EQ(p("-2.5e-3").as_float(), -2.5e-3);
    EXPECT_EQ(p("+7").as_integer(), 7);
}

TEST(parse, strings_are_lists_of_code_points) {
    EXPECT_EQ(p("\"héllo\""), p("[104,233,108,108,111]"));
    EXPECT_EQ(p("\"ab\" \"cd\""), p("\"abcd\""));
    EXPECT_EQ(p("\"\\x{1F600}\"")[0].as_integer(), 0x1F600);
}

TEST(parse, unquoted_latin1_atoms_as_erlang_prints_them) {
    EXPECT_EQ(p("héllo").as_atom().name(), "héllo");
    EXPECT_EQ(to_string(p("héllo")), "'héllo'");
}

TEST(parse, whitespace_comments_and_final_dot) {
    EXPECT_EQ(p("  { a , % a comment\n  b } .  "), p("{a,b}"));
}

TEST(parse, unknown_node_number_is_an_error) {
    auto t = parse("<99.1.0>");
    ASSERT_FALSE(t);
    EXPECT_NE(t.error().message.find("node"), std::string::npos);
}

struct bad_input {
    const char* text;
    term_errc code;
    std::size_t offset;
};

class parse_errors : public ::testing::TestWithParam<bad_input> {};

TEST_P(parse_errors, report_code_and_position) {
    auto t = parse(GetParam().text);
    ASSERT_FALSE(t) << GetParam().text;
    EXPECT_EQ(t.error().code, GetParam().code) << t.error().message;
    EXPECT_EQ(t.error().offset, GetParam().offset) << t.error().message;
    EXPECT_NE(t.error().message.find("line"), std::string::npos);
}

void PrintTo(const bad_input& b, std::ostream* os) { *os << b.text; }

INSTANTIATE_TEST_SUITE_P(bad, parse_errors,
                         ::testing::Values(bad_input{"", term_errc::syntax, 0}, bad_input{"{a,", term_errc::syntax, 3},
                                           bad_input{"{a b}", term_errc::syntax, 3}, bad_input{"[1,2", term_errc::syntax, 4},
                                           bad_input{"'abc", term_errc::syntax, 0}, bad_input{"X", term_errc::syntax, 0},
                                           bad_input{"99999999999999999999", term_errc::integer_overflow, 0},
                                           bad_input{"<<256>>", term_errc::syntax, 2}, bad_input{"#{a}", term_errc::syntax, 3},
                                           bad_input{"{a} b", term_errc::syntax, 4}, bad_input{"37#1", term_errc::syntax, 0},
                                           bad_input{"1.0e999", term_errc::bad_float, 0},
                                           bad_input{"'\xff'", term_errc::invalid_utf8, 1}));

TEST(parse, depth_limit) {
    std::string deep(600, '[');
    deep += std::string(600, ']');
    auto t = parse(deep);
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().code, term_errc::too_deep);
    EXPECT_TRUE(parse(deep, {.max_depth = 1000}));
}

TEST(parse, existing_atoms_only_refuses_new_atoms) {
    auto t = parse("{ok, brand_new_atom_xyz}", {.existing_atoms_only = true});
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().code, term_errc::unknown_atom);
    EXPECT_FALSE(atom::existing("brand_new_atom_xyz"));
}

} // namespace
} // namespace ember
