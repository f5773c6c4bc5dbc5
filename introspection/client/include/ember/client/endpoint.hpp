#pragma once
// Where a node's agent listens, and the token to show it: the two things a
// tool is given on its command line (`--connect HOST:PORT --token-file F`).

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "ember/client/error.hpp"
#include "ember/client/export.hpp"
#include "ember/term/expected.hpp"

namespace ember::client {

/// HOST:PORT, split. A value; any thread.
struct endpoint {
    std::string host; ///< a name or an address; an IPv6 address without its brackets
    std::uint16_t port = 0;

    friend bool operator==(const endpoint&, const endpoint&) = default;

    /// "127.0.0.1:7070", "[::1]:7070".
    EMBER_CLIENT_EXPORT std::string to_string() const;
};

/// Reads "HOST:PORT", "[IPv6]:PORT" or ":PORT" (the host is then
/// 127.0.0.1, where an agent listens by default). PORT is 1 to 65535.
/// Errors are bad_address with the text quoted. Any thread.
EMBER_CLIENT_EXPORT expected<endpoint, client_error> parse_endpoint(std::string_view text);

/// The token in a token file (`read-only.token`, `admin.token`), with
/// trailing white space and newlines cut, as `string:trim` does in an
/// Erlang shell. Errors are token_file naming the file: it cannot be read,
/// it is empty, or it is longer than a hello may carry
/// (protocol::hello::max_token_bytes). Any thread.
EMBER_CLIENT_EXPORT expected<std::string, client_error> read_token_file(const std::filesystem::path& file);

} // namespace ember::client
