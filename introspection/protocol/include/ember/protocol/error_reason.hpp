#pragma once
// The Reason of every `{error, Reason}` the protocol sends: `{Code, Message}`,
// an atom a program matches on and a binary a human reads:
//
//   {error, {unknown_request, <<"unknown request 'proceses'">>}}
//
// Codes the protocol itself defines (docs/protocol.md lists when each is
// sent): frame_too_large, empty_frame, bad_term, too_deep, unknown_atom,
// unknown_request, bad_request, bad_hello, bad_version, bad_token,
// needs_admin. The agent adds its own (noproc, timeout, ...): a client must
// accept codes it does not know and show their message.

#include <string>

#include "ember/protocol/export.hpp"
#include "ember/term/convert.hpp"

namespace ember::protocol {

/// `{Code, Message}`. A value; any thread.
struct error_reason {
    atom code;
    std::string message;

    friend bool operator==(const error_reason&, const error_reason&) = default;
};

/// error_reason{atom(code), message}. Interns `code` (it names one of the
/// protocol's codes, which intern_atoms() made already). Any thread.
EMBER_PROTOCOL_EXPORT error_reason make_reason(std::string_view code, std::string message);

} // namespace ember::protocol

namespace ember {

/// `{Code, <<Message>>}`; from_term also reads a Message given as an Erlang
/// string (a list of bytes), as Erlang code often writes one.
template <>
struct term_traits<protocol::error_reason> {
    EMBER_PROTOCOL_EXPORT static term to_term(const protocol::error_reason& r);
    EMBER_PROTOCOL_EXPORT static expected<protocol::error_reason, term_error> from_term(const term& t);
};

} // namespace ember
