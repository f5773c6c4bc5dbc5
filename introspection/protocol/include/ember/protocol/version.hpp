#pragma once
// The protocol's version and its vocabulary: the atoms a peer may send.
//
// Why a vocabulary: the agent decodes every frame with
// etf::decode_options::existing_atoms_only, so a client cannot fill the
// node's atom table (atoms are never freed; a full table stops the node). An
// atom the protocol names (a request kind, an option key, a sort key, a
// reason code) must therefore exist before the first frame arrives:
// intern_atoms() makes them, and frame_reader's constructor calls it.

#include <cstdint>

#include "ember/protocol/export.hpp"

namespace ember::protocol {

/// The version this build speaks. A hello naming another version is
/// refused with the reason bad_version. Raised on any change a peer of the
/// previous version would misread; adding a request kind or an option key
/// that old peers never send is not such a change.
inline constexpr std::int64_t protocol_version = 1;

/// Interns every atom of this version's vocabulary (see docs/protocol.md):
/// request kinds, option and sort keys, hello and reply keys, reason codes.
/// Any thread, any number of times: after the first complete call it costs
/// one atomic load. Returns false when the atom table had no room for all of
/// them (nothing is thrown): frames naming a missing atom then fail with
/// frame_errc::unknown_atom, and the next call tries again.
EMBER_PROTOCOL_EXPORT bool intern_atoms() noexcept;

} // namespace ember::protocol
