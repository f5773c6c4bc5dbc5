// Golden vectors: bytes and text made by Erlang/OTP's term_to_binary and
// io:format("~tp") (see tests/erlang/gen_golden.escript). Ember must write
// the same bytes, read them back to the term that Erlang printed, and print
// that term as Erlang does.
#include <gtest/gtest.h>

#include "support/hex.hpp"

#include <string>

#include "ember/term/etf.hpp"
#include "ember/term/parse.hpp"
#include "ember/term/print.hpp"
#include "term_text.hpp"

namespace ember {
namespace {

struct golden {
    const char* erlang; // the Erlang expression
    const char* text;   // io_lib:format("~w", [T])
    const char* hex;    // term_to_binary(T, [{minor_version, 2}])
    const char* pretty; // io_lib_pretty:print(T) on one line, what ~tp prints
};

void PrintTo(const golden& g, std::ostream* os) { *os << g.erlang; }

const golden vectors[] = {
#include "golden_etf.inc"
};

std::vector<std::byte> from_hex(std::string_view hex) {
    std::vector<std::byte> out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<std::byte>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    return out;
}

using testing::to_hex;

class etf_golden : public ::testing::TestWithParam<golden> {};

TEST_P(etf_golden, encode_matches_erlang_and_decode_reads_erlang) {
    const golden& g = GetParam();
    auto parsed = parse(g.text);
    ASSERT_TRUE(parsed) << g.erlang << ": " << parsed.error().message;
    EXPECT_EQ(to_hex(etf::encode(*parsed)), g.hex) << "term_to_binary(" << g.erlang << ")";

    auto decoded = etf::decode(from_hex(g.hex));
    ASSERT_TRUE(decoded) << g.erlang << ": " << decoded.error().describe();
    EXPECT_EQ(*decoded, *parsed) << g.erlang << " decoded as " << to_string(*decoded);
    EXPECT_EQ(parse(to_string(*decoded)).value(), *decoded) << "printing round-trips";
}

// Where Ember's printer knowingly differs from ~tp: it quotes atoms with
// characters outside ASCII and prints only ASCII lists as strings.
bool known_print_difference(std::string_view erlang) {
    for (std::string_view e : {R"('héllo')", "list_to_atom(lists:duplicate(200, 233))", R"("héllo")"})
        if (erlang == e) return true;
    return false;
}

TEST_P(etf_golden, prints_as_erlang) {
    const golden& g = GetParam();
    auto decoded = etf::decode(from_hex(g.hex));
    ASSERT_TRUE(decoded) << g.erlang << ": " << decoded.error().describe();
    if (known_print_difference(g.erlang)) {
        EXPECT_NE(to_string(*decoded), g.pretty) << g.erlang << " now prints as Erlang: drop it from known_print_difference";
        return;
    }
    EXPECT_EQ(to_string(*decoded), g.pretty) << "io:format(\"~tp\", [" << g.erlang << "])";
}

INSTANTIATE_TEST_SUITE_P(erlang_otp, etf_golden, ::testing::ValuesIn(vectors));

TEST(etf, decodes_legacy_forms_erlang_may_send) {
    // term_to_binary(foo) in OTP 25 (minor_version 1): ATOM_EXT.
    EXPECT_EQ(etf::decode(from_hex("83640003666f6f")).value(), term(atom("foo")));
    // SMALL_ATOM_EXT latin-1 'é' becomes the UTF-8 atom.
    EXPECT_EQ(etf::decode(from_hex("837301e9")).value(), term(atom("é")));
    // PID_EXT with a one-byte creation, NEW_REFERENCE_EXT likewise.
    auto p = etf::decode(from_hex("8367770d6e6f6e6f6465406e6f686f73740000002a0000000000"));
    ASSERT_TRUE(p) << p.error().describe();
    EXPECT_EQ(to_string(*p), "<0.42.0>");
    auto r = etf::decode(from_hex("83720001770d6e6f6e6f6465406e6f686f73740000000007"));
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(to_string(*r), "#Ref<0.7>");
    // LARGE_BIG within int64.
    EXPECT_EQ(etf::decode(from_hex("836f00000002000001")).value().as_integer(), 256);
}

TEST(etf, long_byte_lists_leave_string_ext) {
    std::vector<term> bytes(65536, term::integer(1));
    auto encoded = etf::encode(term::list(bytes));
    EXPECT_EQ(static_cast<int>(encoded[1]), 108) << "over 65535 elements Erlang uses LIST_EXT";
    std::vector<term> shorter(65535, term::integer(1));
    EXPECT_EQ(static_cast<int>(etf::encode(term::list(shorter))[1]), 107);
    EXPECT_EQ(etf::decode(encoded).value(), term::list(bytes));
}

TEST(etf, maps_write_integer_keys_before_float_keys) {
    // Erlang/OTP 25: term_to_binary(#{1 => a, 0.5 => b}) and ~p of it. Map
    // key order puts every integer before every float, unlike term order.
    term m = term::map({{term::float64(0.5), atom("b")}, {term::integer(1), atom("a")}});
    EXPECT_EQ(to_hex(etf::encode(m)), "8374000000026101770161463fe0000000000000770162");
    EXPECT_EQ(to_string(m), "#{1 => a,0.5 => b}");
    EXPECT_EQ(to_string(p("#{1 => a, 0.5 => b, 2.5 => c, 3 => d}")), "#{1 => a,3 => d,0.5 => b,2.5 => c}");

    // 1 and 1.0 are two keys, and lookup is exact.
    term both = term::map({{term::float64(1.0), atom("b")}, {term::integer(1), atom("a")}});
    ASSERT_EQ(both.size(), 2u);
    EXPECT_EQ(to_string(both), "#{1 => a,1.0 => b}");
    EXPECT_EQ(to_hex(etf::encode(both)), "8374000000026101770161463ff0000000000000770162");
    ASSERT_NE(both.find(term::integer(1)), nullptr);
    EXPECT_EQ(both.find(term::integer(1))->as_atom(), atom("a"));
    ASSERT_NE(both.find(term::float64(1.0)), nullptr);
    EXPECT_EQ(both.find(term::float64(1.0))->as_atom(), atom("b"));
    EXPECT_EQ(m.find(term::float64(1.0)), nullptr);
    EXPECT_EQ(m.find(term::integer(0)), nullptr);
    EXPECT_NE(both, p("#{1 => a, 1.0 => a}"));

    // The decoder takes keys in any order and keeps map key order.
    auto swapped = etf::decode(from_hex("8374000000024640000000000000007701626101770161")); // #{2.0 => b, 1 => a}
    ASSERT_TRUE(swapped) << swapped.error().describe();
    EXPECT_EQ(to_string(*swapped), "#{1 => a,2.0 => b}");
    EXPECT_EQ(to_hex(etf::encode(*swapped)), "8374000000026101770161464000000000000000770162");
}

TEST(etf, maps_over_32_keys_are_read_in_any_order_and_written_in_map_key_order) {
    // OTP 25 term_to_binary(maps:from_list([{K, K} || K <- lists:seq(1, 30)]
    // ++ [{0.5, a}, {1.5, b}, {2.0, c}])): a hash trie, written in hash order.
    auto otp = etf::decode(from_hex(
        "837400000021610c610c61176117611d611d611e611e611a611a610b610b6109610961196119611c611c61066106610d610d6114611461"
        "0f610f610e610e463ff800000000000064000162610261026107610761016101610861086103610361116111611661166115611561046104"
        "463fe00000000000006400016161186118610a610a611b611b6113611361056105611261124640000000000000006400016361106110"));
    ASSERT_TRUE(otp) << otp.error().describe();
    std::vector<std::pair<term, term>> entries;
    for (int k = 30; k >= 1; --k) entries.emplace_back(term::integer(k), term::integer(k));
    entries.emplace_back(term::float64(2.0), atom("c"));
    entries.emplace_back(term::float64(1.5), atom("b"));
    entries.emplace_back(term::float64(0.5), atom("a"));
    const term expected = term::map(entries);
    EXPECT_EQ(*otp, expected);
    ASSERT_NE(otp->find(term::float64(2.0)), nullptr);
    EXPECT_EQ(otp->find(term::float64(2.0))->as_atom(), atom("c"));
    ASSERT_NE(otp->find(term::integer(2)), nullptr);
    EXPECT_EQ(otp->find(term::integer(2))->as_integer(), 2);

    // Ember has no hash trie: it writes and prints these in map key order
    // too (integers 1..30, then 0.5, 1.5, 2.0), which OTP reads as well.
    std::string hex = "8374000000" "21";
    for (int k = 1; k <= 30; ++k) hex += "61" + to_hex(std::vector<std::byte>{std::byte(k)}) + "61" + to_hex(std::vector<std::byte>{std::byte(k)});
    hex += "463fe0000000000000770161463ff80000000000007701624640000000000000007701" "63";
    EXPECT_EQ(to_hex(etf::encode(*otp)), hex);
    const std::string text = to_string(*otp);
    EXPECT_TRUE(text.starts_with("#{1 => 1,2 => 2,3 => 3,")) << text;
    EXPECT_TRUE(text.ends_with(",30 => 30,0.5 => a,1.5 => b,2.0 => c}")) << text;
    EXPECT_EQ(etf::decode(etf::encode(*otp)).value(), expected);
}

TEST(etf, remote_pids_keep_their_node) {
    term t = term::from_pid({atom("node1@host"), 5, 6, 7});
    auto back = etf::decode(etf::encode(t));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->as_pid(), t.as_pid());
}

} // namespace
} // namespace ember
