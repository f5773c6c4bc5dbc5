// Erlang-syntax printer. Output matches io:format("~p") on one line for the
// types Ember has, and ~P's depth semantics when a depth limit is given.

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <ostream>

#include "ember/term/print.hpp"
#include "utf8.hpp"

namespace ember {
namespace {

constexpr std::size_t unlimited = std::numeric_limits<std::size_t>::max();

constexpr std::string_view reserved_words[] = {
    "after", "and", "andalso", "band", "begin", "bnot", "bor", "bsl", "bsr", "bxor", "case", "catch", "cond",
    "div", "else", "end", "fun", "if", "let", "maybe", "not", "of", "or", "orelse", "receive", "rem", "try",
    "when", "xor",
};

bool atom_needs_quotes(std::string_view s) {
    if (s.empty() || s[0] < 'a' || s[0] > 'z') return true;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '@')) return true;
    for (std::string_view r : reserved_words)
        if (s == r) return true;
    return false;
}

// The escape Erlang uses inside quotes for a control byte, or 0.
char short_escape(unsigned char c) {
    switch (c) {
    case '\n': return 'n';
    case '\r': return 'r';
    case '\t': return 't';
    case '\v': return 'v';
    case '\b': return 'b';
    case '\f': return 'f';
    case 27: return 'e';
    default: return 0;
    }
}

void append_escaped(std::string& out, unsigned char c, char quote) {
    if (c == static_cast<unsigned char>(quote) || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
    } else if (char e = short_escape(c)) {
        out += '\\';
        out += e;
    } else if (c < 32 || c == 127) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\%03o", c);
        out += buf;
    } else {
        out += static_cast<char>(c);
    }
}

void append_quoted(std::string& out, std::string_view s, char quote) {
    out += quote;
    for (unsigned char c : s) append_escaped(out, c, quote);
    out += quote;
}

// Shortest digits that read back to the same double, laid out as Erlang/OTP
// 25's io_lib_format:fwrite_g does: scientific from 2^53 up (where doubles
// stop being exact integers), otherwise plain unless the exponent form is
// cheaper; always with a ".".
void append_float(std::string& out, double d) {
    std::array<char, 64> buf;
    auto r = std::to_chars(buf.data(), buf.data() + buf.size(), d, std::chars_format::scientific);
    std::string_view sci(buf.data(), static_cast<std::size_t>(r.ptr - buf.data()));
    if (sci.front() == '-') {
        out += '-';
        sci.remove_prefix(1);
    }
    const std::size_t e_at = sci.find('e');
    int exponent = 0;
    std::from_chars(sci.data() + e_at + 1 + (sci[e_at + 1] == '+'), sci.data() + sci.size(), exponent);
    std::string digits;
    for (char c : sci.substr(0, e_at))
        if (c != '.') digits += c;

    const auto length = static_cast<int>(digits.size());
    const int place = exponent + 1; // digits before the decimal point
    const std::string exp_text = std::to_string(place - 1);
    const int exp_cost = static_cast<int>(exp_text.size()) + 1 + (length == 1 ? 2 : 1);
    const auto scientific = [&] { out += digits.substr(0, 1) + "." + (length > 1 ? digits.substr(1) : "0") + "e" + exp_text; };

    if (std::abs(d) >= 9007199254740992.0) return scientific();
    if (place == 0) {
        out += "0." + digits;
    } else if (place < 0) {
        if (2 - place <= exp_cost) out += "0." + std::string(static_cast<std::size_t>(-place), '0') + digits;
        else scientific();
    } else if (place < length) {
        out += digits.substr(0, static_cast<std::size_t>(place)) + "." + digits.substr(static_cast<std::size_t>(place));
    } else if (place - length + 2 <= exp_cost) {
        out += digits + std::string(static_cast<std::size_t>(place - length), '0') + ".0";
    } else {
        scientific();
    }
}

bool printable_char(std::int64_t c) { return (c >= 32 && c <= 126) || (c < 32 && (short_escape(static_cast<unsigned char>(c)) != 0)); }

bool is_printable_string(const term& t) {
    if (!t.is_proper_list() || t.is_nil()) return false;
    for (const term& e : t.elements())
        if (!e.is_integer() || !printable_char(e.as_integer())) return false;
    return true;
}

enum class binary_style { ascii, utf8, bytes };

binary_style style_of(std::string_view s) {
    bool ascii = true;
    for (unsigned char c : s) {
        if (c >= 0x80) ascii = false;
        else if (!printable_char(c)) return binary_style::bytes;
    }
    if (ascii) return binary_style::ascii;
    return utf8::valid(s) ? binary_style::utf8 : binary_style::bytes;
}

class printer {
public:
    printer(std::string& out, const print_options& o)
        : out_(out), start_(out.size()), max_chars_(o.max_chars ? o.max_chars : unlimited) {}

    bool full() const { return out_.size() - start_ >= max_chars_; }

