#pragma once
// Reading what a node sends, term by term: the hello's answer, each later
// frame (a reply, a push, or the node's last word before it closes), and a
// reply's Value as the struct of replies.hpp. The client uses these on its
// reading thread; they are public so tests and the fuzzer call them alone.
//
//   auto in = read_inbound(frame);                      // reply | push | closing
//   auto page = decode_reply<protocol::processes_page>("processes", value);
//
// Pure functions: any thread. Nothing is thrown but std::bad_alloc; a term
// of the wrong shape is a client_error with errc bad_reply naming what was
// read, so a node newer than this client fails one call, not the program.
// (Keys a reply has and its struct does not are ignored: map_record.)

#include <string>
#include <string_view>
#include <variant>

#include "ember/client/error.hpp"
#include "ember/client/export.hpp"
#include "ember/protocol/messages.hpp"
#include "ember/term/convert.hpp"

namespace ember::client {

/// `{error, {Code, Message}}` outside any envelope: the node says why it is
/// closing the connection (a frame error, an idle timeout, ...).
struct node_closing {
    protocol::error_reason reason;
};

/// One frame after the hello.
using inbound = std::variant<protocol::reply_envelope, protocol::push_envelope, node_closing>;

/// Tells a reply, a push and a closing word apart; bad_reply for any other
/// term. Any thread.
EMBER_CLIENT_EXPORT expected<inbound, client_error> read_inbound(const term& frame);

/// The answer to a hello: its Info, or bad_token / hello_refused with the
/// node's Code and Message, or bad_reply for another term. `where` (the
/// endpoint) goes into the messages. Any thread.
EMBER_CLIENT_EXPORT expected<protocol::hello_info, client_error> read_hello_reply(const term& frame, std::string_view where);

/// A reply's Value as T (a struct of replies.hpp, a vector of them, or any
/// type with term_traits); bad_reply saying "reply to WHAT: ..." otherwise.
/// Any thread.
template <class T>
expected<T, client_error> decode_reply(std::string_view what, const term& value) {
    auto v = from_term<T>(value);
    if (!v) return unexpected(client_error{client_errc::bad_reply, atoms::undefined, "reply to " + std::string(what) + ": " + v.error().message});
    return std::move(*v);
}

} // namespace ember::client
