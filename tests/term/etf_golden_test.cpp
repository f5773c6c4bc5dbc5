// Golden vectors: bytes made by Erlang/OTP's term_to_binary (see
// tests/erlang/gen_golden.escript). Ember must write the same bytes and read
// them back to the term that Erlang printed.
#include <gtest/gtest.h>

#include <string>

#include "ember/term/etf.hpp"
#include "ember/term/parse.hpp"
#include "ember/term/print.hpp"

namespace ember {
namespace {

struct golden {
    const char* erlang; // the Erlang expression
    const char* text;   // io_lib:format("~w", [T])
    const char* hex;    // term_to_binary(T, [{minor_version, 2}])
};

const golden vectors[] = {
#include "golden_etf.inc"
};

std::vector<std::byte> from_hex(std::string_view hex) {
    std::vector<std::byte> out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<std::byte>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    return out;
}

std::string to_hex(const std::vector<std::byte>& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (std::byte b : bytes) {
        out += digits[static_cast<unsigned>(b) >> 4];
        out += digits[static_cast<unsigned>(b) & 15];
    }
    return out;
}

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

TEST(etf, remote_pids_keep_their_node) {
    term t = term::from_pid({atom("node1@host"), 5, 6, 7});
    auto back = etf::decode(etf::encode(t));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->as_pid(), t.as_pid());
}

} // namespace
} // namespace ember
