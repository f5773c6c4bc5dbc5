// Frame encoding, and the names and texts of frame errors.

#include <cstdint>
#include <limits>
#include <stdexcept>

#include "ember/protocol/frame.hpp"
#include "ember/term/etf.hpp"

namespace ember::protocol {

std::string_view frame_errc_name(frame_errc code) noexcept {
    switch (code) {
    case frame_errc::frame_too_large: return "frame_too_large";
    case frame_errc::empty_frame: return "empty_frame";
    case frame_errc::bad_term: return "bad_term";
    case frame_errc::too_deep: return "too_deep";
    case frame_errc::unknown_atom: return "unknown_atom";
    case frame_errc::unknown_request: return "unknown_request";
    }
    return "bad_term";
}

std::string frame_error::describe() const {
    return std::string(frame_errc_name(code)) + " at byte " + std::to_string(offset) + ": " + message;
}

error_reason to_reason(const frame_error& e) { return make_reason(frame_errc_name(e.code), e.message); }

void encode_frame_append(const term& t, std::vector<std::byte>& out) {
    const std::size_t start = out.size();
    out.resize(start + frame_header_bytes); // the length goes here once known
    try {
        etf::encode_append(t, out);
    } catch (...) {
        out.resize(start);
        throw;
    }
    const std::size_t body = out.size() - start - frame_header_bytes;
    if (body > std::numeric_limits<std::uint32_t>::max()) {
        out.resize(start);
        throw std::length_error("a frame body of " + std::to_string(body) + " bytes does not fit a 4-byte length");
    }
    for (std::size_t i = 0; i < frame_header_bytes; ++i)
        out[start + i] = static_cast<std::byte>((body >> (8 * (frame_header_bytes - 1 - i))) & 0xFF);
}

std::vector<std::byte> encode_frame(const term& t) {
    std::vector<std::byte> out;
    encode_frame_append(t, out);
    return out;
}

} // namespace ember::protocol
