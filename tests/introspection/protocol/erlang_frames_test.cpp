// Frames made by real Erlang: bytes that gen_tcp with {packet, 4} put on a
// loopback socket (gen_frames.escript). Ember's encoder must write the same
// bytes as term_to_binary(T, [{minor_version, 2}]), and its reader must read
// both those and OTP 25's default (Latin-1 atoms) back to the same term.
#include <gtest/gtest.h>

#include "ember/protocol/frame.hpp"
#include "ember/protocol/messages.hpp"
#include "ember/protocol/request.hpp"
#include "ember/term/parse.hpp"
#include "ember/term/print.hpp"
#include "protocol_test_util.hpp"

namespace ember::protocol {
namespace {

using test::from_hex;
using test::to_hex;

struct erlang_frame {
    const char* erlang; // the Erlang expression sent
    const char* text;   // ~w of the term
    const char* minor2; // wire bytes of term_to_binary(T, [{minor_version, 2}])
    const char* plain;  // wire bytes of term_to_binary(T) on OTP 25
};

void PrintTo(const erlang_frame& f, std::ostream* os) { *os << f.erlang; }

const erlang_frame frames[] = {
#include "erlang_frames.inc"
};

term term_of(const erlang_frame& f) {
    auto t = parse(f.text);
    EXPECT_TRUE(t) << f.text;
    return t ? *t : term();
}

term read_one(std::string_view hex) {
    auto wire = from_hex(hex);
    frame_reader reader;
    std::span<const std::byte> in(wire);
    auto got = reader.read(in);
    EXPECT_TRUE(got) << got.error().describe();
    EXPECT_TRUE(in.empty()) << "the frame is all of the input";
    return got && *got ? **got : term(atoms::undefined);
}

class protocol_erlang_frame_bytes : public ::testing::TestWithParam<erlang_frame> {};

TEST_P(protocol_erlang_frame_bytes, encoder_writes_what_erlang_writes) {
    const erlang_frame& f = GetParam();
    EXPECT_EQ(to_hex(encode_frame(term_of(f))), f.minor2) << f.erlang;
}

TEST_P(protocol_erlang_frame_bytes, reader_reads_both_atom_encodings) {
    const erlang_frame& f = GetParam();
    EXPECT_EQ(read_one(f.minor2), term_of(f)) << f.erlang;
    EXPECT_EQ(read_one(f.plain), term_of(f)) << f.erlang;
}

// Named by row (the Erlang expression has spaces and quotes ctest names should not).
INSTANTIATE_TEST_SUITE_P(gen_tcp, protocol_erlang_frame_bytes, ::testing::ValuesIn(frames),
                         [](const ::testing::TestParamInfo<erlang_frame>& row) { return "row" + std::to_string(row.index); });

TEST(protocol_erlang_frames, a_stream_of_them_reads_in_order) {
    std::vector<std::byte> stream;
    for (const auto& f : frames) {
        test::append(stream, from_hex(f.plain));
        test::append(stream, from_hex(f.minor2));
    }
    frame_reader reader;
    test::collected got;
    test::read_all(reader, stream, got);
    ASSERT_TRUE(got.errors.empty()) << got.errors[0].describe();
    ASSERT_EQ(got.frames.size(), 2 * std::size(frames));
    for (std::size_t i = 0; i < std::size(frames); ++i) {
        EXPECT_EQ(got.frames[2 * i], term_of(frames[i]));
        EXPECT_EQ(got.frames[2 * i + 1], term_of(frames[i]));
    }
    EXPECT_EQ(reader.offset(), stream.size());
}

// The structs read what Erlang sent, and write what Erlang would send.
TEST(protocol_erlang_frames, hello_reads_as_the_struct) {
    const term t = read_one(frames[0].plain);
    auto h = from_term<hello>(t);
    ASSERT_TRUE(h) << h.error().message;
    EXPECT_EQ(h->version, protocol_version);
    EXPECT_EQ(h->token, "tok");
    EXPECT_EQ(to_hex(encode_frame(to_term(hello{1, "tok"}))), frames[0].minor2);
}

TEST(protocol_erlang_frames, processes_request_reads_as_the_structs) {
    const term t = read_one(frames[1].plain);
    auto env = from_term<request_envelope>(t);
    ASSERT_TRUE(env);
    EXPECT_EQ(env->ref, term::integer(1));
    auto req = parse_request(env->request);
    ASSERT_TRUE(req) << req.error().message;
    EXPECT_EQ(req->kind, request_kind::processes);
    auto opts = processes_options_of(*req);
    ASSERT_TRUE(opts) << opts.error().message;
    EXPECT_EQ(*opts, (processes_options{process_sort::reductions, 20, 0, "worker"}));
    // Ember's client writes the request Erlang wrote.
    const term again = to_term(request_envelope{term::integer(1), term::tuple({"processes"_atom, to_term(*opts)})});
    EXPECT_EQ(to_hex(encode_frame(again)), frames[1].minor2);
}

TEST(protocol_erlang_frames, a_reference_made_by_erlang_is_a_ref) {
    auto env = from_term<request_envelope>(read_one(frames[2].minor2));
    ASSERT_TRUE(env);
    ASSERT_TRUE(env->ref.is_reference());
    EXPECT_EQ(env->ref.as_reference().node, atoms::nonode_nohost);
    auto req = parse_request(env->request);
    ASSERT_TRUE(req);
    EXPECT_EQ(req->kind, request_kind::system);
}

TEST(protocol_erlang_frames, kill_needs_admin) {
    auto env = from_term<request_envelope>(read_one(frames[3].plain));
    ASSERT_TRUE(env);
    auto req = parse_request(env->request);
    ASSERT_TRUE(req);
    EXPECT_EQ(req->kind, request_kind::kill);
    EXPECT_TRUE(needs_admin(req->kind));
    ASSERT_TRUE(req->args()[0].is_pid());
    EXPECT_EQ(req->args()[0].as_pid().id, 42u);
}

} // namespace
} // namespace ember::protocol
