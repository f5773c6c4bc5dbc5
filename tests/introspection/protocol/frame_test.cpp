// Frames: encoding, and reading a stream however it was cut into reads.
#include <gtest/gtest.h>

#include "ember/protocol/frame.hpp"
#include "ember/protocol/messages.hpp"
#include "ember/term/etf.hpp"
#include "ember/term/parse.hpp"
#include "protocol_test_util.hpp"

namespace ember::protocol {
namespace {

using test::collected;
using test::read_all;

term p(std::string_view text) { return parse(text).value(); }

// A few frames of different sizes and shapes, as a session would send them.
std::vector<term> session_terms() {
    return {to_term(hello{1, "0123456789abcdef"}),
            p("{1, {processes, #{sort => memory, limit => 20}}}"),
            p("{2, {system}}"),
            to_term(reply_envelope{term::integer(2), p("#{process_count => 12, uptime_ms => 3400}")}),
            to_term(push_envelope{term::integer(3), p("[{scheduler, 1, 0.25}, {scheduler, 2, 0.5}]")}),
            term::binary(std::string(300, 'x'))};
}

std::vector<std::byte> stream_of(const std::vector<term>& terms) {
    std::vector<std::byte> out;
    for (const term& t : terms) encode_frame_append(t, out);
    return out;
}

TEST(protocol_frame, encoding_is_a_big_endian_length_then_the_etf) {
    const term t = p("{hello, 1, <<\"tok\">>}");
    const auto etf = etf::encode(t);
    const auto frame = encode_frame(t);
    ASSERT_EQ(frame.size(), frame_header_bytes + etf.size());
    EXPECT_EQ(frame[0], std::byte{0});
    EXPECT_EQ(frame[1], std::byte{0});
    EXPECT_EQ(frame[2], std::byte{0});
    EXPECT_EQ(static_cast<std::size_t>(frame[3]), etf.size());
    EXPECT_TRUE(std::equal(etf.begin(), etf.end(), frame.begin() + frame_header_bytes));
}

TEST(protocol_frame, length_uses_all_four_bytes) {
    const term big = term::binary(std::string(0x012345, 'a'));
    const auto frame = encode_frame(big);
    const std::size_t body = frame.size() - frame_header_bytes;
    EXPECT_EQ(body, etf::encode(big).size());
    EXPECT_EQ(static_cast<std::size_t>(frame[0]), body >> 24);
    EXPECT_EQ(static_cast<std::size_t>(frame[1]), (body >> 16) & 255);
    EXPECT_EQ(static_cast<std::size_t>(frame[2]), (body >> 8) & 255);
    EXPECT_EQ(static_cast<std::size_t>(frame[3]), body & 255);
}

TEST(protocol_frame, append_form_appends) {
    std::vector<std::byte> out = test::bytes({7, 7});
    encode_frame_append(atoms::ok, out);
    encode_frame_append(atoms::error, out);
    const auto ok = encode_frame(atoms::ok);
    const auto error = encode_frame(atoms::error);
    ASSERT_EQ(out.size(), 2 + ok.size() + error.size());
    EXPECT_TRUE(std::equal(ok.begin(), ok.end(), out.begin() + 2));
    EXPECT_TRUE(std::equal(error.begin(), error.end(), out.begin() + 2 + static_cast<std::ptrdiff_t>(ok.size())));
}

TEST(protocol_frame_reader, reads_one_frame_and_stops_after_it) {
    const auto stream = stream_of({atoms::ok, atoms::error});
    frame_reader reader;
    std::span<const std::byte> in(stream);
    auto first = reader.read(in);
    ASSERT_TRUE(first && *first);
    EXPECT_EQ(**first, term(atoms::ok));
    EXPECT_EQ(in.size(), encode_frame(atoms::error).size()) << "only the first frame was taken";
    auto second = reader.read(in);
    ASSERT_TRUE(second && *second);
    EXPECT_EQ(**second, term(atoms::error));
    EXPECT_TRUE(in.empty());
    auto none = reader.read(in);
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);
    EXPECT_EQ(reader.offset(), stream.size());
}

TEST(protocol_frame_reader, glued_frames_all_come_out_in_order) {
    const auto terms = session_terms();
    const auto stream = stream_of(terms);
    frame_reader reader;
    collected got;
    read_all(reader, stream, got);
    EXPECT_TRUE(got.errors.empty());
    EXPECT_EQ(got.frames, terms);
    EXPECT_EQ(reader.buffered_bytes(), 0u);
}

// Every way of cutting the stream in two, then in three, gives the same
// frames: the reader keeps partial length fields and bodies across reads.
TEST(protocol_frame_reader, split_at_every_byte_boundary) {
    const auto terms = session_terms();
    const auto stream = stream_of(terms);
    const std::span<const std::byte> all(stream);
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        frame_reader reader;
        collected got;
        read_all(reader, all.first(cut), got);
        EXPECT_LE(reader.buffered_bytes(), reader.limits().max_frame_bytes);
        read_all(reader, all.subspan(cut), got);
        ASSERT_TRUE(got.errors.empty()) << "cut at " << cut << ": " << got.errors[0].describe();
        ASSERT_EQ(got.frames, terms) << "cut at " << cut;
    }
}

