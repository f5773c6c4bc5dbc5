#pragma once
// Frames: a 4-byte big-endian length, then that many bytes holding one term
// in the External Term Format (version byte 131 first). This is what
// Erlang's gen_tcp sends and receives with {packet, 4}, so an Erlang shell
// talks to a node with gen_tcp:send(S, term_to_binary(T)) and
// binary_to_term(B).
//
// Reading bytes from the network (frame_reader) follows the term library's
// rules for untrusted input (term/src/etf_decode.cpp): the length is checked
// against a limit before a byte of the body is kept, nesting is bounded,
// atoms the node does not know are refused rather than made, and every
// failure is a value saying what, where and whether the connection can go on.
//
//   frame_reader reader;                        // one per connection
//   std::span<const std::byte> in(buf, n);      // bytes just read
//   for (;;) {
//       auto f = reader.read(in);
//       if (!f) {
//           if (f.error().fatal()) { send_error_and_close(f.error()); break; }
//           answer_error(f.error()); continue;  // the frame was skipped
//       }
//       if (!*f) break;                         // `in` is used up: read more
//       handle(**f);
//   }
//
// Sections: [limits] [errors] [encoding] [reader]

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ember/protocol/error_reason.hpp"
#include "ember/protocol/export.hpp"
#include "ember/term/expected.hpp"
#include "ember/term/term.hpp"

namespace ember::protocol {

// [limits] ------------------------------------------------------------------

/// Bytes of the length field before each body.
inline constexpr std::size_t frame_header_bytes = 4;
/// Largest body a reader accepts unless told otherwise.
inline constexpr std::size_t default_max_frame_bytes = std::size_t{16} * 1024 * 1024;
/// Deepest nesting of tuples, lists and maps a reader accepts unless told
/// otherwise: a supervision tree in a reply is far shallower.
inline constexpr std::size_t default_max_depth = 128;

/// What a frame_reader accepts. A value; set once per connection.
struct frame_limits {
    /// Largest body (bytes after the length field). A length over it fails
    /// before any of the body is read, and the reader never holds more than
    /// this many bytes. At most 4 GiB - 1 can be said by the length field.
    std::size_t max_frame_bytes = default_max_frame_bytes;
    /// Nesting limit passed to etf::decode.
    std::size_t max_depth = default_max_depth;
    /// Refuse atoms not already in this OS process's atom table (like
    /// binary_to_term(B, [safe])). The agent must keep this on: a client
    /// could otherwise fill the table, which is never emptied and stops the
    /// node when full. A client may turn it off for a node it trusts, since
    /// replies carry names (registered names, modules) it cannot know ahead.
    bool existing_atoms_only = true;
};

// [errors] ------------------------------------------------------------------

/// Why a frame was refused. Stable names (frame_errc_name) that are also
/// the reason codes the agent answers with.
enum class frame_errc : std::uint8_t {
    frame_too_large, ///< length field over frame_limits::max_frame_bytes (fatal)
    empty_frame,     ///< length field 0: no term can be that short (fatal)
    bad_term,        ///< the body is not one term in the External Term Format (fatal)
    too_deep,        ///< nesting over frame_limits::max_depth (fatal)
    unknown_atom,    ///< an atom this node does not know (the frame is skipped)
    unknown_request, ///< as unknown_atom, where that atom leads the Request of {Ref, Request}
};

/// "frame_too_large", "empty_frame", ... Any thread.
EMBER_PROTOCOL_EXPORT std::string_view frame_errc_name(frame_errc code) noexcept;

/// A refused frame. A value; any thread.
struct frame_error {
    frame_errc code = frame_errc::bad_term;
    /// Where, counted in bytes of the whole stream given to the reader: the
    /// first byte of the length field for frame_too_large and empty_frame,
    /// the offending byte of the body otherwise.
    std::size_t offset = 0;
    std::string message;
    /// unknown_atom and unknown_request only: the Ref of a `{Ref, Request}`
    /// frame when the Ref itself could be read, so the agent can answer
    /// `{Ref, {error, Reason}}`. nullopt otherwise (a hello, or a Ref made
    /// by a distributed Erlang node, which names that node by an atom the
    /// node does not know): the agent answers `{error, Reason}` and closes.
    std::optional<term> ref;

