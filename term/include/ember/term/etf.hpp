#pragma once
// The Erlang External Term Format (version 131): the bytes of
// erlang:term_to_binary/1 and binary_to_term/1. Ember's wire protocol is
// made of these, so any Erlang or Elixir tool can read it.
//
// Encoding produces exactly what Erlang/OTP 26 term_to_binary(T) produces
// (OTP 25: term_to_binary(T, [{minor_version, 2}])) for every term except
// maps of more than 32 keys, which Erlang writes in its internal hash order
// and Ember in map key order (integers before floats, as Erlang writes
// smaller maps); Erlang reads both.

#include <cstddef>
#include <span>
#include <vector>

#include "ember/term/error.hpp"
#include "ember/term/expected.hpp"
#include "ember/term/export.hpp"
#include "ember/term/term.hpp"

namespace ember::etf {

inline constexpr std::byte version_byte{131};

/// Limits that make decoding untrusted bytes safe. Every length field is
/// checked against what remains of the input before anything is allocated,
/// so the work and memory of a decode are linear in the input size.
struct decode_options {
    std::size_t max_depth = 512;                 ///< nesting of tuples, lists and maps
    std::size_t max_bytes = 64 * 1024 * 1024;    ///< input size accepted
    bool existing_atoms_only = false;            ///< refuse atoms not yet interned (like binary_to_term(B, [safe]))
};

/// Appends the encoding of `t`, starting with the version byte 131.
/// Thread-safe (t is only read). Throws only std::bad_alloc.
EMBER_TERM_EXPORT void encode_append(const term& t, std::vector<std::byte>& out);

/// The encoding of `t`, starting with the version byte 131.
EMBER_TERM_EXPORT std::vector<std::byte> encode(const term& t);

/// Decodes exactly one term filling all of `bytes` (version byte first).
/// Errors carry the offset of the offending byte; nothing is thrown but
/// std::bad_alloc.
EMBER_TERM_EXPORT expected<term, term_error> decode(std::span<const std::byte> bytes, const decode_options& options = {});

} // namespace ember::etf
