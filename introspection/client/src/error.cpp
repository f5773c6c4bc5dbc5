// client_error: its stable names and its one line.

#include "ember/client/error.hpp"

namespace ember::client {

std::string_view client_errc_name(client_errc code) noexcept {
    switch (code) {
    case client_errc::bad_address: return "bad_address";
    case client_errc::token_file: return "token_file";
    case client_errc::unreachable: return "unreachable";
    case client_errc::bad_token: return "bad_token";
    case client_errc::hello_refused: return "hello_refused";
    case client_errc::timeout: return "timeout";
    case client_errc::connection_lost: return "connection_lost";
    case client_errc::server_error: return "server_error";
    case client_errc::bad_reply: return "bad_reply";
    }
    return "connection_lost";
}

std::string client_error::describe() const {
    std::string line = errc == client_errc::server_error ? std::string(code.name()) + ": " + message : message;
    // One line, whatever the node put in its Message.
    for (char& c : line)
        if (c == '\n' || c == '\r') c = ' ';
    return line;
}

} // namespace ember::client
