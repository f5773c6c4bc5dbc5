// Conversions between C++ values and terms.
#include <gtest/gtest.h>

#include "ember/term/convert.hpp"
#include "ember/term/parse.hpp"

namespace ember {
namespace {

struct point {
    int x = 0;
    int y = 0;
    std::string label;
    friend bool operator==(const point&, const point&) = default;
};

} // namespace

template <>
struct term_traits<point> : map_record<point> {
    static constexpr auto fields = std::tuple{field("x", &point::x), field("y", &point::y), field("label", &point::label)};
};

namespace {

TEST(convert, scalars_round_trip) {
    EXPECT_EQ(from_term<int>(to_term(42)).value(), 42);
    EXPECT_EQ(from_term<double>(to_term(2.5)).value(), 2.5);
    EXPECT_EQ(from_term<bool>(to_term(true)).value(), true);
    EXPECT_EQ(from_term<std::string>(to_term(std::string("hi"))).value(), "hi");
    EXPECT_EQ(from_term<atom>(to_term(atoms::ok)).value(), atoms::ok);
}

TEST(convert, integer_range_is_checked) {
    auto r = from_term<std::uint8_t>(term::integer(300));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, term_errc::conversion);
    EXPECT_FALSE(from_term<unsigned>(term::integer(-1)));
    EXPECT_TRUE(from_term<std::int64_t>(term::integer(INT64_MIN)));
}

TEST(convert, wrong_type_names_what_was_found) {
    auto r = from_term<int>(term::binary("x"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "expected an integer, found <<\"x\">>");
}

TEST(convert, erlang_strings_read_as_std_string) {
    EXPECT_EQ(from_term<std::string>(parse("\"abc\"").value()).value(), "abc");
}

TEST(convert, containers) {
    std::vector<int> v{1, 2, 3};
    EXPECT_EQ(to_string(to_term(v)), "[1,2,3]");
    EXPECT_EQ(from_term<std::vector<int>>(to_term(v)).value(), v);
    std::map<std::string, int> m{{"a", 1}, {"b", 2}};
    EXPECT_EQ(to_string(to_term(m)), "#{<<\"a\">> => 1,<<\"b\">> => 2}");
    EXPECT_EQ((from_term<std::map<std::string, int>>(to_term(m)).value()), m);
    auto tup = std::make_tuple(atoms::ok, 7, std::string("s"));
    EXPECT_EQ(to_string(to_term(tup)), "{ok,7,<<\"s\">>}");
    EXPECT_EQ((from_term<std::tuple<atom, int, std::string>>(to_term(tup)).value()), tup);
    EXPECT_FALSE((from_term<std::tuple<atom, int>>(to_term(tup)))) << "arity must match";
    EXPECT_FALSE((from_term<std::tuple<atom, std::string, int>>(to_term(tup)))) << "element types must match";
    EXPECT_EQ(to_string(to_term(std::optional<int>())), "undefined");
    EXPECT_EQ(from_term<std::optional<int>>(term::integer(3)).value(), std::optional<int>(3));
}

TEST(convert, make_tuple_reads_like_erlang) {
    EXPECT_EQ(to_string(make_tuple(atoms::ok, 42, "x")), "{ok,42,<<\"x\">>}");
    EXPECT_EQ(to_string(make_list(1, 2.5, atoms::error)), "[1,2.5,error]");
}

TEST(convert, user_struct_as_map) {
    point pt{1, 2, "origin"};
    term t = to_term(pt);
    EXPECT_EQ(to_string(t), "#{label => <<\"origin\">>,x => 1,y => 2}");
    EXPECT_EQ(from_term<point>(t).value(), pt);

    auto missing = from_term<point>(parse("#{x => 1, y => 2}").value());
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, "missing field label");
    auto wrong = from_term<point>(parse("#{x => a, y => 2, label => <<>>}").value());
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().message, "field x: expected an integer, found a");
}

} // namespace
} // namespace ember
