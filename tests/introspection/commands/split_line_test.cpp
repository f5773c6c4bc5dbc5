// split_line: blanks, sh-like quotes and escapes outside brackets, Erlang
// terms kept whole inside them, and errors that name their column.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ember/commands/commands.hpp"

namespace ember::commands {
namespace {

using words = std::vector<std::string>;

words split(std::string_view line) {
    auto w = split_line(line);
    EXPECT_TRUE(w) << line << ": " << (w ? "" : w.error());
    return w ? *w : words{};
}

std::string error_of(std::string_view line) {
    auto w = split_line(line);
    EXPECT_FALSE(w) << line;
    return w ? std::string() : w.error();
}

TEST(commands_split_line, blanks_separate_words) {
    EXPECT_EQ(split(""), words{});
    EXPECT_EQ(split("   \t "), words{});
    EXPECT_EQ(split("ps"), words{"ps"});
    EXPECT_EQ(split("  ps   --sort\tmemory  "), (words{"ps", "--sort", "memory"}));
}

TEST(commands_split_line, quotes_group_and_are_removed) {
    EXPECT_EQ(split("ps --filter \"front desk\""), (words{"ps", "--filter", "front desk"}));
    EXPECT_EQ(split("ps --filter 'front desk'"), (words{"ps", "--filter", "front desk"}));
    EXPECT_EQ(split("a\"b c\"d"), words{"ab cd"});
    EXPECT_EQ(split("x \"\" y"), (words{"x", "", "y"}));
    EXPECT_EQ(split("''"), words{""});
}

TEST(commands_split_line, backslash_escapes_outside_single_quotes) {
    EXPECT_EQ(split("a\\ b c"), (words{"a b", "c"}));
    EXPECT_EQ(split("\"say \\\"hi\\\"\""), words{"say \"hi\""});
    EXPECT_EQ(split("'a\\b'"), words{"a\\b"});
    EXPECT_EQ(split("\\'x"), words{"'x"});
}

TEST(commands_split_line, brackets_keep_a_term_whole_as_typed) {
    EXPECT_EQ(split("send front_desk {hello, \"a b\"}"), (words{"send", "front_desk", "{hello, \"a b\"}"}));
    EXPECT_EQ(split("send x [{a, [1, 2]}, #{k => \"}\"}]"), (words{"send", "x", "[{a, [1, 2]}, #{k => \"}\"}]"}));
    EXPECT_EQ(split("send x #{a => 1, b => 'q w'}"), (words{"send", "x", "#{a => 1, b => 'q w'}"}));
    EXPECT_EQ(split("send x <<\"a b\">>"), (words{"send", "x", "<<\"a b\">>"}));
    EXPECT_EQ(split("send x {a, <<1, 2>>, <0.42.0>}"), (words{"send", "x", "{a, <<1, 2>>, <0.42.0>}"}));
    EXPECT_EQ(split("send x {a, $}, $\\}, \"\\\"}\"}"), (words{"send", "x", "{a, $}, $\\}, \"\\\"}\"}"}));
    EXPECT_EQ(split("x{a b}y z"), (words{"x{a b}y", "z"}));
    EXPECT_EQ(split("info <0.42.0>"), (words{"info", "<0.42.0>"}));
}

TEST(commands_split_line, errors_name_the_column) {
    EXPECT_EQ(error_of("send x {hello"), "unclosed { at column 8");
    EXPECT_EQ(error_of("send x {a, [1, 2"), "unclosed [ at column 12");
    EXPECT_EQ(error_of("send x {a, [1, 2}"), "} does not close [ at column 17");
    EXPECT_EQ(error_of("send x <<1, 2}"), "} does not close << at column 14");
    EXPECT_EQ(error_of("say \"hi"), "unclosed \" at column 5");
    EXPECT_EQ(error_of("say 'hi"), "unclosed ' at column 5");
    EXPECT_EQ(error_of("send x {a, \"b}"), "unclosed \" at column 12");
    EXPECT_EQ(error_of("a\\"), "nothing after \\ at column 2");
    // Columns count characters, not bytes.
    EXPECT_EQ(error_of("é \"x"), "unclosed \" at column 3");
}

TEST(commands_split_line, a_stray_closing_bracket_is_left_to_the_term_parser) {
    EXPECT_EQ(split("send x a}"), (words{"send", "x", "a}"}));
}

} // namespace
} // namespace ember::commands
