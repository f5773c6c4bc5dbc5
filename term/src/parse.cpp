// Recursive-descent parser for Erlang term syntax.
//
// Failures throw a private exception inside the parser, caught at the one
// public entry point and turned into a term_error value: the grammar code
// reads straight through, and no exception leaves the library.

#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "ember/term/parse.hpp"
#include "utf8.hpp"

namespace ember {
namespace {

struct parse_failure {
    term_errc code;
    std::size_t offset;
    std::string message;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_name_char(char c) { return is_lower(c) || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '@'; }

int digit_value(char c) {
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return 99;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// One byte of the input as an error quotes it: itself when printable
// ASCII, else \xNN (a lone byte of a UTF-8 character is no text).
std::string shown_byte(char c) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7f) return std::string(1, c);
    static constexpr char hex[] = "0123456789abcdef";
    return std::string("\\x") + hex[b >> 4] + hex[b & 15];
}

class parser {
public:
    parser(std::string_view s, const parse_options& o) : s_(s), opt_(o) {}

    term parse_whole() {
        term t = value(0);
        skip_space();
        if (peek() == '.') {
            ++pos_;
            skip_space();
        }
        if (pos_ != s_.size()) fail("unexpected '" + shown_byte(s_[pos_]) + "' after the term");
        return t;
    }

    std::string where(std::size_t offset) const {
        std::size_t line = 1, col = 1;
        for (std::size_t i = 0; i < offset && i < s_.size(); ++i) {
            if (s_[i] == '\n') {
                ++line;
                col = 1;
            } else {
                ++col;
            }
        }
        return "line " + std::to_string(line) + ", column " + std::to_string(col);
    }

private:
    [[noreturn]] void fail(std::string message, term_errc code = term_errc::syntax) const { fail_at(pos_, std::move(message), code); }
    [[noreturn]] void fail_at(std::size_t at, std::string message, term_errc code = term_errc::syntax) const {
        throw parse_failure{code, at, std::move(message)};
    }

    char peek(std::size_t ahead = 0) const { return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0'; }
    bool at_end() const { return pos_ >= s_.size(); }
    bool starts_with(std::string_view w) const { return s_.substr(pos_).starts_with(w); }

    void skip_space() {
        while (!at_end()) {
            const char c = s_[pos_];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                ++pos_;
            } else if (c == '%') { // comment to end of line
                while (!at_end() && s_[pos_] != '\n') ++pos_;
            } else {
                break;
            }
        }
    }

    void expect(char c) {
        skip_space();
        if (peek() != c) fail(at_end() ? std::string("input ended; expected '") + c + "'" : std::string("expected '") + c + "', found '" + shown_byte(peek()) + "'");
        ++pos_;
    }

    // ---- values ----------------------------------------------------------
    term value(std::size_t depth) {
        skip_space();
        if (at_end()) fail("input ended; expected a term");
        const char c = peek();
        if (c == '{') return tuple(depth);
        if (c == '[') return list(depth);
        if (starts_with("#{")) return map(depth);
        if (starts_with("#Ref<")) return reference_literal();
        if (starts_with("<<")) return binary();
        if (c == '<') return pid_literal();
        if (c == '"') return string_literal();
        if (c == '\'') return quoted_atom();
        if (c == '$') return char_literal();
        if (is_digit(c) || ((c == '-' || c == '+') && is_digit(peek(1)))) return number();
        if (is_lower(c) || latin1_letter(true)) return bare_atom();
        if ((c >= 'A' && c <= 'Z') || c == '_') fail("variables are not terms; quote it to make an atom: '" + std::string(1, c) + "...'");
        fail("unexpected '" + shown_byte(c) + "'");
    }

    void enter(std::size_t depth) const {
        if (depth >= opt_.max_depth) fail("nesting deeper than " + std::to_string(opt_.max_depth), term_errc::too_deep);
    }

    // Comma-separated values up to `close`; stops early at '|' for lists.
    std::vector<term> sequence(char close, std::size_t depth, bool allow_bar) {
        std::vector<term> items;
        skip_space();
        if (peek() == close) return items;
        for (;;) {
            items.push_back(value(depth + 1));
            skip_space();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            if (peek() == close || (allow_bar && peek() == '|')) return items;
            fail(at_end() ? std::string("input ended; expected ',' or '") + close + "'" : std::string("expected ',' or '") + close + "', found '" + shown_byte(peek()) + "'");
        }
    }

