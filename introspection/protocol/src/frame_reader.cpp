// frame_reader: a byte stream in, terms out, under frame_limits.
//
// Order of checks, each before the work it guards: the length field against
// max_frame_bytes (before a byte of the body is kept), then the body through
// etf::decode with the same bound and max_depth, then, only when an unknown
// atom stopped the decode, a second look at the body to find the Ref to
// answer (peek_envelope).

#include <algorithm>
#include <utility>

#include "ember/protocol/frame.hpp"
#include "ember/protocol/version.hpp"
#include "ember/term/etf.hpp"

namespace ember::protocol {
namespace {

constexpr std::byte small_tuple_ext{104};
constexpr std::byte large_tuple_ext{105};
// A buffer grown past this for one big frame is freed once the frame is
// taken, so an idle connection does not keep megabytes.
constexpr std::size_t kept_capacity = 64 * 1024;

// The text of the atom whose tag byte is at body[at]. The decoder read that
// atom before refusing it, so its bytes are there; checked anyway.
std::string atom_text(std::span<const std::byte> body, std::size_t at) {
    if (at >= body.size()) return {};
    const auto tag = static_cast<std::uint8_t>(body[at]);
    const bool small = tag == 115 || tag == 119; // SMALL_ATOM_EXT, SMALL_ATOM_UTF8_EXT
    const bool latin1 = tag == 100 || tag == 115; // ATOM_EXT, SMALL_ATOM_EXT
    const std::size_t text_at = at + (small ? 2 : 3);
    if (text_at > body.size()) return {};
    std::size_t len = static_cast<std::uint8_t>(body[at + 1]);
    if (!small) len = (len << 8) | static_cast<std::uint8_t>(body[at + 2]);
    if (len > body.size() - text_at) return {};
    std::string out;
    for (std::size_t i = 0; i < len; ++i) {
        const auto c = static_cast<unsigned char>(body[text_at + i]);
        if (latin1 && c >= 0x80) {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

struct envelope_peek {
    std::optional<term> ref;
    bool atom_leads_request = false;
};

// For a body `{Ref, Request}` whose decode stopped at an unknown atom whose
// tag is at body[atom_at]: reads Ref alone, and says whether that atom is
// Request's first element. Ref's end is found by decoding the bytes from the
// tuple's arity byte on, with that byte set to the version byte: the
// External Term Format is prefix-free, so the decoder reads exactly Ref and
// reports trailing bytes where Ref ends. The body is ours; the byte is put
// back before returning (if the decoder throws bad_alloc, the body is
// dropped anyway).
envelope_peek peek_envelope(std::vector<std::byte>& body, std::size_t atom_at, const etf::decode_options& options) {
    envelope_peek out;
    if (body.size() < 4 || body[1] != small_tuple_ext || body[2] != std::byte{2}) return out;
    body[2] = etf::version_byte;
    const std::span<const std::byte> rest(body.data() + 2, body.size() - 2);
    auto whole = etf::decode(rest, options);
    if (!whole && whole.error().code == term_errc::trailing_bytes) {
        const std::size_t ref_size = whole.error().offset; // the version byte and Ref
        auto ref = etf::decode(rest.first(ref_size), options);
        if (ref) {
            out.ref = std::move(*ref);
            const std::size_t request_at = 2 + ref_size;
            if (request_at < body.size()) {
                out.atom_leads_request = (body[request_at] == small_tuple_ext && atom_at == request_at + 2) ||
                                         (body[request_at] == large_tuple_ext && atom_at == request_at + 5);
            }
        }
    }
    body[2] = std::byte{2};
    return out;
}

} // namespace

frame_reader::frame_reader(frame_limits limits) : limits_(limits) { intern_atoms(); }

expected<std::optional<term>, frame_error> frame_reader::fail(frame_error e) {
    error_ = e;
    body_ = {};
    return unexpected(std::move(e));
}

void frame_reader::release_body() noexcept {
    body_.clear();
    if (body_.capacity() > kept_capacity) body_ = std::vector<std::byte>();
}

void frame_reader::take_body(std::span<const std::byte>& input) {
    const std::size_t n = std::min(body_length_ - body_.size(), input.size());
    const std::size_t need = body_.size() + n;
    // Grow geometrically but never past the announced length, so the
    // buffer's memory stays within max_frame_bytes.
    if (need > body_.capacity()) body_.reserve(std::min(body_length_, std::max(need, 2 * body_.capacity())));
    body_.insert(body_.end(), input.begin(), input.begin() + static_cast<std::ptrdiff_t>(n));
    input = input.subspan(n);
    offset_ += n;
}

expected<std::optional<term>, frame_error> frame_reader::read(std::span<const std::byte>& input) {
    if (error_) return unexpected(*error_);
    if (header_have_ < frame_header_bytes) {
        if (header_have_ == 0) frame_start_ = offset_;
        const std::size_t n = std::min(frame_header_bytes - header_have_, input.size());
        std::copy_n(input.begin(), n, header_ + header_have_);
        header_have_ += n;
        input = input.subspan(n);
        offset_ += n;
        if (header_have_ < frame_header_bytes) return std::optional<term>();
        body_length_ = 0;
        for (std::byte b : header_) body_length_ = (body_length_ << 8) | static_cast<std::uint8_t>(b);
        if (body_length_ == 0)
            return fail({frame_errc::empty_frame, frame_start_, "a frame of 0 bytes holds no term (the shortest takes 2)", {}});
        if (body_length_ > limits_.max_frame_bytes)
            return fail({frame_errc::frame_too_large, frame_start_,
                         "frame of " + std::to_string(body_length_) + " bytes is over the limit of " + std::to_string(limits_.max_frame_bytes),
                         {}});
    }
    take_body(input);
    if (body_.size() < body_length_) return std::optional<term>(); // `input` is used up
    return decode_body();
}

expected<std::optional<term>, frame_error> frame_reader::decode_body() {
    const etf::decode_options options{
        .max_depth = limits_.max_depth, .max_bytes = limits_.max_frame_bytes, .existing_atoms_only = limits_.existing_atoms_only};
    const std::size_t body_at = frame_start_ + frame_header_bytes;
    auto t = etf::decode(body_, options);
    header_have_ = 0; // whatever happens, the next byte starts a new frame
    if (t) {
        release_body();
        return std::optional<term>(std::move(*t));
    }
    const term_error& e = t.error();
    if (e.code == term_errc::unknown_atom) {
        envelope_peek peek = peek_envelope(body_, e.offset, options);
        frame_error out{frame_errc::unknown_atom, body_at + e.offset, e.message, std::move(peek.ref)};
        if (peek.atom_leads_request) {
            out.code = frame_errc::unknown_request;
            out.message = "unknown request '" + atom_text(body_, e.offset) + "'";
        }
        release_body();
        return unexpected(std::move(out));
    }
    const frame_errc code = e.code == term_errc::too_deep ? frame_errc::too_deep : frame_errc::bad_term;
    return fail({code, body_at + e.offset, std::string(term_errc_name(e.code)) + ": " + e.message, {}});
}

} // namespace ember::protocol