TEST(protocol_frame_reader, split_at_every_pair_of_boundaries) {
    const std::vector<term> terms = {p("{1, {kill, <0.42.0>}}"), atoms::ok, p("{hello, 1, <<\"t\">>}")};
    const auto stream = stream_of(terms);
    const std::span<const std::byte> all(stream);
    for (std::size_t a = 0; a <= stream.size(); ++a) {
        for (std::size_t b = a; b <= stream.size(); ++b) {
            frame_reader reader;
            collected got;
            read_all(reader, all.first(a), got);
            read_all(reader, all.subspan(a, b - a), got);
            read_all(reader, all.subspan(b), got);
            ASSERT_TRUE(got.errors.empty()) << a << "," << b;
            ASSERT_EQ(got.frames, terms) << "cuts at " << a << " and " << b;
        }
    }
}

TEST(protocol_frame_reader, one_byte_at_a_time) {
    const auto terms = session_terms();
    const auto stream = stream_of(terms);
    frame_reader reader;
    collected got;
    for (std::byte b : stream) read_all(reader, std::span<const std::byte>(&b, 1), got);
    EXPECT_TRUE(got.errors.empty());
    EXPECT_EQ(got.frames, terms);
}

TEST(protocol_frame_reader, holds_only_the_frame_in_progress) {
    const term big = term::binary(std::string(100'000, 'b'));
    const auto frame = encode_frame(big);
    frame_reader reader;
    std::span<const std::byte> in(frame.data(), frame.size() - 1);
    auto none = reader.read(in);
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);
    EXPECT_EQ(reader.buffered_bytes(), frame.size() - frame_header_bytes - 1);
    std::span<const std::byte> last(frame.data() + frame.size() - 1, 1);
    auto got = reader.read(last);
    ASSERT_TRUE(got && *got);
    EXPECT_EQ(**got, big);
    EXPECT_EQ(reader.buffered_bytes(), 0u);
}

TEST(protocol_frame_reader, a_frame_at_the_limit_is_read) {
    const term t = term::binary(std::string(100, 'z'));
    const auto frame = encode_frame(t);
    frame_reader reader({.max_frame_bytes = frame.size() - frame_header_bytes});
    collected got;
    read_all(reader, frame, got);
    ASSERT_TRUE(got.errors.empty());
    ASSERT_EQ(got.frames.size(), 1u);
}

TEST(protocol_frame_reader, new_atoms_are_made_only_when_allowed) {
    // A client reading a node it trusts may accept atoms it has never seen.
    const auto body = test::bytes({131, 119, 17, 'p', 'r', 'o', 't', 'o', 'c', 'o', 'l', '_', 't', 'e', 's', 't', '_', 'n', 'e', 'w'});
    const auto frame = test::frame_of(body);
    ASSERT_FALSE(atom::existing("protocol_test_new"));
    {
        frame_reader reader;
        collected got;
        read_all(reader, frame, got);
        ASSERT_EQ(got.errors.size(), 1u);
        EXPECT_EQ(got.errors[0].code, frame_errc::unknown_atom);
        EXPECT_FALSE(atom::existing("protocol_test_new"));
    }
    frame_reader trusting({.existing_atoms_only = false});
    collected got;
    read_all(trusting, frame, got);
    ASSERT_EQ(got.frames.size(), 1u);
    EXPECT_EQ(got.frames[0], term(atom("protocol_test_new")));
}

TEST(protocol_frame_errors, names_and_reasons) {
    EXPECT_EQ(frame_errc_name(frame_errc::frame_too_large), "frame_too_large");
    EXPECT_EQ(frame_errc_name(frame_errc::empty_frame), "empty_frame");
    EXPECT_EQ(frame_errc_name(frame_errc::bad_term), "bad_term");
    EXPECT_EQ(frame_errc_name(frame_errc::too_deep), "too_deep");
    EXPECT_EQ(frame_errc_name(frame_errc::unknown_atom), "unknown_atom");
    EXPECT_EQ(frame_errc_name(frame_errc::unknown_request), "unknown_request");
    const frame_error e{frame_errc::frame_too_large, 8, "frame of 20 bytes is over the limit of 10", {}};
    EXPECT_TRUE(e.fatal());
    EXPECT_EQ(e.describe(), "frame_too_large at byte 8: frame of 20 bytes is over the limit of 10");
    EXPECT_EQ(to_term(to_reason(e)), p("{frame_too_large, <<\"frame of 20 bytes is over the limit of 10\">>}"));
    EXPECT_FALSE((frame_error{frame_errc::unknown_atom, 0, "", {}}.fatal()));
    EXPECT_FALSE((frame_error{frame_errc::unknown_request, 0, "", {}}.fatal()));
}

} // namespace
} // namespace ember::protocol
