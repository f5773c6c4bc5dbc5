// Frames from a peer that is broken or hostile: every one is an error value
// (never a crash, never unbounded memory, never a new atom), fatal ones
// close the reader for good, and unknown atoms skip just their frame.
#include <gtest/gtest.h>

#include "ember/protocol/frame.hpp"
#include "ember/protocol/messages.hpp"
#include "ember/term/etf.hpp"
#include "ember/term/parse.hpp"
#include "protocol_test_util.hpp"

namespace ember::protocol {
namespace {

using test::bytes;
using test::collected;
using test::frame_of;
using test::read_all;

term p(std::string_view text) { return parse(text).value(); }

frame_error first_error(frame_reader& reader, std::span<const std::byte> input) {
    collected got;
    read_all(reader, input, got);
    EXPECT_EQ(got.errors.size(), 1u);
    return got.errors.empty() ? frame_error{} : got.errors[0];
}

// An atom's bytes (SMALL_ATOM_UTF8_EXT) for a name never interned: the test
// cannot make that atom as a term without interning it.
std::vector<std::byte> atom_ext(std::string_view name) {
    std::vector<std::byte> out = bytes({119, static_cast<int>(name.size())});
    for (char c : name) out.push_back(static_cast<std::byte>(c));
    return out;
}

TEST(protocol_frame_hostile, a_truncated_frame_waits_and_holds_only_its_bytes) {
    const auto frame = encode_frame(p("{1, {processes}}"));
    frame_reader reader;
    std::span<const std::byte> in(frame.data(), frame.size() - 3);
    auto got = reader.read(in);
    ASSERT_TRUE(got);
    EXPECT_FALSE(*got) << "no frame until its last byte";
    EXPECT_EQ(reader.buffered_bytes(), frame.size() - frame_header_bytes - 3);
    EXPECT_FALSE(reader.failed());
}

TEST(protocol_frame_hostile, a_truncated_term_inside_a_whole_frame_is_bad_term) {
    const auto frame = frame_of(bytes({131, 104, 2, 97, 1})); // {1, and nothing more
    frame_reader reader;
    const frame_error e = first_error(reader, frame);
    EXPECT_EQ(e.code, frame_errc::bad_term);
    EXPECT_TRUE(e.fatal());
    EXPECT_NE(e.message.find("truncated"), std::string::npos) << e.message;
}

TEST(protocol_frame_hostile, an_oversized_length_fails_before_any_body_is_kept) {
    frame_reader reader({.max_frame_bytes = 100});
    const auto header = bytes({0, 0, 0, 101});
    std::span<const std::byte> in(header);
    auto got = reader.read(in);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, frame_errc::frame_too_large);
    EXPECT_EQ(got.error().offset, 0u);
    EXPECT_EQ(got.error().message, "frame of 101 bytes is over the limit of 100");
    EXPECT_EQ(reader.buffered_bytes(), 0u);
}

TEST(protocol_frame_hostile, the_largest_length_field_with_default_limits) {
    frame_reader reader;
    auto input = bytes({0xFF, 0xFF, 0xFF, 0xFF, 131, 106});
    const frame_error e = first_error(reader, input);
    EXPECT_EQ(e.code, frame_errc::frame_too_large);
    EXPECT_EQ(reader.buffered_bytes(), 0u);
}

TEST(protocol_frame_hostile, the_offset_counts_the_frames_before) {
    std::vector<std::byte> stream = encode_frame(atoms::ok);
    const std::size_t second = stream.size();
    test::append(stream, bytes({0x01, 0x00, 0x00, 0x01})); // 16 MiB + 1
    frame_reader reader;
    collected got;
    read_all(reader, stream, got);
    ASSERT_EQ(got.frames.size(), 1u);
    ASSERT_EQ(got.errors.size(), 1u);
    EXPECT_EQ(got.errors[0].code, frame_errc::frame_too_large);
    EXPECT_EQ(got.errors[0].offset, second);
}

TEST(protocol_frame_hostile, a_zero_length_frame_is_an_error) {
    frame_reader reader;
    const frame_error e = first_error(reader, bytes({0, 0, 0, 0}));
    EXPECT_EQ(e.code, frame_errc::empty_frame);
    EXPECT_TRUE(e.fatal());
}

TEST(protocol_frame_hostile, garbage_is_bad_term_with_the_offending_byte) {
    struct {
        std::vector<std::byte> body;
        std::size_t at; // offset in the body of the byte blamed
        const char* says;
    } cases[] = {
        {bytes({1, 2, 3}), 0, "bad_version"},
        {bytes({131, 255}), 1, "bad_tag"},
        {bytes({131, 109, 0, 0, 0, 9, 1}), 1, "truncated"},       // binary of 9 bytes, 1 there
        {bytes({131, 106, 106}), 2, "trailing_bytes"},           // [] then a stray byte
        {bytes({131, 108, 0xFF, 0xFF, 0xFF, 0xFF}), 1, "truncated"}, // a list claiming 4 G elements
        {bytes({131, 117, 0, 0, 0, 0}), 1, "bad_tag"},           // a fun
    };
    for (const auto& c : cases) {
        frame_reader reader;
        const auto frame = frame_of(c.body);
        const frame_error e = first_error(reader, frame);
        EXPECT_EQ(e.code, frame_errc::bad_term) << c.says;
        EXPECT_EQ(e.offset, frame_header_bytes + c.at) << c.says;
        EXPECT_EQ(e.message.rfind(c.says, 0), 0u) << e.message;
        EXPECT_TRUE(reader.failed());
    }
}

TEST(protocol_frame_hostile, deep_nesting_is_refused_past_the_limit) {
    auto nested = [](std::size_t depth) { // [[[...[]...]]]: depth lists
        std::vector<std::byte> body = bytes({131});
        for (std::size_t i = 0; i < depth; ++i) test::append(body, bytes({108, 0, 0, 0, 1}));
        body.push_back(std::byte{106});
        for (std::size_t i = 0; i < depth; ++i) body.push_back(std::byte{106});
        return frame_of(body);
    };
    {
        frame_reader reader;
        collected got;
        read_all(reader, nested(default_max_depth), got);
        EXPECT_TRUE(got.errors.empty());
        EXPECT_EQ(got.frames.size(), 1u);
    }
    frame_reader reader;
    const frame_error e = first_error(reader, nested(default_max_depth + 1));
    EXPECT_EQ(e.code, frame_errc::too_deep);
    EXPECT_TRUE(e.fatal());
    frame_reader strict({.max_depth = 3});
    EXPECT_EQ(first_error(strict, nested(4)).code, frame_errc::too_deep);
}

TEST(protocol_frame_hostile, after_a_fatal_error_every_read_fails_the_same_way) {
    frame_reader reader({.max_frame_bytes = 10});
    const auto bad = bytes({0, 0, 0, 11});
    std::span<const std::byte> in(bad);
    auto first = reader.read(in);
    ASSERT_FALSE(first);
    ASSERT_TRUE(reader.failed());
    const auto good = encode_frame(atoms::ok);
    std::span<const std::byte> more(good);
    for (int i = 0; i < 3; ++i) {
        auto again = reader.read(more);
        ASSERT_FALSE(again);
        EXPECT_EQ(again.error().code, frame_errc::frame_too_large);
        EXPECT_EQ(again.error().offset, first.error().offset);
        EXPECT_EQ(more.size(), good.size()) << "no byte is taken";
    }
    EXPECT_EQ(reader.offset(), 4u);
}

TEST(protocol_frame_hostile, an_unknown_request_is_answerable_and_the_stream_goes_on) {
    // {7, {protocol_test_never_made}}, then a good frame.
    std::vector<std::byte> body = bytes({131, 104, 2, 97, 7, 104, 1});
    test::append(body, atom_ext("protocol_test_never_made"));
    std::vector<std::byte> stream = frame_of(body);
    encode_frame_append(p("{8, {system}}"), stream);

    const term expected_reason = p("{unknown_request, <<\"unknown request 'protocol_test_never_made'\">>}");
    frame_reader reader; // makes the protocol's own atoms, before the count
    const std::size_t atoms_before = atom_count();
    collected got;
    read_all(reader, stream, got);
    ASSERT_EQ(got.errors.size(), 1u);
    const frame_error& e = got.errors[0];
    EXPECT_EQ(e.code, frame_errc::unknown_request);
    EXPECT_FALSE(e.fatal());
    EXPECT_EQ(e.offset, frame_header_bytes + 7);
    EXPECT_EQ(e.message, "unknown request 'protocol_test_never_made'");
    ASSERT_TRUE(e.ref);
    EXPECT_EQ(*e.ref, term::integer(7));
    EXPECT_EQ(to_term(to_reason(e)), expected_reason);
    ASSERT_EQ(got.frames.size(), 1u);
    EXPECT_EQ(got.frames[0], p("{8, {system}}"));
    EXPECT_FALSE(reader.failed());
    EXPECT_EQ(atom_count(), atoms_before) << "no atom was made";
    EXPECT_FALSE(atom::existing("protocol_test_never_made"));
}

TEST(protocol_frame_hostile, an_unknown_request_in_a_large_tuple_is_still_a_request) {
    // LARGE_TUPLE_EXT (105) is legal for any arity; the kind is its first element.
    std::vector<std::byte> body = bytes({131, 104, 2, 97, 9, 105, 0, 0, 0, 1});
    test::append(body, atom_ext("protocol_test_large"));
    frame_reader reader;
    const frame_error e = first_error(reader, frame_of(body));
    EXPECT_EQ(e.code, frame_errc::unknown_request);
    ASSERT_TRUE(e.ref);
    EXPECT_EQ(*e.ref, term::integer(9));
}

TEST(protocol_frame_hostile, an_unknown_atom_in_the_arguments_keeps_the_ref) {
    // {{ref, 1}, {processes, #{sort => protocol_test_no_such_key}}}
    std::vector<std::byte> body = bytes({131, 104, 2, 104, 2, 119, 3, 'r', 'e', 'f', 97, 1});
    test::append(body, bytes({104, 2, 119, 9, 'p', 'r', 'o', 'c', 'e', 's', 's', 'e', 's', 116, 0, 0, 0, 1, 119, 4, 's', 'o', 'r', 't'}));
    test::append(body, atom_ext("protocol_test_no_such_key"));
    (void)atom("ref");
    frame_reader reader;
    const frame_error e = first_error(reader, frame_of(body));
    EXPECT_EQ(e.code, frame_errc::unknown_atom);
    EXPECT_FALSE(e.fatal());
    ASSERT_TRUE(e.ref);
    EXPECT_EQ(*e.ref, p("{ref, 1}"));
    EXPECT_NE(e.message.find("protocol_test_no_such_key"), std::string::npos);
}

TEST(protocol_frame_hostile, an_unknown_atom_without_a_readable_ref) {
    // A hello naming an unknown tag: no Ref, the agent answers {error, _} and closes.
    std::vector<std::byte> hello_like = bytes({131, 104, 3});
    test::append(hello_like, atom_ext("protocol_test_helo"));
    test::append(hello_like, bytes({97, 1, 109, 0, 0, 0, 0}));
    frame_reader reader;
    frame_error e = first_error(reader, frame_of(hello_like));
    EXPECT_EQ(e.code, frame_errc::unknown_atom);
    EXPECT_FALSE(e.ref);

    // A Ref made by a distributed Erlang node names that node by an atom.
    std::vector<std::byte> body = bytes({131, 104, 2, 90, 0, 1});
    test::append(body, atom_ext("protocol_test@elsewhere"));
    test::append(body, bytes({0, 0, 0, 1, 0, 0, 0, 5, 104, 1, 119, 6, 's', 'y', 's', 't', 'e', 'm'}));
    e = first_error(reader, frame_of(body));
    EXPECT_EQ(e.code, frame_errc::unknown_atom);
    EXPECT_FALSE(e.ref);
    EXPECT_FALSE(reader.failed());
}

TEST(protocol_frame_hostile, latin1_atom_names_are_reported_as_utf8) {
    // ATOM_EXT (100) in Latin-1, as OTP 25 writes by default: 'caf\xe9'.
    std::vector<std::byte> body = bytes({131, 104, 2, 97, 1, 104, 1, 100, 0, 4, 'c', 'a', 'f', 0xE9});
    frame_reader reader;
    const frame_error e = first_error(reader, frame_of(body));
    EXPECT_EQ(e.code, frame_errc::unknown_request);
    EXPECT_EQ(e.message, "unknown request 'caf\xC3\xA9'");
}

} // namespace
} // namespace ember::protocol
