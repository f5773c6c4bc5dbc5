// Reading the node's frames as a client: the hello's answer, then replies,
// pushes and the closing word. Shapes first, then conversion, and every
// failure a bad_reply saying what was found, so a node that speaks a newer
// dialect costs a call, never the client.

#include "ember/client/decode.hpp"
#include "ember/protocol/version.hpp"

namespace ember::client {
namespace {

client_error bad_reply(std::string message) { return {client_errc::bad_reply, atoms::undefined, std::move(message)}; }

} // namespace

expected<inbound, client_error> read_inbound(const term& frame) {
    // {error, Reason} is the node's last word before it closes. A reply
    // envelope never has `error` as its Ref: this client's Refs are integers.
    if (frame.is_tuple() && frame.size() == 2 && frame[0] == atoms::error) {
        if (auto r = from_term<protocol::error_reason>(frame[1])) return inbound(node_closing{std::move(*r)});
    }
    auto m = protocol::read_server_message(frame);
    if (!m) return unexpected(bad_reply("a frame that is no reply, push or closing word: " + m.error().message));
    if (auto* reply = std::get_if<protocol::reply_envelope>(&*m)) return inbound(std::move(*reply));
    return inbound(std::get<protocol::push_envelope>(std::move(*m)));
}

expected<protocol::hello_info, client_error> read_hello_reply(const term& frame, std::string_view where) {
    const std::string node = "the node at " + std::string(where);
    auto reply = from_term<protocol::hello_reply>(frame);
    if (!reply) return unexpected(bad_reply(node + " answered the hello with something else: " + reply.error().message));
    if (!reply->result) {
        const protocol::error_reason& r = reply->result.error();
        if (r.code == "bad_token"_atom) return unexpected(client_error{client_errc::bad_token, r.code, node + " refused the token: " + r.message});
        return unexpected(
            client_error{client_errc::hello_refused, r.code, node + " refused the hello: " + std::string(r.code.name()) + ": " + r.message});
    }
    if (reply->result->version != protocol::protocol_version)
        return unexpected(client_error{client_errc::hello_refused, atoms::undefined,
                                       node + " speaks protocol version " + std::to_string(reply->result->version) + ", this client " +
                                           std::to_string(protocol::protocol_version)});
    return *reply->result;
}

} // namespace ember::client