    term tuple(std::size_t depth) {
        enter(depth);
        ++pos_;
        auto items = sequence('}', depth, false);
        expect('}');
        return term::tuple(items);
    }

    term list(std::size_t depth) {
        enter(depth);
        ++pos_;
        auto items = sequence(']', depth, true);
        term tail;
        skip_space();
        if (peek() == '|') {
            if (items.empty()) fail("'|' needs elements before it");
            ++pos_;
            tail = value(depth + 1);
        }
        expect(']');
        return term::list(items, tail);
    }

    term map(std::size_t depth) {
        enter(depth);
        pos_ += 2;
        std::vector<std::pair<term, term>> entries;
        skip_space();
        if (peek() != '}') {
            for (;;) {
                term k = value(depth + 1);
                skip_space();
                if (!starts_with("=>")) fail(starts_with(":=") ? "':=' updates a map; a literal uses '=>'" : "expected '=>' after a map key");
                pos_ += 2;
                term v = value(depth + 1);
                entries.emplace_back(std::move(k), std::move(v));
                skip_space();
                if (peek() == ',') {
                    ++pos_;
                    continue;
                }
                break;
            }
        }
        expect('}');
        return term::map(std::move(entries));
    }

    // ---- numbers -----------------------------------------------------------
    std::string digits_run(int base) {
        std::string out;
        while (!at_end()) {
            const char c = peek();
            if (c == '_' && !out.empty() && digit_value(peek(1)) < base) {
                ++pos_;
                continue;
            }
            if (digit_value(c) >= base) break;
            out += c;
            ++pos_;
        }
        return out;
    }

    term number() {
        const std::size_t start = pos_;
        const bool negative = peek() == '-';
        if (peek() == '-' || peek() == '+') ++pos_;
        std::string whole = digits_run(10);
        if (peek() == '#') { // base#digits
            if (whole.size() > 2) fail_at(start, "base " + whole + " is not between 2 and 36");
            const int base = std::stoi(whole);
            if (base < 2 || base > 36) fail_at(start, "base " + whole + " is not between 2 and 36");
            ++pos_;
            std::string d = digits_run(base);
            if (d.empty()) fail("expected digits of base " + whole);
            return integer_from(d, base, negative, start);
        }
        if (peek() == '.' && is_digit(peek(1))) {
            ++pos_;
            std::string text = whole + "." + digits_run(10);
            if (peek() == 'e' || peek() == 'E') {
                const std::size_t e_at = pos_++;
                std::string exp;
                if (peek() == '-' || peek() == '+') exp += s_[pos_++];
                std::string ed = digits_run(10);
                if (ed.empty()) fail_at(e_at, "exponent has no digits");
                text += "e" + exp + ed;
            }
            double d = 0;
            auto r = std::from_chars(text.data(), text.data() + text.size(), d);
            if (r.ec != std::errc() || !std::isfinite(d)) fail_at(start, "float out of range", term_errc::bad_float);
            return term::float64(negative ? -d : d);
        }
        return integer_from(whole, 10, negative, start);
    }

    term integer_from(const std::string& digits, int base, bool negative, std::size_t start) {
        std::uint64_t magnitude = 0;
        const std::uint64_t limit = negative ? (std::uint64_t{1} << 63) : (std::uint64_t{1} << 63) - 1;
        for (char c : digits) {
            const auto d = static_cast<std::uint64_t>(digit_value(c));
            if (magnitude > (limit - d) / static_cast<std::uint64_t>(base))
                fail_at(start, "integer does not fit in 64 bits", term_errc::integer_overflow);
            magnitude = magnitude * static_cast<std::uint64_t>(base) + d;
        }
        return term::integer(negative ? static_cast<std::int64_t>(~magnitude + 1) : static_cast<std::int64_t>(magnitude));
    }

