#pragma once
// The SSH shell's host key: the node's identity to ssh clients, kept in the
// node's --state-dir as ssh_host_ed25519_key (OpenSSH's private key format,
// mode 0600) and ssh_host_ed25519_key.pub (one known_hosts-style line).
// Made on the first start, read back on later ones, so clients see the same
// key across restarts. Whoever reads the private key can impersonate the
// node, so it is written by ember::protocol's private_files (0600 whatever
// the umask, atomically, never through a symbolic link) and refused on
// later starts when group or others may read it.
//
// Thread-safety: load_or_create_host_key touches only the file system and
// may run on any thread; two nodes starting at once on one directory agree
// on one key. A host_key is a value: read it from any thread, move it to
// whoever owns the SSH server.

#include <filesystem>
#include <string>
#include <string_view>

#include "authorized_keys.hpp" // key_ptr, fingerprint()
#include "ember/term/expected.hpp"

namespace ember::remsh {

/// File names inside the state directory.
inline constexpr std::string_view host_key_file_name = "ssh_host_ed25519_key";
inline constexpr std::string_view host_public_key_file_name = "ssh_host_ed25519_key.pub";
/// The comment on the public key line.
inline constexpr std::string_view host_key_comment = "ember-node";

struct host_key {
    key_ptr key;                      ///< the private key (ed25519), for ssh_bind
    std::string public_line;          ///< "ssh-ed25519 BASE64 ember-node", for known_hosts
    std::string fingerprint;          ///< "SHA256:...", as ssh prints it when asking
    std::filesystem::path file;       ///< state_dir/ssh_host_ed25519_key
    std::filesystem::path public_file; ///< state_dir/ssh_host_ed25519_key.pub
    bool created = false;             ///< true when this call made the key
};

/// Makes or checks `state_dir` (mode 0700, ours), then reads the host key
/// from it, or makes one when there is none: a fresh ed25519 key written
/// atomically with mode 0600, and its .pub (mode 0644). On a later start the
/// private key must be a regular file, ours, with no access for group or
/// others ("... is mode 0644; it must be 0600 (chmod 600 ...)"), and an
/// ed25519 key; the .pub is rewritten when missing or not matching it. The
/// error is one line naming the path.
expected<host_key, std::string> load_or_create_host_key(const std::filesystem::path& state_dir);

} // namespace ember::remsh
