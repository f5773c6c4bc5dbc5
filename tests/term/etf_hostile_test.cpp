// Decoding untrusted bytes: every malformed input is an error value with an
// offset, never a crash, a hang or a huge allocation.
#include <gtest/gtest.h>

#include "ember/term/etf.hpp"
#include "ember/term/parse.hpp"

namespace ember {
namespace {

std::vector<std::byte> bytes(std::initializer_list<int> v) {
    std::vector<std::byte> out;
    for (int b : v) out.push_back(static_cast<std::byte>(b));
    return out;
}

term_error decode_error(const std::vector<std::byte>& in, const etf::decode_options& o = {}) {
    auto t = etf::decode(in, o);
    EXPECT_FALSE(t) << "decoded to a term";
    return t ? term_error{} : t.error();
}

TEST(etf_hostile, every_truncation_of_a_valid_term_is_an_error) {
    term t = parse("{ok,[1,2.5,<<\"bin\">>,#{k => [a|b]},<0.3.0>,#Ref<0.1.2.3>,-300,99999999999],\"str\"}").value();
    const auto full = etf::encode(t);
    for (std::size_t n = 0; n < full.size(); ++n) {
        std::vector<std::byte> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
        auto r = etf::decode(cut);
        ASSERT_FALSE(r) << "prefix of " << n << " bytes decoded";
        EXPECT_EQ(r.error().code, term_errc::truncated) << n;
    }
    EXPECT_TRUE(etf::decode(full));
}

TEST(etf_hostile, huge_length_fields_fail_before_allocating) {
    // A list, tuple, map, binary and string each claiming ~4 billion elements.
    for (auto in : {bytes({131, 108, 0xff, 0xff, 0xff, 0xff, 106}), bytes({131, 105, 0xff, 0xff, 0xff, 0xff}),
                    bytes({131, 116, 0xff, 0xff, 0xff, 0xff}), bytes({131, 109, 0xff, 0xff, 0xff, 0xff, 1}),
                    bytes({131, 107, 0xff, 0xff, 1}), bytes({131, 110, 255, 0})}) {
        EXPECT_EQ(decode_error(in).code, term_errc::truncated);
    }
}

TEST(etf_hostile, deep_nesting_stops_at_the_limit) {
    std::vector<std::byte> in = bytes({131});
    for (int i = 0; i < 100000; ++i) in.insert(in.end(), {std::byte{104}, std::byte{1}}); // {{{...
    in.push_back(std::byte{106});
    auto e = decode_error(in);
    EXPECT_EQ(e.code, term_errc::too_deep);
    EXPECT_EQ(e.offset, 1u + 2 * 512);
}

TEST(etf_hostile, a_long_chain_of_list_tails_decodes_in_linear_time) {
    // [1 | [1 | [1 | ... ]]] written as nested LIST_EXT of one element each:
    // legal, not nesting in Erlang's sense, and must not cost n^2.
    const int n = 200000;
    std::vector<std::byte> in = bytes({131});
    for (int i = 0; i < n; ++i) in.insert(in.end(), {std::byte{108}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{1}, std::byte{97}, std::byte{1}});
    in.push_back(std::byte{106});
    auto t = etf::decode(in);
    ASSERT_TRUE(t) << t.error().describe();
    EXPECT_EQ(t->size(), static_cast<std::size_t>(n));
    EXPECT_TRUE(t->is_proper_list());
}

TEST(etf_hostile, size_limit) {
    auto in = etf::encode(term::binary(std::string(1000, 'x')));
    EXPECT_EQ(decode_error(in, {.max_bytes = 999}).code, term_errc::too_large);
    EXPECT_TRUE(etf::decode(in, {.max_bytes = 2000}));
}

struct bad_case {
    const char* what;
    std::vector<std::byte> in;
    term_errc code;
    std::size_t offset;
};

TEST(etf_hostile, malformed_inputs_name_the_problem_and_place) {
    const bad_case cases[] = {
        {"empty", bytes({}), term_errc::truncated, 0},
        {"wrong version", bytes({130, 106}), term_errc::bad_version, 0},
        {"trailing bytes", bytes({131, 106, 106}), term_errc::trailing_bytes, 2},
        {"fun", bytes({131, 112, 0, 0, 0, 0}), term_errc::bad_tag, 1},
        {"unknown tag", bytes({131, 1}), term_errc::bad_tag, 1},
        {"compressed", bytes({131, 80, 0, 0, 0, 1}), term_errc::bad_tag, 1},
        {"NaN", bytes({131, 70, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0}), term_errc::bad_float, 1},
        {"infinity", bytes({131, 70, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0}), term_errc::bad_float, 1},
        {"2^63", bytes({131, 110, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0x80}), term_errc::integer_overflow, 1},
        {"-2^63-1", bytes({131, 110, 8, 1, 1, 0, 0, 0, 0, 0, 0, 0x80}), term_errc::integer_overflow, 1},
        {"9-byte big", bytes({131, 110, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), term_errc::integer_overflow, 1},
        {"duplicate map key", bytes({131, 116, 0, 0, 0, 2, 97, 1, 106, 97, 1, 106}), term_errc::duplicate_key, 1},
        {"pid node not an atom", bytes({131, 88, 97, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}), term_errc::bad_tag, 2},
        {"reference of 0 words", bytes({131, 90, 0, 0, 119, 1, 110, 0, 0, 0, 0}), term_errc::too_large, 1},
        {"reference of 6 words", bytes({131, 90, 0, 6}), term_errc::too_large, 1},
        {"invalid utf8 atom", bytes({131, 119, 2, 0xc3, 0x28}), term_errc::invalid_utf8, 1},
        {"atom length past end", bytes({131, 119, 5, 97}), term_errc::truncated, 1},
        {"list tail missing", bytes({131, 108, 0, 0, 0, 1, 97, 1}), term_errc::truncated, 8},
    };
    for (const auto& c : cases) {
        auto r = etf::decode(c.in);
        ASSERT_FALSE(r) << c.what;
        EXPECT_EQ(r.error().code, c.code) << c.what << ": " << r.error().describe();
        EXPECT_EQ(r.error().offset, c.offset) << c.what << ": " << r.error().describe();
        EXPECT_FALSE(r.error().message.empty()) << c.what;
    }
}

TEST(etf_hostile, existing_atoms_only_refuses_new_atoms) {
    auto in = bytes({131, 119, 9, 'n', 'e', 'w', '_', 'a', 't', 'o', 'm', 'Q'});
    EXPECT_EQ(decode_error(in, {.existing_atoms_only = true}).code, term_errc::unknown_atom);
    EXPECT_FALSE(atom::existing("new_atomQ"));
    EXPECT_TRUE(etf::decode(in));
}

} // namespace
} // namespace ember
