#pragma once
// The command history of one authorized key: the lines its operators typed
// at the SSH shell, kept across sessions in a private file (mode 0600,
// under the node's state directory) so that Up recalls yesterday's
// commands. The line editor reads entries(); the shell calls add() for
// each line submitted.
//
// The file is one line per entry, newest last. Sessions only ever append
// whole lines (one write(2) with O_APPEND each), so two sessions of the
// same key can share a file; every 2 * limit appended lines it is
// rewritten with the newest `limit` (a temporary file renamed over it). A
// line another session appends between that rewrite's read and its rename
// is lost: a history, not a log (the audit log is the record).
//
// History is a convenience: a missing, unreadable or unwritable file (a
// read-only disk, a full one) gives errors as values that the shell may
// print once or ignore, and the entries in memory keep working.
//
// Not thread-safe: owner only (the session's SSH thread). POSIX only.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "ember/term/expected.hpp"

namespace ember::remsh {

/// Whether `text` may be an edited line or a history entry: valid UTF-8
/// (no overlong forms, no surrogates) with no control character (C0, DEL,
/// C1), so that echoing it to a terminal can only print it. Empty is valid.
/// Any thread.
bool is_printable_line(std::string_view text) noexcept;

class history {
public:
    /// Longest entry kept, in bytes; longer lines in the file are skipped.
    static constexpr std::size_t max_line_bytes = 4096;

    /// A history kept in `file` (nothing is read until load()), holding at
    /// most `limit` entries (at least 1). An empty `file` keeps the history
    /// in memory only.
    explicit history(std::filesystem::path file, std::size_t limit = 1000);

    /// Replaces the entries with the newest `limit` valid lines of the file.
    /// A missing file is an empty history. Lines that are empty, longer than
    /// max_line_bytes, not UTF-8 or holding control characters are skipped
    /// (a trailing "\r" is dropped first). The file must pass the state
    /// directory's rules (protocol::check_private_file: a regular file of
    /// this user, mode 0600, not a symbolic link); otherwise, or when it
    /// cannot be read, the error is one line naming the path and the
    /// entries are left empty.
    expected<void, std::string> load();

    /// Appends `line` to the entries (dropping the oldest beyond the limit)
    /// and to the file, creating it with mode 0600. A line that is empty,
    /// too long or not printable (is_printable_line) is refused and kept
    /// nowhere. An error writing the file comes back as one line; the entry
    /// is in memory all the same.
    expected<void, std::string> add(std::string_view line);

    /// Oldest first. Valid until the next load() or add().
    const std::vector<std::string>& entries() const noexcept { return entries_; }
    const std::filesystem::path& file() const noexcept { return file_; }
    std::size_t limit() const noexcept { return limit_; }

private:
    expected<void, std::string> append_to_file(std::string_view line);
    expected<void, std::string> rewrite_file();

    std::filesystem::path file_;
    std::size_t limit_;
    std::vector<std::string> entries_;
    // Lines in the file as far as this object knows (what load() saw plus
    // its own appends): past 2 * limit_ the file is rewritten.
    std::size_t file_lines_ = 0;
    // The file ended without a newline when read (a crash mid-write): the
    // next append ends that line first, so the new entry stays whole.
    bool ends_mid_line_ = false;
};

} // namespace ember::remsh