    // ---- text ------------------------------------------------------------
    // One character of a quoted literal, escapes decoded, as a code point.
    std::uint32_t quoted_char() {
        const std::size_t at = pos_;
        if (at_end()) fail("input ended inside a quoted literal");
        const unsigned char c = static_cast<unsigned char>(s_[pos_]);
        if (c != '\\') return utf8_char();
        ++pos_;
        if (at_end()) fail_at(at, "input ended inside an escape");
        const char e = s_[pos_++];
        switch (e) {
        case 'n': return '\n';
        case 'r': return '\r';
        case 't': return '\t';
        case 'v': return '\v';
        case 'b': return '\b';
        case 'f': return '\f';
        case 'e': return 27;
        case 's': return ' ';
        case 'd': return 127;
        case '^': {
            if (at_end()) fail_at(at, "input ended inside an escape");
            return static_cast<std::uint32_t>(s_[pos_++]) & 31;
        }
        case 'x': {
            std::string hex;
            if (peek() == '{') {
                ++pos_;
                hex = digits_run(16);
                expect('}');
            } else {
                for (int i = 0; i < 2 && digit_value(peek()) < 16; ++i) hex += s_[pos_++];
            }
            if (hex.empty() || hex.size() > 6) fail_at(at, "bad \\x escape");
            const auto cp = static_cast<std::uint32_t>(std::stoul(hex, nullptr, 16));
            if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) fail_at(at, "\\x escape is not a Unicode code point");
            return cp;
        }
        default:
            if (e >= '0' && e <= '7') {
                std::uint32_t v = static_cast<std::uint32_t>(e - '0');
                for (int i = 0; i < 2 && peek() >= '0' && peek() <= '7'; ++i) v = v * 8 + static_cast<std::uint32_t>(s_[pos_++] - '0');
                return v;
            }
            return static_cast<unsigned char>(e); // \\ \' \" and any other char stand for themselves
        }
    }

    // One UTF-8 encoded character of the input.
    std::uint32_t utf8_char() {
        const auto c = static_cast<unsigned char>(s_[pos_]);
        std::size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (n == 0 || pos_ + n > s_.size() || !utf8::valid(s_.substr(pos_, n))) fail("text is not valid UTF-8", term_errc::invalid_utf8);
        std::uint32_t cp = n == 1 ? c : c & (0xFF >> (n + 1));
        for (std::size_t i = 1; i < n; ++i) cp = (cp << 6) | (static_cast<unsigned char>(s_[pos_ + i]) & 0x3F);
        pos_ += n;
        return cp;
    }

    std::vector<std::uint32_t> quoted(char quote) {
        const std::size_t open = pos_++;
        std::vector<std::uint32_t> out;
        while (true) {
            if (at_end()) fail_at(open, std::string("quote ") + quote + " opened here is not closed");
            if (s_[pos_] == quote) break;
            out.push_back(quoted_char());
        }
        ++pos_;
        return out;
    }

    term quoted_atom() {
        const std::size_t at = pos_;
        std::string name;
        for (std::uint32_t cp : quoted('\'')) append_utf8(name, cp);
        return make_atom(name, at);
    }

    // Latin-1 letters as UTF-8 (C3 80..C3 BF, less x and /), which Erlang
    // allows in unquoted atoms: héllo. `lower` asks for ß..ÿ only.
    std::size_t latin1_letter(bool lower) const {
        if (static_cast<unsigned char>(peek()) != 0xC3) return 0;
        const auto c = static_cast<unsigned char>(peek(1));
        if (c < 0x80 || c > 0xBF || c == 0x97 || c == 0xB7 || (lower && c < 0x9F)) return 0;
        return 2;
    }

    term bare_atom() {
        const std::size_t at = pos_;
        while (!at_end()) {
            if (is_name_char(s_[pos_])) ++pos_;
            else if (std::size_t n = latin1_letter(false)) pos_ += n;
            else break;
        }
        return make_atom(s_.substr(at, pos_ - at), at);
    }

    term make_atom(std::string_view name, std::size_t at) {
        if (opt_.existing_atoms_only) {
            if (auto a = atom::existing(name)) return *a;
            fail_at(at, "atom '" + std::string(name) + "' does not exist and new atoms are refused", term_errc::unknown_atom);
        }
        auto a = atom::intern(name);
        if (!a) fail_at(at, a.error().message, a.error().code);
        return *a;
    }

