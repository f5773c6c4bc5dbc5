// tokens_equal: the same answer as ==, whatever the lengths and contents.
#include <gtest/gtest.h>

#include <string>

#include "ember/protocol/token.hpp"

namespace ember::protocol {
namespace {

TEST(protocol_tokens_equal, equal_tokens) {
    EXPECT_TRUE(tokens_equal("0123456789abcdef", "0123456789abcdef"));
    EXPECT_TRUE(tokens_equal("", ""));
    const std::string t(64, 'a');
    EXPECT_TRUE(tokens_equal(std::as_bytes(std::span(t.data(), t.size())), std::as_bytes(std::span(t.data(), t.size()))));
}

TEST(protocol_tokens_equal, a_difference_anywhere) {
    const std::string token = "0123456789abcdef0123456789abcdef";
    for (std::size_t i = 0; i < token.size(); ++i) {
        std::string guess = token;
        guess[i] = static_cast<char>(guess[i] ^ 1);
        EXPECT_FALSE(tokens_equal(token, guess)) << "differs at " << i;
        EXPECT_FALSE(tokens_equal(guess, token)) << "differs at " << i;
    }
}

TEST(protocol_tokens_equal, different_lengths) {
    EXPECT_FALSE(tokens_equal("abc", "abcd"));
    EXPECT_FALSE(tokens_equal("abcd", "abc"));
    EXPECT_FALSE(tokens_equal("", "a"));
    EXPECT_FALSE(tokens_equal("a", ""));
    // A prefix padded with what the loop reads past the end (zero) is no match.
    EXPECT_FALSE(tokens_equal(std::string_view("ab\0", 3), "ab"));
}

} // namespace
} // namespace ember::protocol