    void put(const term& t, std::size_t depth) {
        if (full()) return;
        if (depth == 0) {
            out_ += "...";
            return;
        }
        switch (t.type()) {
        case term_type::integer: out_ += std::to_string(t.as_integer()); break;
        case term_type::float64: append_float(out_, t.as_float()); break;
        case term_type::atom: out_ += quote_atom(t.as_atom()); break;
        case term_type::reference: put_reference(t.as_reference()); break;
        case term_type::pid: put_pid(t.as_pid()); break;
        case term_type::tuple: put_sequence('{', '}', ',', t.elements(), {}, depth); break;
        case term_type::map: put_map(t, depth); break;
        case term_type::nil: out_ += "[]"; break;
        case term_type::list:
            if (is_printable_string(t)) put_string(t);
            else put_sequence('[', ']', '|', t.elements(), t.tail(), depth);
            break;
        case term_type::binary: put_binary(t.text()); break;
        }
    }

private:
    // Elements separated by ',', the i-th at depth-1-i; `more` is the text
    // that ends a cut list ("|..." for lists, ",..." for tuples).
    void put_sequence(char open, char close, char cut_sep, std::span<const term> elems, const term& tail, std::size_t depth) {
        out_ += open;
        for (std::size_t i = 0; i < elems.size(); ++i) {
            if (full()) break;
            const std::size_t d = depth == unlimited ? unlimited : (depth > i + 1 ? depth - 1 - i : 0);
            if (d == 0) {
                if (i > 0) out_ += cut_sep;
                out_ += "...";
                out_ += close;
                return;
            }
            if (i > 0) out_ += ',';
            put(elems[i], d);
        }
        if (!tail.is_nil()) {
            out_ += '|';
            put(tail, depth == unlimited ? unlimited : (depth > elems.size() ? depth - elems.size() : 1));
        }
        out_ += close;
    }

    // In stored order, which is Erlang's map key order: io:format("~p")
    // prints #{1 => a,3 => d,0.5 => b,2.5 => c} (integers before floats) for
    // a map of at most 32 keys. Larger maps OTP prints in hash order; Ember
    // prints them in map key order as well (see etf_encode.cpp).
    void put_map(const term& t, std::size_t depth) {
        auto entries = t.entries();
        out_ += "#{";
        for (std::size_t i = 0; i < entries.size(); ++i) {
            if (full()) break;
            const std::size_t d = depth == unlimited ? unlimited : (depth > i + 1 ? depth - 1 - i : 0);
            if (i > 0) out_ += ',';
            if (d == 0) {
                out_ += "...";
                break;
            }
            put(entries[i].key, d);
            out_ += " => ";
            put(entries[i].value, d);
        }
        out_ += '}';
    }

    void put_string(const term& t) {
        out_ += '"';
        for (const term& e : t.elements()) {
            if (full()) break;
            append_escaped(out_, static_cast<unsigned char>(e.as_integer()), '"');
        }
        out_ += '"';
    }

    void put_binary(std::string_view s) {
        out_ += "<<";
        if (s.empty()) {
            out_ += ">>";
            return;
        }
        switch (style_of(s)) {
        case binary_style::ascii: append_quoted(out_, s, '"'); break;
        case binary_style::utf8:
            append_quoted(out_, s, '"');
            out_ += "/utf8";
            break;
        case binary_style::bytes:
            for (std::size_t i = 0; i < s.size() && !full(); ++i) {
                if (i > 0) out_ += ',';
                out_ += std::to_string(static_cast<unsigned char>(s[i]));
            }
            break;
        }
        out_ += ">>";
    }

    void put_pid(const pid& p) {
        out_ += '<' + std::to_string(node_number(p.node, p.creation)) + '.' + std::to_string(p.id) + '.' + std::to_string(p.serial) + '>';
    }

    void put_reference(const reference& r) {
        out_ += "#Ref<" + std::to_string(node_number(r.node, r.creation));
        for (std::uint32_t i = r.length; i-- > 0;) out_ += '.' + std::to_string(r.words[i]);
        out_ += '>';
    }

    std::string& out_;
    std::size_t start_;
    std::size_t max_chars_;
};

} // namespace

std::string quote_atom(atom a) {
    const std::string_view s = a.name();
    if (!atom_needs_quotes(s)) return std::string(s);
    std::string out;
    append_quoted(out, s, '\'');
    return out;
}

void print_append(std::string& out, const term& t, const print_options& options) {
    printer p(out, options);
    const std::size_t start = out.size();
    p.put(t, options.max_depth ? options.max_depth : unlimited);
    if (options.max_chars && out.size() - start > options.max_chars) {
        out.resize(start + options.max_chars);
        out += "...";
    }
}

std::string to_string(const term& t, const print_options& options) {
    std::string out;
    print_append(out, t, options);
    return out;
}

std::ostream& operator<<(std::ostream& os, const term& t) { return os << to_string(t); }

} // namespace ember
