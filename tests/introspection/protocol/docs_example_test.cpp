// The C++ example of docs/protocol.md ("From C++"), kept compiling and
// correct: a stream of requests in, the frames it answers out.
#include <gtest/gtest.h>

#include "ember/protocol/frame.hpp"
#include "ember/protocol/messages.hpp"
#include "ember/protocol/request.hpp"
#include "ember/term/parse.hpp"
#include "protocol_test_util.hpp"

namespace {

using namespace ember;
using namespace ember::protocol;

// --- begin docs/protocol.md example ---
// Handles the bytes of one socket read; appends the frames to send to
// `out`. Returns false when the connection is to be closed.
bool on_bytes(frame_reader& reader, std::span<const std::byte> in, std::vector<std::byte>& out) {
    for (;;) {
        auto f = reader.read(in); // takes bytes up to the end of one frame
        if (!f) {
            const frame_error& e = f.error(); // code, offset, message, and the Ref if readable
            if (e.fatal() || !e.ref) {
                encode_frame_append(make_tuple(atoms::error, to_reason(e)), out); // {error, {Code, Message}}
                return false;
            }
            encode_frame_append(to_term(reply_envelope{*e.ref, unexpected(to_reason(e))}), out);
            continue; // only that frame was skipped
        }
        if (!*f) return true; // `in` is used up: read the socket again
        auto env = from_term<request_envelope>(**f); // {Ref, Request}
        if (!env) {
            encode_frame_append(make_tuple(atoms::error, make_reason("bad_request", env.error().message)), out);
            return false;
        }
        auto req = parse_request(env->request); // kind and arguments, or {Code, Message}
        if (!req) {
            encode_frame_append(to_term(reply_envelope{env->ref, unexpected(req.error())}), out);
            continue;
        }
        term value = atom(request_kind_name(req->kind));
        if (req->kind == request_kind::processes) {
            auto opts = processes_options_of(*req); // bounds and defaults applied
            if (!opts) {
                encode_frame_append(to_term(reply_envelope{env->ref, unexpected(opts.error())}), out);
                continue;
            }
            value = to_term(*opts);
        }
        encode_frame_append(to_term(reply_envelope{env->ref, value}), out); // {Ref, {ok, Value}}
    }
}
// --- end ---

term p(std::string_view text) { return parse(text).value(); }

std::vector<term> answers(std::span<const std::byte> sent) {
    frame_reader reader({.existing_atoms_only = false});
    test::collected got;
    test::read_all(reader, sent, got);
    EXPECT_TRUE(got.errors.empty());
    return got.frames;
}

TEST(protocol_docs_example, answers_each_request_and_goes_on_after_request_errors) {
    std::vector<std::byte> stream;
    encode_frame_append(p("{1, {processes, #{sort => memory, limit => 5}}}"), stream);
    encode_frame_append(p("{2, {processes, #{limit => 0}}}"), stream);
    encode_frame_append(p("{3, {system, extra}}"), stream);
    // {4, {proceses}} with an atom the node does not know.
    test::append(stream, test::frame_of(test::bytes({131, 104, 2, 97, 4, 104, 1, 119, 8, 'p', 'r', 'o', 'c', 'e', 's', 'e', 's'})));
    encode_frame_append(p("{5, {system}}"), stream);

    frame_reader reader;
    std::vector<std::byte> out;
    // Cut into two reads in the middle of the first frame.
    const std::span<const std::byte> all(stream);
    EXPECT_TRUE(on_bytes(reader, all.first(10), out));
    EXPECT_TRUE(out.empty());
    EXPECT_TRUE(on_bytes(reader, all.subspan(10), out));

    const auto replies = answers(out);
    ASSERT_EQ(replies.size(), 5u);
    EXPECT_EQ(replies[0], p("{1, {ok, #{sort => memory, limit => 5, offset => 0, filter => <<>>}}}"));
    EXPECT_EQ(replies[1], p("{2, {error, {bad_request, <<\"processes: limit must be an integer from 1 to 10000, found 0\">>}}}"));
    EXPECT_EQ(replies[2], p("{3, {error, {bad_request, <<\"system takes 0 arguments, found {system,extra}\">>}}}"));
    EXPECT_EQ(replies[3], p("{4, {error, {unknown_request, <<\"unknown request 'proceses'\">>}}}"));
    EXPECT_EQ(replies[4], p("{5, {ok, system}}"));
}

TEST(protocol_docs_example, a_fatal_frame_error_is_answered_and_closes) {
    frame_reader reader;
    std::vector<std::byte> out;
    EXPECT_FALSE(on_bytes(reader, test::frame_of(test::bytes({131, 255})), out));
    const auto replies = answers(out);
    ASSERT_EQ(replies.size(), 1u);
    auto reason = from_term<error_reason>(replies[0][1]);
    ASSERT_TRUE(reason);
    EXPECT_EQ(reason->code, atom("bad_term"));
}

} // namespace
