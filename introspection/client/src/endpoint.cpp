// HOST:PORT on a command line, and token files.

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "ember/client/endpoint.hpp"
#include "ember/protocol/messages.hpp"

namespace ember::client {
namespace {

client_error bad_address(std::string_view text, std::string why) {
    return {client_errc::bad_address, atoms::undefined, "bad address '" + std::string(text) + "': " + std::move(why)};
}

client_error token_error(const std::filesystem::path& file, std::string why) {
    return {client_errc::token_file, atoms::undefined, "token file " + file.string() + ": " + std::move(why)};
}

} // namespace

std::string endpoint::to_string() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

expected<endpoint, client_error> parse_endpoint(std::string_view text) {
    endpoint out;
    std::string_view port;
    if (!text.empty() && text.front() == '[') { // [IPv6]:PORT
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
            return unexpected(bad_address(text, "write an IPv6 address as [ADDRESS]:PORT"));
        out.host = std::string(text.substr(1, close - 1));
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos) return unexpected(bad_address(text, "expected HOST:PORT"));
        if (text.substr(0, colon).find(':') != std::string_view::npos)
            return unexpected(bad_address(text, "write an IPv6 address as [ADDRESS]:PORT"));
        out.host = std::string(text.substr(0, colon));
        port = text.substr(colon + 1);
    }
    if (out.host.empty()) out.host = "127.0.0.1";
    if (port.empty() || port.size() > 5) return unexpected(bad_address(text, "the port is a number from 1 to 65535"));
    unsigned value = 0;
    for (char c : port) {
        if (c < '0' || c > '9') return unexpected(bad_address(text, "the port is a number from 1 to 65535"));
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value < 1 || value > 65535) return unexpected(bad_address(text, "the port is a number from 1 to 65535"));
    out.port = static_cast<std::uint16_t>(value);
    return out;
}

expected<std::string, client_error> read_token_file(const std::filesystem::path& file) {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) return unexpected(token_error(file, "is a directory"));
    std::ifstream in(file, std::ios::binary);
    if (!in) return unexpected(token_error(file, std::strerror(errno)));
    // Read one byte past the limit, so an oversized file is told apart
    // without reading all of it.
    std::string token;
    token.resize(protocol::hello::max_token_bytes + 64);
    in.read(token.data(), static_cast<std::streamsize>(token.size()));
    if (in.bad()) return unexpected(token_error(file, "cannot be read"));
    token.resize(static_cast<std::size_t>(in.gcount()));
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ' || token.back() == '\t')) token.pop_back();
    if (token.empty()) return unexpected(token_error(file, "holds no token"));
    if (token.size() > protocol::hello::max_token_bytes)
        return unexpected(token_error(file, "is longer than a token may be (" + std::to_string(protocol::hello::max_token_bytes) + " bytes)"));
    return token;
}

} // namespace ember::client
