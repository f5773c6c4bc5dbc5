#pragma once
// Comparing access tokens without telling an attacker, by the time an answer
// takes, how many leading bytes of a guess were right.

#include <cstddef>
#include <span>
#include <string_view>

#include "ember/protocol/export.hpp"

namespace ember::protocol {

/// True when `a` and `b` hold the same bytes. Every byte position up to the
/// longer length is compared: no exit at the first difference, so the time
/// depends on the lengths only, never on the contents. (A token's length is
/// not secret: the agent's tokens have one fixed length.) Any thread.
EMBER_PROTOCOL_EXPORT bool tokens_equal(std::span<const std::byte> a, std::span<const std::byte> b) noexcept;

/// The same for text, e.g. hello::token against a token read from a file.
inline bool tokens_equal(std::string_view a, std::string_view b) noexcept {
    return tokens_equal(std::as_bytes(std::span(a.data(), a.size())), std::as_bytes(std::span(b.data(), b.size())));
}

} // namespace ember::protocol
