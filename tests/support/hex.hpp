#pragma once
// Bytes as lower-case hex, for comparing encodings with golden vectors.

#include <cstddef>
#include <span>
#include <string>

namespace ember::testing {

inline std::string to_hex(std::span<const std::byte> bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (std::byte b : bytes) {
        out += digits[static_cast<unsigned>(b) >> 4];
        out += digits[static_cast<unsigned>(b) & 15];
    }
    return out;
}

} // namespace ember::testing
