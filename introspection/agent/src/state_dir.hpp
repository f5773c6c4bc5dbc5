#pragma once
// The node's state directory and the two access tokens in it
// (docs/protocol.md#tokens): the directory must be mode 0700 and each token
// file 0600 (or stricter), since whoever reads admin.token can kill any
// process of the node. Made on first start, read back on later starts;
// the file rules themselves are ember/protocol/private_files.hpp, shared
// with the SSH shell's host key in the same directory.

#include <filesystem>
#include <string>

#include "ember/term/expected.hpp"

namespace ember::agent::detail {

/// Bytes of randomness in a token the agent makes; written as twice as many
/// hex digits.
inline constexpr std::size_t token_random_bytes = 32;

struct access_tokens {
    std::string read_only;
    std::string admin;
    std::filesystem::path read_only_file;
    std::filesystem::path admin_file;
};

/// Makes `dir` (mode 0700) when missing, checks its mode and owner, then
/// makes each token file that is missing (mode 0600, created atomically so
/// that two agents starting at once agree) and reads both back. A trailing
/// newline in a file is not part of the token. The error is one line naming
/// the path, and its mode when that is what is wrong. Any thread; it touches
/// only the file system.
expected<access_tokens, std::string> prepare_state_dir(const std::filesystem::path& dir);

} // namespace ember::agent::detail
