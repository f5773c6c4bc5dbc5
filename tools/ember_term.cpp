// ember-term: convert between Erlang term text and External Term Format.
//
//   ember-term encode '{ok,[1,2]}' > t.bin     ETF bytes to stdout
//   ember-term decode < t.bin                  the term, printed
//   ember-term encode --hex '{ok,1}'           83 68 02 77 02 6f 6b 61 01
//   ember-term decode --hex <<< '83 6a'        []
//
// Exit status: 0 done, 1 bad input (a message says where), 2 bad usage.

#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "ember/term/etf.hpp"
#include "ember/term/parse.hpp"
#include "ember/term/print.hpp"

namespace {

constexpr const char* usage =
    "usage: ember-term encode [--hex] [TERM]   Erlang term text (argument or stdin) to ETF on stdout\n"
    "       ember-term decode [--hex]          ETF on stdin to Erlang term text on stdout\n"
    "       ember-term --version | --help\n";

std::string read_stdin() {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

bool parse_hex(const std::string& text, std::vector<std::byte>& out, std::string& error) {
    int high = -1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') continue;
        int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
        if (v < 0) {
            error = "not a hex digit at character " + std::to_string(i) + ": '" + std::string(1, c) + "'";
            return false;
        }
        if (high < 0) {
            high = v;
        } else {
            out.push_back(static_cast<std::byte>(high * 16 + v));
            high = -1;
        }
    }
    if (high >= 0) {
        error = "odd number of hex digits";
        return false;
    }
    return true;
}

int encode(bool hex, const std::string& text) {
    auto t = ember::parse(text);
    if (!t) {
        std::cerr << "ember-term: cannot parse the term: " << t.error().message << '\n';
        return 1;
    }
    const auto bytes = ember::etf::encode(*t);
    if (hex) {
        for (std::size_t i = 0; i < bytes.size(); ++i) std::printf("%s%02x", i ? " " : "", static_cast<unsigned>(bytes[i]));
        std::printf("\n");
    } else {
        std::fwrite(bytes.data(), 1, bytes.size(), stdout);
    }
    return std::fflush(stdout) == 0 ? 0 : 1;
}

int decode(bool hex) {
    const std::string input = read_stdin();
    std::vector<std::byte> bytes;
    if (hex) {
        std::string error;
        if (!parse_hex(input, bytes, error)) {
            std::cerr << "ember-term: " << error << '\n';
            return 1;
        }
    } else {
        const auto* p = reinterpret_cast<const std::byte*>(input.data());
        bytes.assign(p, p + input.size());
    }
    auto t = ember::etf::decode(bytes);
    if (!t) {
        std::cerr << "ember-term: cannot decode: " << t.error().describe() << '\n';
        return 1;
    }
    std::cout << *t << '\n';
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        std::cerr << usage;
        return 2;
    }
    const std::string command = args[0];
    if (command == "--version") {
        std::cout << "ember-term " << EMBER_VERSION << '\n';
        return 0;
    }
    if (command == "--help" || command == "-h") {
        std::cout << usage;
        return 0;
    }
    bool hex = false;
    std::vector<std::string> rest;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--hex") hex = true;
        else rest.push_back(args[i]);
    }
    if (command == "encode" && rest.size() <= 1) return encode(hex, rest.empty() ? read_stdin() : rest[0]);
    if (command == "decode" && rest.empty()) return decode(hex);
    std::cerr << "ember-term: unknown command or extra arguments\n" << usage;
    return 2;
}
