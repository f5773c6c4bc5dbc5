#pragma once
// Helpers shared by the protocol tests: bytes from hex and back, and a
// reader loop that collects every frame and error of a stream.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ember/protocol/frame.hpp"

#include "support/hex.hpp"

namespace ember::protocol::test {

inline std::vector<std::byte> from_hex(std::string_view hex) {
    std::vector<std::byte> out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<std::byte>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    return out;
}

using ember::testing::to_hex;

inline std::vector<std::byte> bytes(std::initializer_list<int> values) {
    std::vector<std::byte> out;
    for (int v : values) out.push_back(static_cast<std::byte>(v));
    return out;
}

inline void append(std::vector<std::byte>& out, std::span<const std::byte> more) { out.insert(out.end(), more.begin(), more.end()); }

/// A frame around any body bytes (valid or not).
inline std::vector<std::byte> frame_of(std::span<const std::byte> body) {
    const auto n = static_cast<std::uint32_t>(body.size());
    std::vector<std::byte> out = bytes({static_cast<int>(n >> 24), static_cast<int>((n >> 16) & 255), static_cast<int>((n >> 8) & 255),
                                        static_cast<int>(n & 255)});
    append(out, body);
    return out;
}

/// What a reader made of some input: frames in order, then the errors.
struct collected {
    std::vector<term> frames;
    std::vector<frame_error> errors;
};

/// Reads all of `input` the way a connection would: read until nullopt,
/// skipping non-fatal errors, stopping at a fatal one.
inline void read_all(frame_reader& reader, std::span<const std::byte> input, collected& out) {
    for (;;) {
        auto f = reader.read(input);
        if (!f) {
            out.errors.push_back(f.error());
            if (f.error().fatal()) return;
            continue;
        }
        if (!*f) return;
        out.frames.push_back(std::move(**f));
    }
}

} // namespace ember::protocol::test