    term string_literal() {
        std::vector<term> chars;
        // Adjacent strings join, as in Erlang: "ab" "cd" is "abcd".
        do {
            for (std::uint32_t cp : quoted('"')) chars.push_back(term::integer(cp));
            skip_space();
        } while (peek() == '"');
        return term::list(chars);
    }

    term char_literal() {
        ++pos_;
        if (at_end()) fail("input ended after '$'");
        return term::integer(peek() == '\\' ? quoted_char() : utf8_char());
    }

    term binary() {
        pos_ += 2;
        std::string bytes;
        skip_space();
        if (!starts_with(">>")) {
            for (;;) {
                binary_segment(bytes);
                skip_space();
                if (peek() == ',') {
                    ++pos_;
                    skip_space();
                    continue;
                }
                break;
            }
        }
        skip_space();
        if (!starts_with(">>")) fail(at_end() ? "input ended; expected '>>'" : "expected ',' or '>>' in a binary");
        pos_ += 2;
        return term::binary(bytes);
    }

    void binary_segment(std::string& bytes) {
        const std::size_t at = pos_;
        if (peek() == '"') {
            auto cps = quoted('"');
            if (starts_with("/utf8")) {
                pos_ += 5;
                for (std::uint32_t cp : cps) append_utf8(bytes, cp);
                return;
            }
            for (std::uint32_t cp : cps) {
                if (cp > 255) fail_at(at, "character above 255 in a binary string; add /utf8");
                bytes += static_cast<char>(cp);
            }
            return;
        }
        if (!is_digit(peek()) && peek() != '$') fail("expected a byte (0..255) or a string in a binary");
        term v = peek() == '$' ? char_literal() : number();
        if (!v.is_integer() || v.as_integer() < 0 || v.as_integer() > 255) fail_at(at, "binary segment is not a byte (0..255)");
        bytes += static_cast<char>(v.as_integer());
    }

    // <N.ID.Serial>: N is 0 for this node or a number seen printed before.
    std::uint32_t dotted_number(bool last) {
        std::string d = digits_run(10);
        if (d.empty() || d.size() > 10) fail("expected a number");
        const std::uint64_t v = std::stoull(d);
        if (v > UINT32_MAX) fail("number over 2^32 in an identifier");
        if (!last) expect('.');
        return static_cast<std::uint32_t>(v);
    }

    node_identity node_at(std::uint32_t number, std::size_t at) const {
        node_identity id;
        if (!node_from_number(number, id)) fail_at(at, "no node is known by number " + std::to_string(number));
        return id;
    }

    term pid_literal() {
        const std::size_t at = pos_++;
        const std::uint32_t n = dotted_number(false);
        pid p;
        p.id = dotted_number(false);
        p.serial = dotted_number(true);
        expect('>');
        const node_identity node = node_at(n, at);
        p.node = node.name;
        p.creation = node.creation;
        return term::from_pid(p);
    }

    term reference_literal() {
        const std::size_t at = pos_;
        pos_ += 5;
        std::vector<std::uint32_t> parts{dotted_number(false)};
        for (;;) {
            parts.push_back(dotted_number(true));
            if (peek() != '.') break;
            ++pos_;
        }
        expect('>');
        if (parts.size() < 2 || parts.size() > 1 + reference::max_words) fail_at(at, "a reference has 1 to 5 words");
        const node_identity node = node_at(parts[0], at);
        reference r;
        r.node = node.name;
        r.creation = node.creation;
        r.length = static_cast<std::uint32_t>(parts.size() - 1);
        for (std::uint32_t i = 0; i < r.length; ++i) r.words[i] = parts[parts.size() - 1 - i];
        return term::from_reference(r);
    }

    std::string_view s_;
    const parse_options& opt_;
    std::size_t pos_ = 0;
};

} // namespace

expected<term, term_error> parse(std::string_view text, const parse_options& options) {
    parser p(text, options);
    try {
        return p.parse_whole();
    } catch (const parse_failure& f) {
        return unexpected(term_error{f.code, f.offset, f.message + " (" + p.where(f.offset) + ")"});
    }
}

} // namespace ember
