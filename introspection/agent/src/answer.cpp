// Replies and pushes as frames, under the frame limit.

#include "answer.hpp"

#include <stdexcept>
#include <string>

#include "ember/protocol/frame.hpp"

namespace ember::agent::detail {
namespace {

protocol::error_reason too_large(std::size_t body, std::size_t limit) {
    return protocol::make_reason("frame_too_large", "the answer of " + std::to_string(body) + " bytes is over the frame limit of " +
                                                        std::to_string(limit) + ": ask for less (a smaller limit)");
}

} // namespace

std::vector<std::byte> encode_reply(const term& ref, expected<term, protocol::error_reason> result, std::size_t max_frame_bytes) {
    protocol::error_reason why;
    try {
        auto frame = protocol::encode_frame(to_term(protocol::reply_envelope{ref, std::move(result)}));
        const std::size_t body = frame.size() - protocol::frame_header_bytes;
        if (body <= max_frame_bytes) return frame;
        why = too_large(body, max_frame_bytes);
    } catch (const std::bad_alloc&) {
        why = protocol::make_reason("overloaded", "the node ran out of memory encoding the answer");
    } catch (const std::length_error&) {
        why = too_large(std::size_t{1} << 32, max_frame_bytes);
    }
    // Small whatever the answer was (a Ref is at most a frame the client sent).
    return protocol::encode_frame(to_term(protocol::reply_envelope{ref, unexpected(std::move(why))}));
}

expected<std::vector<std::byte>, protocol::error_reason> encode_push(const term& ref, const term& value, std::size_t max_frame_bytes) {
    try {
        auto frame = protocol::encode_frame(to_term(protocol::push_envelope{ref, value}));
        const std::size_t body = frame.size() - protocol::frame_header_bytes;
        if (body <= max_frame_bytes) return frame;
        return unexpected(too_large(body, max_frame_bytes));
    } catch (const std::bad_alloc&) {
        return unexpected(protocol::make_reason("overloaded", "the node ran out of memory encoding the push"));
    } catch (const std::length_error&) {
        return unexpected(too_large(std::size_t{1} << 32, max_frame_bytes));
    }
}

term ended(const protocol::error_reason& why) { return term::tuple({"ended"_atom, to_term(why)}); }

} // namespace ember::agent::detail
