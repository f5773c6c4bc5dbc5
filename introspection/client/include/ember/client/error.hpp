#pragma once
// What can go wrong when talking to a node, as one value with one line for
// a human: every failure of ember::client is a client_error, and a tool
// (ember-ctl, the Observer) shows describe() as it is.
//
//   cannot reach 127.0.0.1:7070: Connection refused
//   the node at 127.0.0.1:7070 refused the token: bad_token: token not accepted
//   no reply from 127.0.0.1:7070 within 10000 ms
//   connection to 127.0.0.1:7070 lost: the node closed the connection
//   noproc: no process <0.42.0>

#include <cstdint>
#include <string>
#include <string_view>

#include "ember/client/export.hpp"
#include "ember/term/atom.hpp"

namespace ember::client {

/// Why a call failed. Stable names (client_errc_name) for scripts and tests.
enum class client_errc : std::uint8_t {
    bad_address, ///< the endpoint is not HOST:PORT
    token_file, ///< the token file could not be read, or holds no token
    unreachable, ///< no TCP connection could be made (refused, no route, name unknown, connect timeout)
    bad_token, ///< the hello was refused with bad_token
    hello_refused, ///< the hello was refused otherwise (bad_version, bad_hello, ...) or not answered
    timeout, ///< no reply within the request's timeout (the connection stays up)
    connection_lost, ///< the connection ended, or is not up (closed, or reconnecting)
    server_error, ///< the node answered {error, {Code, Message}}: see client_error::code
    bad_reply, ///< the node answered something this client cannot read (a newer node?)
};

/// "bad_address", "token_file", "unreachable", ... Any thread.
EMBER_CLIENT_EXPORT std::string_view client_errc_name(client_errc code) noexcept;

/// A failed call. A value; any thread.
struct client_error {
    client_errc errc = client_errc::connection_lost;
    /// server_error, bad_token and hello_refused: the node's Code
    /// (noproc, needs_admin, bad_request, ...); 'undefined' otherwise.
    atom code = atoms::undefined;
    /// For server errors the node's Message; otherwise a sentence saying
    /// what failed, naming the endpoint or the file.
    std::string message;

    friend bool operator==(const client_error&, const client_error&) = default;

    /// One line, no newline: "noproc: no process <0.42.0>" for a server
    /// error, `message` for the others (which already say what and where).
    EMBER_CLIENT_EXPORT std::string describe() const;
};

} // namespace ember::client
