// The values a command line carries: checked once here, at parse time, so
// run() never fails for a usage reason and a typo costs no round trip.

#include "arguments.hpp"

#include <algorithm>

#include "ember/term/parse.hpp"

namespace ember::commands::detail {

bool looks_like_pid(std::string_view text) noexcept {
    if (text.size() >= 2 && text.front() == '<' && text.back() == '>') text = text.substr(1, text.size() - 2);
    // Three non-empty runs of digits between two dots.
    std::size_t dots = 0, digits = 0;
    for (char c : text) {
        if (c == '.') {
            if (digits == 0) return false;
            ++dots;
            digits = 0;
        } else if (c >= '0' && c <= '9') {
            ++digits;
        } else {
            return false;
        }
    }
    return dots == 2 && digits > 0;
}

// "<" + text + ">" built by appends: GCC 12 warns (-Wrestrict, a false
// positive) on a literal + std::string temporary once inlined at -O3.
std::string shown(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    constexpr std::size_t most = 80;
    std::string out;
    for (std::size_t i = 0; i < text.size() && i < most; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7f) out.append("\\x").push_back(hex[c >> 4]), out.push_back(hex[c & 15]);
        else out.push_back(static_cast<char>(c));
    }
    if (text.size() > most) out += "...";
    return out;
}

namespace {
std::string bracketed(std::string_view text) { return std::string("<").append(text).append(">"); }
} // namespace

term process_term(std::string_view text) {
    const bool bare_pid = looks_like_pid(text) && text.front() != '<';
    return term::binary(bare_pid ? bracketed(text) : std::string(text));
}

std::string process_words(std::string_view text) {
    if (looks_like_pid(text)) return text.front() == '<' ? std::string(text) : bracketed(text);
    return std::string("named '").append(text).append("'");
}

} // namespace ember::commands::detail

namespace ember::commands {

expected<std::size_t, std::string> read_number(std::string_view option, std::string_view text, std::size_t min, std::size_t max) {
    std::size_t v = 0;
    // 12 digits: more than any bound here, and no overflow.
    bool ok = !text.empty() && text.size() <= 12;
    for (char c : text) {
        ok = ok && c >= '0' && c <= '9';
        if (ok) v = v * 10 + static_cast<std::size_t>(c - '0');
    }
    if (!ok || v < min || v > max)
        return unexpected(std::string(option) + " is a number from " + std::to_string(min) + " to " + std::to_string(max) + ", found '" +
                          detail::shown(text) + "'");
    return v;
}

} // namespace ember::commands

namespace ember::commands::detail {

expected<protocol::process_sort, std::string> sort_key(std::string_view text) {
    for (const sort_alias& a : sort_aliases())
        if (a.alias == text) text = a.name;
    for (std::size_t i = 0; i < protocol::process_sort_count; ++i) {
        const auto key = static_cast<protocol::process_sort>(i);
        if (protocol::process_sort_name(key) == text) return key;
    }
    std::string names;
    for (std::size_t i = 0; i < protocol::process_sort_count; ++i)
        names += (i ? ", " : "") + std::string(protocol::process_sort_name(static_cast<protocol::process_sort>(i)));
    return unexpected("--sort is one of " + names + "; found '" + shown(text) + "'");
}

expected<term, std::string> term_argument(std::string_view what, std::string_view text, bool make_atoms) {
    auto t = ember::parse(text, {.existing_atoms_only = !make_atoms});
    if (!t) return unexpected("cannot read " + std::string(what) + " '" + shown(text) + "' as an Erlang term: " + t.error().message);
    return std::move(*t);
}

bool number_option(std::string_view option, number_bounds& out) noexcept {
    if (option == "--limit") out = {1, protocol::processes_options::max_limit};
    else if (option == "--offset") out = {0, protocol::processes_options::max_offset};
    else if (option == "--max") out = {1, protocol::trace_options::max_max_messages};
    else if (option == "--rate") out = {1, 1'000'000};
    else if (option == "--count") out = {1, 1'000'000};
    else return false;
    return true;
}

std::string_view value_name(std::string_view option) noexcept {
    if (option == "--sort") return "KEY";
    if (option == "--filter") return "TEXT";
    if (option == "--resolution") return "second|minute";
    return "N";
}

expected<std::string, std::string> option_value(std::string_view option, std::string_view text) {
    if (option == "--sort") {
        auto key = sort_key(text);
        if (!key) return unexpected(key.error());
        return std::string(protocol::process_sort_name(*key));
    }
    if (option == "--resolution") {
        if (text != "second" && text != "minute") return unexpected("--resolution is second or minute, found '" + shown(text) + "'");
        return std::string(text);
    }
    if (option == "--filter") {
        if (text.size() > protocol::processes_options::max_filter_bytes)
            return unexpected("--filter is at most " + std::to_string(protocol::processes_options::max_filter_bytes) + " bytes");
        return std::string(text);
    }
    if (number_bounds b; number_option(option, b)) {
        auto n = read_number(option, text, b.min, b.max);
        if (!n) return unexpected(n.error());
        return std::to_string(*n);
    }
    return std::string(text);
}

std::size_t size_option(const invocation& inv, std::string_view option, std::size_t fallback) {
    auto it = inv.options.find(option);
    number_bounds b;
    if (it == inv.options.end() || !number_option(option, b)) return fallback;
    auto n = read_number(option, it->second, b.min, b.max);
    return n ? *n : fallback;
}

protocol::process_sort sort_option(const invocation& inv, protocol::process_sort fallback) {
    auto it = inv.options.find("--sort");
    if (it == inv.options.end()) return fallback;
    auto key = sort_key(it->second);
    return key ? *key : fallback;
}

} // namespace ember::commands::detail
