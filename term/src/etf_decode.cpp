// External Term Format decoder for untrusted input.
//
// Safety rules, each enforced before the work it guards:
//  - every length field is checked against the bytes that remain, with the
//    least each element can take (one byte), so no allocation exceeds the
//    input's size and a lying length fails at once;
//  - nesting is counted against max_depth, so recursion is bounded;
//  - map keys are sorted once and checked for duplicates: O(n log n);
//  - errors are values carrying the offset of the offending byte.

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>

#include "etf_tags.hpp"
#include "ember/term/etf.hpp"
#include "term_layout.hpp"

namespace ember::etf {
namespace {

class decoder {
public:
    decoder(std::span<const std::byte> in, const decode_options& opt) : in_(in), opt_(opt) {}

    expected<term, term_error> run() {
        if (in_.size() > opt_.max_bytes)
            return fail(term_errc::too_large, 0, "input of " + std::to_string(in_.size()) + " bytes is over the limit of " + std::to_string(opt_.max_bytes));
        if (in_.empty()) return fail(term_errc::truncated, 0, "empty input");
        if (in_[0] != version_byte)
            return fail(term_errc::bad_version, 0, "first byte is " + std::to_string(static_cast<int>(in_[0])) + ", not the version byte 131");
        pos_ = 1;
        term t = get(0);
        if (error_) return unexpected(std::move(*error_));
        if (pos_ != in_.size())
            return fail(term_errc::trailing_bytes, pos_, std::to_string(in_.size() - pos_) + " bytes after the term");
        return t;
    }

private:
    // ---- failure: remember the first error, return an empty term --------
    unexpected<term_error> fail(term_errc code, std::size_t at, std::string message) {
        return unexpected(term_error{code, at, std::move(message)});
    }
    term error(term_errc code, std::size_t at, std::string message) {
        if (!error_) error_ = term_error{code, at, std::move(message)};
        return term();
    }
    std::size_t remaining() const { return in_.size() - pos_; }
    bool need(std::size_t n, std::size_t at, const char* what) {
        if (remaining() >= n) return true;
        error(term_errc::truncated, at, std::string(what) + " needs " + std::to_string(n) + " more bytes, " + std::to_string(remaining()) + " remain");
        return false;
    }
    std::uint8_t u8() { return static_cast<std::uint8_t>(in_[pos_++]); }
    std::uint16_t u16() { std::uint16_t v = static_cast<std::uint16_t>((u8() << 8)); return static_cast<std::uint16_t>(v | u8()); }
    std::uint32_t u32() { std::uint32_t v = std::uint32_t{u16()} << 16; return v | u16(); }

    // ---- terms ---------------------------------------------------------
    term get(std::size_t depth) {
        const std::size_t at = pos_;
        if (!need(1, at, "a term")) return {};
        const std::uint8_t t = u8();
        switch (t) {
        case tag::small_integer: return need(1, at, "SMALL_INTEGER_EXT") ? term::integer(u8()) : term();
        case tag::integer: return need(4, at, "INTEGER_EXT") ? term::integer(static_cast<std::int32_t>(u32())) : term();
        case tag::small_big: return need(2, at, "SMALL_BIG_EXT") ? get_big(u8(), at) : term();
        case tag::large_big: return need(5, at, "LARGE_BIG_EXT") ? get_big(u32(), at) : term();
        case tag::new_float: return get_float(at);
        case tag::atom_latin1:
        case tag::small_atom_latin1:
        case tag::atom_utf8:
        case tag::small_atom_utf8: {
            atom a;
            return get_atom_body(t, at, a) ? term(a) : term();
        }
        case tag::small_tuple: return need(1, at, "SMALL_TUPLE_EXT") ? get_tuple(u8(), at, depth) : term();
        case tag::large_tuple: return need(4, at, "LARGE_TUPLE_EXT") ? get_tuple(u32(), at, depth) : term();
        case tag::nil: return term();
        case tag::string: return get_string(at);
        case tag::list: return need(4, at, "LIST_EXT") ? get_list(u32(), at, depth) : term();
        case tag::binary: return get_binary(at);
        case tag::map: return need(4, at, "MAP_EXT") ? get_map(u32(), at, depth) : term();
        case tag::new_pid:
        case tag::pid: return get_pid(t, at);
        case tag::newer_reference:
        case tag::new_reference: return get_reference(t, at);
        default: return error(term_errc::bad_tag, at, unsupported(t));
        }
    }

