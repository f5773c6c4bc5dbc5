// libFuzzer target for what the agent reads from a socket: the frame reader
// and the request parser. The first input byte says how the rest is cut
// into reads (0: all at once, N: N bytes at a time), the rest is the byte
// stream. Checked for any input:
//  - every outcome is a frame or an error value with a message; the reader
//    never holds more than max_frame_bytes, and returns nullopt only once
//    the read is used up;
//  - after a fatal error it takes no byte and repeats that error;
//  - a frame read encodes and reads back to itself;
//  - the hello, envelope, request and processes-options parsers give a
//    value or an error with a message for whatever term came in.
#include <cstdint>
#include <cstdlib>

#include "ember/protocol/frame.hpp"
#include "ember/protocol/messages.hpp"
#include "ember/protocol/request.hpp"

namespace {

using namespace ember;
using namespace ember::protocol;

constexpr std::size_t max_frame = 2048;

void require(bool ok) {
    if (!ok) std::abort();
}

void check_frame(const term& t) {
    // Round trip through the encoder and a fresh reader (a larger limit:
    // Latin-1 atoms read in are written back as longer UTF-8).
    const auto again = encode_frame(t);
    frame_reader reader({.max_frame_bytes = 1 << 20, .max_depth = 64});
    std::span<const std::byte> in(again);
    auto back = reader.read(in);
    require(back && *back && **back == t && in.empty());

    if (auto h = from_term<hello>(t)) {
        require(to_term(*h) == t);
    } else {
        require(!h.error().message.empty());
    }
    if (auto env = from_term<request_envelope>(t)) {
        auto req = parse_request(env->request);
        if (!req) {
            require(!req.error().message.empty());
            (void)to_term(reply_envelope{env->ref, unexpected(req.error())});
            return;
        }
        require(req->args().size() + 1 == env->request.size());
        if (req->kind == request_kind::processes) {
            auto opts = processes_options_of(*req);
            if (opts) {
                require(opts->limit >= 1 && opts->limit <= processes_options::max_limit);
                require(opts->offset <= processes_options::max_offset);
                require(opts->filter.size() <= processes_options::max_filter_bytes);
                auto back_opts = from_term<processes_options>(to_term(*opts));
                require(back_opts && *back_opts == *opts);
            } else {
                require(!opts.error().message.empty());
            }
        }
    }
    if (auto msg = read_server_message(t); !msg) require(!msg.error().message.empty());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t chunk = data[0] % 33;
    const std::span<const std::byte> stream(reinterpret_cast<const std::byte*>(data + 1), size - 1);
    frame_reader reader({.max_frame_bytes = max_frame, .max_depth = 32});
    for (std::size_t fed = 0; fed < stream.size();) {
        const std::size_t n = chunk == 0 ? stream.size() : std::min(chunk, stream.size() - fed);
        std::span<const std::byte> in = stream.subspan(fed, n);
        fed += n;
        for (;;) {
            auto f = reader.read(in);
            require(reader.buffered_bytes() <= max_frame);
            if (!f) {
                const frame_error& e = f.error();
                require(!e.message.empty() && e.fatal() == reader.failed());
                (void)to_term(to_reason(e));
                if (!e.fatal()) continue;
                const std::size_t left = in.size();
                auto again = reader.read(in);
                require(!again && again.error().code == e.code && again.error().offset == e.offset && in.size() == left);
                return 0;
            }
            if (!*f) {
                require(in.empty());
                break;
            }
            check_frame(**f);
        }
    }
    return 0;
}