    /// False for unknown_atom and unknown_request, after which the reader
    /// goes on with the next frame; true for the others, after which the
    /// reader refuses all input and the connection is to be closed.
    bool fatal() const noexcept { return code != frame_errc::unknown_atom && code != frame_errc::unknown_request; }

    /// "frame_too_large at byte 8: frame of 20000000 bytes is over the limit of 16777216"
    EMBER_PROTOCOL_EXPORT std::string describe() const;
};

/// `{Code, Message}` for answering a peer: the code is frame_errc_name.
/// Any thread.
EMBER_PROTOCOL_EXPORT error_reason to_reason(const frame_error& e);

// [encoding] ----------------------------------------------------------------

/// Appends one frame holding `t` to `out`: the body's length (4 bytes, big
/// endian), then etf::encode(t), byte for byte what Erlang/OTP 26's
/// term_to_binary writes (see etf.hpp). Any thread (`t` is only read).
/// Nothing here checks a reader's max_frame_bytes: a sender that may build
/// big terms compares the body size with the limit it documents. Throws
/// std::bad_alloc, and std::length_error for a body of 4 GiB or more (which
/// no length field can say; `out` is then unchanged).
EMBER_PROTOCOL_EXPORT void encode_frame_append(const term& t, std::vector<std::byte>& out);

/// One frame holding `t`: see encode_frame_append.
EMBER_PROTOCOL_EXPORT std::vector<std::byte> encode_frame(const term& t);

// [reader] ------------------------------------------------------------------

/// Cuts a byte stream into frames and decodes each to a term, whatever way
/// the stream was split into reads.
///
/// One per connection, used by one thread at a time (the thread reading
/// that connection); not thread-safe. It holds at most one frame: its
/// memory is bounded by frame_limits::max_frame_bytes, and it lets go of a
/// large buffer once the frame in it has been taken.
class frame_reader {
public:
    /// Calls intern_atoms(), so the protocol's own atoms decode.
    EMBER_PROTOCOL_EXPORT explicit frame_reader(frame_limits limits = {});

    /// Takes bytes from the front of `input`, advancing it past what it took,
    /// until one frame is complete, and returns that frame's term; returns
    /// nullopt when `input` ran out first (it was all taken: the part of a
    /// frame seen so far is kept for the next call). Call it again until it
    /// returns nullopt: `input` may hold many frames.
    ///
    /// Errors: a non-fatal one (frame_error::fatal() false) consumed its
    /// frame, and the next call goes on after it. After a fatal one the
    /// reader takes no more bytes: every later call returns that same error
    /// and leaves `input` as it is. Throws only std::bad_alloc.
    EMBER_PROTOCOL_EXPORT expected<std::optional<term>, frame_error> read(std::span<const std::byte>& input);

    /// True once a fatal error was returned.
    bool failed() const noexcept { return error_.has_value(); }
    /// Body bytes held for the frame in progress (never over max_frame_bytes).
    std::size_t buffered_bytes() const noexcept { return body_.size(); }
    /// Bytes taken from the stream so far.
    std::size_t offset() const noexcept { return offset_; }
    const frame_limits& limits() const noexcept { return limits_; }

private:
    expected<std::optional<term>, frame_error> fail(frame_error e);
    expected<std::optional<term>, frame_error> decode_body();
    void take_body(std::span<const std::byte>& input);
    void release_body() noexcept;

    frame_limits limits_;
    std::byte header_[frame_header_bytes] = {};
    std::size_t header_have_ = 0;  ///< bytes of the length field seen
    std::size_t body_length_ = 0;  ///< the length field, once header_have_ is 4
    std::size_t frame_start_ = 0;  ///< stream offset of this frame's length field
    std::size_t offset_ = 0;       ///< stream bytes taken so far
    std::vector<std::byte> body_;  ///< capacity never over body_length_
    std::optional<frame_error> error_;
};

} // namespace ember::protocol
