// External Term Format encoder. Chooses the same tag as term_to_binary for
// every value, so the bytes match Erlang's (see etf.hpp for the one case
// where they cannot).

#include <cstring>

#include "etf_tags.hpp"
#include "ember/term/etf.hpp"

namespace ember::etf {
namespace {

class encoder {
public:
    explicit encoder(std::vector<std::byte>& out) : out_(out) {}

    void put(const term& t) {
        switch (t.type()) {
        case term_type::integer: return put_integer(t.as_integer());
        case term_type::float64: return put_float(t.as_float());
        case term_type::atom: return put_atom(t.as_atom());
        case term_type::reference: return put_reference(t.as_reference());
        case term_type::pid: return put_pid(t.as_pid());
        case term_type::tuple: return put_tuple(t);
        case term_type::map: return put_map(t);
        case term_type::nil: return u8(tag::nil);
        case term_type::list: return put_list(t);
        case term_type::binary: return put_binary(t.bytes());
        }
    }

private:
    void u8(std::uint8_t v) { out_.push_back(std::byte{v}); }
    void u16(std::uint16_t v) { u8(static_cast<std::uint8_t>(v >> 8)); u8(static_cast<std::uint8_t>(v)); }
    void u32(std::uint32_t v) { u16(static_cast<std::uint16_t>(v >> 16)); u16(static_cast<std::uint16_t>(v)); }
    void raw(const void* p, std::size_t n) {
        const auto* b = static_cast<const std::byte*>(p);
        out_.insert(out_.end(), b, b + n);
    }

    void put_integer(std::int64_t v) {
        if (v >= 0 && v <= 255) {
            u8(tag::small_integer);
            u8(static_cast<std::uint8_t>(v));
        } else if (v >= INT32_MIN && v <= INT32_MAX) {
            u8(tag::integer);
            u32(static_cast<std::uint32_t>(static_cast<std::int32_t>(v)));
        } else {
            // SMALL_BIG: digit count, sign, little-endian magnitude.
            std::uint64_t magnitude = v < 0 ? ~static_cast<std::uint64_t>(v) + 1 : static_cast<std::uint64_t>(v);
            std::uint8_t digits[8];
            std::uint8_t n = 0;
            while (magnitude != 0) {
                digits[n++] = static_cast<std::uint8_t>(magnitude & 0xFF);
                magnitude >>= 8;
            }
            u8(tag::small_big);
            u8(n);
            u8(v < 0 ? 1 : 0);
            raw(digits, n);
        }
    }

    void put_float(double d) {
        std::uint64_t bits;
        std::memcpy(&bits, &d, sizeof bits);
        u8(tag::new_float);
        u32(static_cast<std::uint32_t>(bits >> 32));
        u32(static_cast<std::uint32_t>(bits));
    }

    void put_atom(atom a) {
        const std::string_view name = a.name();
        if (name.size() <= 255) {
            u8(tag::small_atom_utf8);
            u8(static_cast<std::uint8_t>(name.size()));
        } else {
            u8(tag::atom_utf8);
            u16(static_cast<std::uint16_t>(name.size()));
        }
        raw(name.data(), name.size());
    }

    void put_pid(const pid& p) {
        u8(tag::new_pid);
        put_atom(p.node);
        u32(p.id);
        u32(p.serial);
        u32(p.creation);
    }

    void put_reference(const reference& r) {
        u8(tag::newer_reference);
        u16(static_cast<std::uint16_t>(r.length));
        put_atom(r.node);
        u32(r.creation);
        for (std::uint32_t i = 0; i < r.length; ++i) u32(r.words[i]);
    }

    void put_tuple(const term& t) {
        auto e = t.elements();
        if (e.size() <= 255) {
            u8(tag::small_tuple);
            u8(static_cast<std::uint8_t>(e.size()));
        } else {
            u8(tag::large_tuple);
            u32(static_cast<std::uint32_t>(e.size()));
        }
        for (const term& x : e) put(x);
    }

    // Entries come in map key order (see term_order.cpp): all integer keys,
    // by value, before all float keys, by value, and likewise inside keys
    // ({1} before {0.5}). That is the order OTP keeps a flatmap (at most 32
    // keys) in and writes it in, so #{1 => a, 0.5 => b} is written 1 first,
    // byte for byte as term_to_binary does. A map of more than 32 keys is a
    // hash trie in OTP and is written in the order of its internal hash,
    // which depends on the OTP release; Ember writes those in map key order
    // too, the order OTP 26's maps:iterator(M, ordered) gives. Erlang reads
    // any order.
    void put_map(const term& t) {
        auto e = t.entries();
        u8(tag::map);
        u32(static_cast<std::uint32_t>(e.size()));
        for (const map_entry& x : e) {
            put(x.key);
            put(x.value);
        }
    }

    static bool is_byte_string(const term& t) {
        if (!t.tail().is_nil() || t.size() > 65535) return false;
        for (const term& x : t.elements())
            if (!x.is_integer() || x.as_integer() < 0 || x.as_integer() > 255) return false;
        return true;
    }

    void put_list(const term& t) {
        auto e = t.elements();
        if (is_byte_string(t)) {
            // term_to_binary writes a proper list of bytes as STRING_EXT.
            u8(tag::string);
            u16(static_cast<std::uint16_t>(e.size()));
            for (const term& x : e) u8(static_cast<std::uint8_t>(x.as_integer()));
            return;
        }
        u8(tag::list);
        u32(static_cast<std::uint32_t>(e.size()));
        for (const term& x : e) put(x);
        put(t.tail());
    }

    void put_binary(std::span<const std::byte> b) {
        u8(tag::binary);
        u32(static_cast<std::uint32_t>(b.size()));
        out_.insert(out_.end(), b.begin(), b.end());
    }

    std::vector<std::byte>& out_;
};

} // namespace

void encode_append(const term& t, std::vector<std::byte>& out) {
    out.push_back(version_byte);
    encoder(out).put(t);
}

std::vector<std::byte> encode(const term& t) {
    std::vector<std::byte> out;
    encode_append(t, out);
    return out;
}

} // namespace ember::etf
