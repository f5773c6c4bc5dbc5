// Erlang's term order and exact equality.
#include <gtest/gtest.h>

#include <algorithm>

#include "ember/term/parse.hpp"
#include "term_text.hpp"
#include "ember/term/print.hpp"

namespace ember {
namespace {

TEST(order, sorting_matches_erlang_lists_sort) {
    // Expected output produced by Erlang/OTP 25: lists:sort/1 of this list.
    term input = p("[<<\"b\">>, <<\"a\">>, <<>>, [1,2], [1], [1|2], [], #{a=>1}, #{}, #{b=>0}, #{a=>2}, {}, {1,2}, {2},"
                   " {a,b,c}, <0.5.0>, <0.4.1>, <0.9.0>, #Ref<0.1.2.3>, #Ref<0.0.0.9>, zebra, 'Apple', apple, 2.5, 2, 3,"
                   " -1, 1.0, 1, -1.5, 9223372036854775807, 1.0e19]");
    std::vector<term> items(input.elements().begin(), input.elements().end());
    std::sort(items.begin(), items.end());
    EXPECT_EQ(to_string(term::list(items)),
              "[-1.5,-1,1,1.0,2,2.5,3,9223372036854775807,1.0e19,'Apple',apple,zebra,#Ref<0.0.0.9>,#Ref<0.1.2.3>,"
              "<0.5.0>,<0.9.0>,<0.4.1>,{},{2},{1,2},{a,b,c},#{},#{a => 1},#{a => 2},#{b => 0},[],[1|2],[1],[1,2],"
              "<<>>,<<\"a\">>,<<\"b\">>]");
}

TEST(order, maps_compare_keys_in_map_key_order) {
    // Expected output produced by Erlang/OTP 25: lists:sort/1 of this list.
    // Map keys compare with every integer before every float ({1} < {0.5}
    // inside a key too); values and other terms compare in term order.
    term input = p("[#{0.5 => a}, #{1 => a}, #{1 => a, 2 => a}, #{1 => a, 0.5 => a}, #{a => 0.5}, #{a => 1},"
                   " #{{0.5} => a}, #{{1} => a}, {0.5}, {1}, #{#{a => 0.5} => x}, #{#{a => 2} => x}, #{#{a => 1} => x}]");
    std::vector<term> items(input.elements().begin(), input.elements().end());
    std::sort(items.begin(), items.end());
    EXPECT_EQ(to_string(term::list(items)),
              "[{0.5},{1},#{1 => a},#{0.5 => a},#{a => 0.5},#{a => 1},#{{1} => a},#{{0.5} => a},#{#{a => 1} => x},"
              "#{#{a => 2} => x},#{#{a => 0.5} => x},#{1 => a,2 => a},#{1 => a,0.5 => a}]");
}

TEST(order, integers_and_floats_compare_by_value_exactly) {
    EXPECT_LT(term::integer(1), term::float64(1.5));
    EXPECT_LT(term::float64(0.5), term::integer(1));
    EXPECT_LT(term::integer(1), term::float64(1.0)) << "equal value: integer first, as for map keys";
    EXPECT_NE(term::integer(1), term::float64(1.0)) << "== is Erlang's =:=";
    // 2^53 + 1 is not representable as a double; the comparison must not round.
    EXPECT_GT(term::integer((std::int64_t{1} << 53) + 1), term::float64(9007199254740992.0));
    EXPECT_LT(term::integer(INT64_MAX), term::float64(9.3e18));
    EXPECT_GT(term::integer(INT64_MIN), term::float64(-9.3e18));
}

TEST(order, big_and_small_integers_compare) {
    EXPECT_LT(term::integer(term::small_max), term::integer(term::small_max + 1));
    EXPECT_LT(term::integer(term::small_min - 1), term::integer(term::small_min));
    EXPECT_EQ(term::integer(INT64_MAX), term::integer(INT64_MAX));
}

TEST(order, list_order_with_improper_tails) {
    EXPECT_LT(p("[1|2]"), p("[1,2]")) << "a number tail sorts before a list";
    EXPECT_LT(p("[1]"), p("[1,2]"));
    EXPECT_LT(p("[1,2|a]"), p("[1,2|b]"));
    EXPECT_LT(p("[1|<<>>]"), p("[1|<<1>>]"));
    EXPECT_GT(p("[1|<<>>]"), p("[1,2]")) << "a binary tail sorts after a list";
}

TEST(order, equality_is_structural) {
    EXPECT_EQ(p("{a,[1,2],#{k => <<\"v\">>}}"), p("{a,[1,2],#{k => <<\"v\">>}}"));
    EXPECT_NE(p("{a,b}"), p("{a,c}"));
    EXPECT_NE(p("[]"), p("{}"));
}

} // namespace
} // namespace ember