    static std::string unsupported(std::uint8_t t) {
        const char* what = nullptr;
        switch (t) {
        case tag::new_fun:
        case tag::export_fun: what = "funs"; break;
        case tag::port:
        case tag::new_port:
        case tag::v4_port: what = "ports"; break;
        case tag::bit_binary: what = "bitstrings that are not whole bytes"; break;
        case tag::compressed: what = "compressed terms"; break;
        case tag::float_string: what = "old-style FLOAT_EXT floats"; break;
        case tag::reference_old: what = "old-style REFERENCE_EXT"; break;
        case tag::local: what = "LOCAL_EXT terms"; break;
        default: return "unknown tag " + std::to_string(t);
        }
        return "tag " + std::to_string(t) + ": " + what + " are not supported";
    }

    term get_big(std::uint32_t n, std::size_t at) {
        if (!need(std::size_t{n} + 1, at, "a big integer")) return {};
        const bool negative = u8() != 0;
        std::uint64_t magnitude = 0;
        for (std::uint32_t i = 0; i < n; ++i) {
            const std::uint8_t digit = u8();
            if (i >= 8) {
                if (digit != 0) return error(term_errc::integer_overflow, at, "integer does not fit in 64 bits");
                continue;
            }
            magnitude |= std::uint64_t{digit} << (8 * i);
        }
        constexpr std::uint64_t limit = std::uint64_t{1} << 63;
        if (negative) {
            if (magnitude > limit) return error(term_errc::integer_overflow, at, "integer does not fit in 64 bits");
            return term::integer(static_cast<std::int64_t>(~magnitude + 1));
        }
        if (magnitude >= limit) return error(term_errc::integer_overflow, at, "integer does not fit in 64 bits");
        return term::integer(static_cast<std::int64_t>(magnitude));
    }

    term get_float(std::size_t at) {
        if (!need(8, at, "NEW_FLOAT_EXT")) return {};
        const std::uint64_t bits = (std::uint64_t{u32()} << 32) | u32();
        double d;
        std::memcpy(&d, &bits, sizeof d);
        if (!std::isfinite(d)) return error(term_errc::bad_float, at, "float is NaN or infinite");
        return term::float64(d);
    }

    // Reads an atom's length and text after its tag byte.
    bool get_atom_body(std::uint8_t t, std::size_t at, atom& out) {
        const bool small = t == tag::small_atom_latin1 || t == tag::small_atom_utf8;
        if (!need(small ? 1 : 2, at, "an atom")) return false;
        const std::size_t len = small ? u8() : u16();
        if (!need(len, at, "atom text")) return false;
        std::string_view raw(reinterpret_cast<const char*>(in_.data() + pos_), len);
        pos_ += len;
        std::string latin1_as_utf8;
        if (t == tag::atom_latin1 || t == tag::small_atom_latin1) {
            for (unsigned char c : raw) {
                if (c < 0x80) {
                    latin1_as_utf8 += static_cast<char>(c);
                } else {
                    latin1_as_utf8 += static_cast<char>(0xC0 | (c >> 6));
                    latin1_as_utf8 += static_cast<char>(0x80 | (c & 0x3F));
                }
            }
            raw = latin1_as_utf8;
        }
        if (opt_.existing_atoms_only) {
            auto found = atom::existing(raw);
            if (!found) {
                error(term_errc::unknown_atom, at, "atom '" + std::string(raw) + "' does not exist and new atoms are refused");
                return false;
            }
            out = *found;
            return true;
        }
        auto a = atom::intern(raw);
        if (!a) {
            error(a.error().code, at, a.error().message);
            return false;
        }
        out = *a;
        return true;
    }

    bool get_node_atom(std::size_t at, atom& out) {
        const std::size_t tag_at = pos_;
        if (!need(1, at, "a node name")) return false;
        const std::uint8_t t = u8();
        if (t != tag::atom_latin1 && t != tag::small_atom_latin1 && t != tag::atom_utf8 && t != tag::small_atom_utf8) {
            error(term_errc::bad_tag, tag_at, "node name must be an atom, found tag " + std::to_string(t));
            return false;
        }
        return get_atom_body(t, tag_at, out);
    }

    bool enter(std::size_t depth, std::size_t at) {
        if (depth < opt_.max_depth) return true;
        error(term_errc::too_deep, at, "nesting deeper than " + std::to_string(opt_.max_depth));
        return false;
    }

    // Elements are decoded straight into the tuple's box: no vector, no copies.
    term get_tuple(std::uint32_t n, std::size_t at, std::size_t depth) {
        if (!enter(depth, at) || !need(n, at, "tuple elements")) return {};
        term t = term_access::make_filled_with_nil(detail::box_kind::tuple, n, n);
        term* slot = term_access::slots(t);
        for (std::uint32_t i = 0; i < n && !error_; ++i) slot[i] = get(depth + 1);
        return error_ ? term() : t;
    }

