#pragma once
// The SSH shell's --authorized-keys file: which public keys may log in, and
// with which role (docs/shell.md). OpenSSH's format, so operators can reuse
// what they know: one key per line, `[options] keytype base64 [comment]`,
// blank lines and `#` comments skipped. Our options: `admin` or `read-only`
// (the default). sshd's restrictions that our server enforces anyway
// (no forwarding of any kind, no ~/.ssh/rc) are accepted and change
// nothing; every other option, and `no-pty`, which the shell cannot honour,
// makes the file fail to load: a restriction is never dropped silently.
//
// The file is checked like sshd's StrictModes before it is read: ours or
// root's, not writable by group or others, and so is every directory above
// it (a root-owned sticky directory such as /tmp excepted).
//
// Thread-safety: load() touches only the file system and may run on any
// thread. A loaded authorized_keys is immutable: find() may be called from
// any number of threads at once.

#include <libssh/libssh.h>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ember/term/expected.hpp"

namespace ember::remsh {

/// Frees a libssh key (ssh_key is a pointer to ssh_key_struct).
struct key_deleter {
    void operator()(ssh_key key) const noexcept { ssh_key_free(key); }
};

/// Owns one libssh key, public or private.
using key_ptr = std::unique_ptr<ssh_key_struct, key_deleter>;

/// What a key may do once logged in.
enum class role {
    read_only, ///< commands that only look
    admin,     ///< every command, including those that change the node
};

/// "read-only" or "admin": the option's spelling, also used in the audit log.
std::string_view role_name(role r) noexcept;

/// The key's SHA-256 fingerprint as OpenSSH prints it (`ssh-keygen -lf`):
/// "SHA256:" and the unpadded base64 of the hash of the public key blob.
/// Empty only when libssh cannot hash the key. Any thread.
std::string fingerprint(ssh_key key);

/// One line of the file.
struct authorized_key {
    key_ptr key;             ///< the public key
    remsh::role role = remsh::role::read_only; ///< from the admin / read-only option
    std::string comment;     ///< what follows the key on its line; may be empty
    std::string fingerprint; ///< "SHA256:...", for logs and error messages
    std::size_t line = 0;    ///< 1-based line number in the file
};

/// The keys of one file. Move-only (the keys are owned).
class authorized_keys {
public:
    /// The most a file may hold: bounds the work a (checked, but still
    /// outside) file can make the node do at start.
    static constexpr std::size_t max_file_bytes = 1024 * 1024;
    static constexpr std::size_t max_keys = 10000;
    /// RSA keys shorter than this are refused (as OpenSSH does since 8.8).
    static constexpr std::size_t min_rsa_bits = 2048;

    /// Checks the file's and its directories' owners and modes, then reads
    /// and parses it. The error is one line: "bad permissions: /x/keys is
    /// writable by group (mode 0664)", or "/x/keys:3: <why>" for a line that
    /// does not parse or carries an option we refuse. An empty file (no
    /// keys) loads: nobody can log in.
    static expected<authorized_keys, std::string> load(const std::filesystem::path& file);

    /// Parses `text` as the contents of a file called `name` (used in error
    /// messages), without looking at the file system: load() after its
    /// checks, and tests.
    static expected<authorized_keys, std::string> parse(std::string_view text, std::string_view name);

    /// The entry whose public key equals `offered` (ssh_key_cmp on the
    /// public parts), the first one when the key is listed twice (with the
    /// same role: load() refuses a key listed with two roles). Null when the
    /// key is not listed. Any thread.
    const authorized_key* find(ssh_key offered) const;

    std::size_t size() const noexcept { return keys_.size(); }
    const std::vector<authorized_key>& keys() const noexcept { return keys_; }

private:
    std::vector<authorized_key> keys_;
};

} // namespace ember::remsh
