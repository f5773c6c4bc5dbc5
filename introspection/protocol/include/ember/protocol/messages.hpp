#pragma once
// The handshake and the envelopes, as C++ structs that convert to and from
// terms (term_traits), so neither the agent nor the client reads a tuple by
// index. A connection goes:
//
//   client                                   node
//   {hello, 1, <<Token>>}             ->
//                                     <-     {ok, #{version => 1, node => N, access => read_only}}
//                                            or {error, {Code, Message}}, then close
//   {Ref, Request}                    ->
//                                     <-     {Ref, {ok, Value}} | {Ref, {error, {Code, Message}}}
//                                     <-     {Ref, {event, Value}}   (for a subscription Ref)
//
// Ref is any term the client picks (an integer or make_ref()); the node
// answers with it unchanged. Request is parsed by request.hpp.
//
//   auto h = from_term<protocol::hello>(frame);           // expected<hello, term_error>
//   send(protocol::reply_envelope{ref, value});           // {Ref, {ok, Value}}
//   send(protocol::reply_envelope{ref, unexpected(reason)});
//
// Every struct here is a value: any thread. from_term never throws but
// std::bad_alloc; a term of the wrong shape is a term_error with code
// conversion and a message naming what was found.
//
// Sections: [handshake] [envelopes] [conversions]

#include <cstdint>
#include <string>
#include <variant>

#include "ember/protocol/error_reason.hpp"
#include "ember/protocol/export.hpp"
#include "ember/protocol/version.hpp"
#include "ember/term/convert.hpp"

namespace ember::protocol {

// [handshake] ---------------------------------------------------------------

/// `{hello, ProtocolVersion, Token}`: the first frame a client sends.
struct hello {
    /// Longest token read: tokens are short (the agent makes 32 random bytes,
    /// written as 64 hex digits); a longer one is refused before comparing.
    static constexpr std::size_t max_token_bytes = 1024;

    std::int64_t version = protocol_version;
    std::string token; ///< the bytes of the binary Token (a list of bytes is not accepted)

    friend bool operator==(const hello&, const hello&) = default;
};

/// What a hello gave access to: `read_only` or `admin` (see needs_admin in
/// request.hpp).
enum class access_level : std::uint8_t { read_only, admin };

/// The Info of `{ok, Info}`: `#{version => 1, node => Name, access => admin}`.
/// Keys this struct does not know are ignored when reading, so a node may
/// add keys without breaking older clients.
struct hello_info {
    std::int64_t version = protocol_version;
    atom node = atoms::nonode_nohost;
    access_level access = access_level::read_only;

    friend bool operator==(const hello_info&, const hello_info&) = default;
};

/// `{ok, Info}` or `{error, {Code, Message}}`; after an error the node
/// closes the connection. Codes: bad_hello, bad_version, bad_token, and the
/// frame errors (frame.hpp).
struct hello_reply {
    expected<hello_info, error_reason> result;
};

// [envelopes] ---------------------------------------------------------------

/// `{Ref, Request}`: every frame a client sends after the hello.
struct request_envelope {
    term ref;
    term request; ///< a tuple led by an atom: see parse_request

    friend bool operator==(const request_envelope&, const request_envelope&) = default;
};

/// `{Ref, {ok, Value}}` or `{Ref, {error, {Code, Message}}}`: the one answer
/// to the request sent with Ref.
struct reply_envelope {
    term ref;
    expected<term, error_reason> result;
};

/// `{Ref, {event, Value}}`: pushed for the subscription made with Ref,
/// until `{unsubscribe, Ref}` or the connection ends.
struct push_envelope {
    term ref;
    term value;

    friend bool operator==(const push_envelope&, const push_envelope&) = default;
};

/// What a client reads after the hello: a reply or a push.
using server_message = std::variant<reply_envelope, push_envelope>;

/// Tells a reply from a push by the tag of the inner tuple (ok/error or
/// event). Any thread.
EMBER_PROTOCOL_EXPORT expected<server_message, term_error> read_server_message(const term& t);

} // namespace ember::protocol

// [conversions] ---------------------------------------------------------------

namespace ember {

template <>
struct term_traits<protocol::hello> {
    EMBER_PROTOCOL_EXPORT static term to_term(const protocol::hello& h);
    /// Refuses a token over hello::max_token_bytes.
    EMBER_PROTOCOL_EXPORT static expected<protocol::hello, term_error> from_term(const term& t);
};

template <>
struct term_traits<protocol::access_level> {
    EMBER_PROTOCOL_EXPORT static term to_term(protocol::access_level a);
    EMBER_PROTOCOL_EXPORT static expected<protocol::access_level, term_error> from_term(const term& t);
};

template <>
struct term_traits<protocol::hello_info> : map_record<protocol::hello_info> {
    static constexpr auto fields = std::tuple{field("version", &protocol::hello_info::version),
                                              field("node", &protocol::hello_info::node),
                                              field("access", &protocol::hello_info::access)};
};

template <>
struct term_traits<protocol::hello_reply> {
    EMBER_PROTOCOL_EXPORT static term to_term(const protocol::hello_reply& r);
    EMBER_PROTOCOL_EXPORT static expected<protocol::hello_reply, term_error> from_term(const term& t);
};

template <>
struct term_traits<protocol::request_envelope> {
    EMBER_PROTOCOL_EXPORT static term to_term(const protocol::request_envelope& e);
    EMBER_PROTOCOL_EXPORT static expected<protocol::request_envelope, term_error> from_term(const term& t);
};

template <>
struct term_traits<protocol::reply_envelope> {
    EMBER_PROTOCOL_EXPORT static term to_term(const protocol::reply_envelope& e);
    EMBER_PROTOCOL_EXPORT static expected<protocol::reply_envelope, term_error> from_term(const term& t);
};

template <>
struct term_traits<protocol::push_envelope> {
    EMBER_PROTOCOL_EXPORT static term to_term(const protocol::push_envelope& e);
    EMBER_PROTOCOL_EXPORT static expected<protocol::push_envelope, term_error> from_term(const term& t);
};

} // namespace ember