    // A tail that is itself a LIST_EXT ([1 | [2 | ...]]) is read in this
    // loop into one element vector: joining list objects level by level
    // would copy quadratically.
    term get_list(std::uint32_t n, std::size_t at, std::size_t depth) {
        if (!enter(depth, at)) return {};
        std::vector<term> elems;
        for (;;) {
            if (!need(std::size_t{n} + 1, at, "list elements and tail")) return {};
            if (elems.empty()) elems.reserve(n); // later chunks grow geometrically
            for (std::uint32_t i = 0; i < n && !error_; ++i) elems.push_back(get(depth + 1));
            if (error_) return {};
            if (remaining() == 0 || static_cast<std::uint8_t>(in_[pos_]) != tag::list) break;
            at = pos_++;
            if (!need(4, at, "LIST_EXT")) return {};
            n = u32();
        }
        term tail = get(depth + 1);
        return error_ ? term() : term::list(elems, tail);
    }

    term get_string(std::size_t at) {
        if (!need(2, at, "STRING_EXT")) return {};
        const std::uint16_t n = u16();
        if (!need(n, at, "string bytes")) return {};
        std::vector<term> elems;
        elems.reserve(n);
        for (std::uint16_t i = 0; i < n; ++i) elems.push_back(term::integer(u8()));
        return term::list(elems);
    }

    term get_binary(std::size_t at) {
        if (!need(4, at, "BINARY_EXT")) return {};
        const std::uint32_t n = u32();
        if (!need(n, at, "binary bytes")) return {};
        term b = term::binary(in_.subspan(pos_, n));
        pos_ += n;
        return b;
    }

    // Erlang writes small maps in map key order (integers before floats),
    // the order Ember keeps, so the common case is one pass that finds them
    // in order; other orders (maps of over 32 keys come in hash order) are
    // sorted in place.
    term get_map(std::uint32_t n, std::size_t at, std::size_t depth) {
        if (!enter(depth, at) || !need(std::size_t{n} * 2, at, "map keys and values")) return {};
        term m = term_access::make_filled_with_nil(detail::box_kind::map, n, std::size_t{n} * 2);
        auto* entries = reinterpret_cast<map_entry*>(term_access::slots(m));
        bool sorted = true;
        for (std::uint32_t i = 0; i < n && !error_; ++i) {
            entries[i].key = get(depth + 1);
            if (!error_) entries[i].value = get(depth + 1);
            if (i > 0 && sorted && detail::compare_map_keys(entries[i - 1].key, entries[i].key) >= 0) sorted = false;
        }
        if (error_) return {};
        if (!sorted) {
            std::sort(entries, entries + n,
                      [](const map_entry& a, const map_entry& b) { return detail::compare_map_keys(a.key, b.key) < 0; });
            for (std::uint32_t i = 1; i < n; ++i)
                if (entries[i - 1].key == entries[i].key) return error(term_errc::duplicate_key, at, "map has a key twice");
        }
        return m;
    }

    term get_pid(std::uint8_t t, std::size_t at) {
        pid p;
        if (!get_node_atom(at, p.node)) return {};
        const bool newer = t == tag::new_pid;
        if (!need(newer ? 12 : 9, at, "pid fields")) return {};
        p.id = u32();
        p.serial = u32();
        p.creation = newer ? u32() : u8();
        return term::from_pid(p);
    }

    term get_reference(std::uint8_t t, std::size_t at) {
        if (!need(2, at, "reference length")) return {};
        const std::uint16_t len = u16();
        if (len == 0 || len > reference::max_words)
            return error(term_errc::too_large, at, "reference of " + std::to_string(len) + " words; 1 to 5 are valid");
        reference r;
        r.length = len;
        if (!get_node_atom(at, r.node)) return {};
        const bool newer = t == tag::newer_reference;
        if (!need((newer ? 4 : 1) + std::size_t{len} * 4, at, "reference fields")) return {};
        r.creation = newer ? u32() : u8();
        for (std::uint16_t i = 0; i < len; ++i) r.words[i] = u32();
        return term::from_reference(r);
    }

    std::span<const std::byte> in_;
    const decode_options& opt_;
    std::size_t pos_ = 0;
    std::optional<term_error> error_;
};

} // namespace

expected<term, term_error> decode(std::span<const std::byte> bytes, const decode_options& options) {
    return decoder(bytes, options).run();
}

} // namespace ember::etf
