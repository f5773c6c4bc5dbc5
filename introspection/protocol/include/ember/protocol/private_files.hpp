#pragma once
// Private directories and files: the node's state directory (mode 0700) and
// the secrets in it (mode 0600): the agent's access tokens, the SSH shell's
// host key, its audit log. Whoever reads them can act as the node, so each
// is checked, not trusted: owned by this user, no access for group or
// others, never reached through a symbolic link. Shared here because the
// agent and the shell keep their secrets in the same --state-dir and must
// agree on the rules.
//
// Every function touches only the file system and may run on any thread.
// Errors come back as one line naming the path (and its mode when the mode
// is what is wrong), ready to print. POSIX only.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "ember/protocol/export.hpp"
#include "ember/term/expected.hpp"

namespace ember::protocol {

/// Makes `dir` with mode 0700 when it is missing (missing parents get the
/// default mode: only the last directory has to be private), then checks
/// what is there, made now or long ago: a directory, owned by this user
/// (the effective uid), mode 0700 or stricter. `what` names it in errors,
/// e.g. "the state directory" gives "the state directory /x is mode 0755;
/// it must be 0700 (chmod 700 /x)".
EMBER_PROTOCOL_EXPORT expected<void, std::string> make_private_dir(const std::filesystem::path& dir, std::string_view what);

/// What write_private_file does when `file` already exists.
enum class if_exists {
    replace, ///< rename(2) over it: readers see the old file or the new, whole
    keep,    ///< link(2): the existing file wins and is left untouched, so two
             ///< processes making the same file at once agree on one content
};

/// Writes `content` to `file` atomically: a fresh temporary file beside it
/// (O_CREAT|O_EXCL|O_NOFOLLOW, so nothing planted there is followed or
/// reused), set to `mode` with fchmod (the umask does not apply), written
/// and fsync'ed, then renamed or linked to `file`, then the directory
/// fsync'ed so the name survives a crash. Nobody ever sees the file half
/// written. A symbolic link at `file` is replaced (if_exists::replace) or
/// counts as existing (if_exists::keep), never followed. Returns true when
/// the file was written, false when if_exists::keep found one already there.
/// The temporary file is removed on every path. `what` names the file in
/// errors ("the host key").
EMBER_PROTOCOL_EXPORT expected<bool, std::string> write_private_file(const std::filesystem::path& file, std::string_view content,
                                                                     std::string_view what, if_exists when_exists, unsigned mode = 0600);

/// Checks an open file: a regular file, owned by this user, and no
/// permission bit for group or others ("the token file /x is mode 0640; it
/// must be 0600 (chmod 600 /x)"). Checked on the descriptor (fstat), so the
/// answer is about the file that was opened, not whatever the name points to
/// now.
EMBER_PROTOCOL_EXPORT expected<void, std::string> check_private_file(int fd, const std::filesystem::path& file, std::string_view what);

/// Opens `file` without following a symbolic link (a link is refused,
/// named as such), checks it with check_private_file, and reads it whole.
/// std::nullopt when there is no such file, so callers can make it. A file
/// longer than `max_bytes` is refused, never read in part.
EMBER_PROTOCOL_EXPORT expected<std::optional<std::string>, std::string> read_private_file(const std::filesystem::path& file, std::size_t max_bytes,
                                                                                          std::string_view what);

// [descriptors] -------------------------------------------------------------
// The small POSIX pieces the code that keeps these files needs again and
// again (the agent's tokens, the shell's keys, history and audit log).

/// Closes a descriptor on every path out. Move-only.
class unique_fd {
public:
    unique_fd() = default;
    explicit unique_fd(int fd) noexcept : fd_(fd) {}
    unique_fd(unique_fd&& o) noexcept : fd_(o.release()) {}
    unique_fd& operator=(unique_fd&& o) noexcept {
        if (this != &o) reset(o.release());
        return *this;
    }
    ~unique_fd() { reset(); }
    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }
    int release() noexcept {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }
    EMBER_PROTOCOL_EXPORT void reset(int fd = -1) noexcept;

private:
    int fd_ = -1;
};

/// Writes all of `text`, again after a signal; false on an error.
EMBER_PROTOCOL_EXPORT bool write_all(int fd, std::string_view text) noexcept;
/// strerror's text for an errno value, thread-safe.
EMBER_PROTOCOL_EXPORT std::string errno_text(int e);
/// A file's permission bits as chmod takes them: "0644".
EMBER_PROTOCOL_EXPORT std::string mode_text(unsigned mode);

} // namespace ember::protocol
