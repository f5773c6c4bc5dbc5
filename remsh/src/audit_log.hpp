#pragma once
// The SSH shell's audit log: who connected, which key logged in with which
// role (or was refused, and why), every command with its outcome and
// duration, and each disconnection. One line per event, appended to
// state_dir/audit.log (mode 0600) and copied to stderr:
//
//   2026-12-02T10:15:04.123Z event=auth peer=127.0.0.1:50312 user=ops
//     key=SHA256:abc... role=admin outcome=accepted
//
// (one line in the file; wrapped here). Each line is the UTC time with
// milliseconds, then key=value pairs. A value with a blank, a quote, a
// backslash or any byte outside printable ASCII is quoted, with `"` and `\`
// escaped and every other such byte written \xNN, so a line is always one
// line and always ASCII whatever a client sends, except for the "…" that
// marks a value cut at its cap (256 bytes; 1024 for `command`): being the
// only non-ASCII in the file, it cannot be forged by a client.
//
// The events and their keys are the caller's (connection.cpp): connect,
// auth (outcome accepted / refused / probe, reason), command (command,
// outcome ok / failed / usage / cancelled, error, ms), disconnect (reason).
//
// Thread-safety: write() may be called from any thread at once (a mutex
// orders whole lines); format_line is pure. A moved-from audit_log may only
// be assigned to or destroyed.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "ember/term/expected.hpp"

namespace ember::remsh {

/// One key=value pair of an event.
using audit_field = std::pair<std::string_view, std::string_view>;

/// Caps on one value, in input bytes (before escaping).
inline constexpr std::size_t audit_value_cap = 256;
inline constexpr std::size_t audit_command_cap = 1024; ///< for the key "command"

/// The marker after a value cut at its cap.
inline constexpr std::string_view audit_cut_marker = "\u2026";

/// The log line for one event, with its '\n': the time, `event=<event>`,
/// then each field in order. Keys are ours (constants in the code), but
/// anything outside [A-Za-z0-9_.-] in them is written '_' all the same.
std::string format_line(std::chrono::system_clock::time_point when, std::string_view event, std::span<const audit_field> fields);

/// The file name inside the state directory.
inline constexpr std::string_view audit_log_file_name = "audit.log";

class audit_log {
public:
    /// Opens `file` for appending (O_APPEND|O_CREAT|O_NOFOLLOW, mode 0600)
    /// and checks it is a regular file of ours with no access for group or
    /// others: an audit log others could read would show who runs what, and
    /// one they could write could be forged. Every line also goes to stderr
    /// when `also_stderr`. The error is one line naming the path.
    static expected<audit_log, std::string> open(const std::filesystem::path& file, bool also_stderr = true);

    audit_log(audit_log&&) noexcept;
    audit_log& operator=(audit_log&&) noexcept;
    ~audit_log();

    /// Appends one event, now. The whole line goes in one write(2) on an
    /// O_APPEND file, so lines of concurrent writers (even other processes)
    /// never interleave. False when the file write failed (disk full...):
    /// the event still went to stderr. Any thread.
    bool write(std::string_view event, std::initializer_list<audit_field> fields);
    bool write(std::string_view event, std::span<const audit_field> fields);

private:
    struct state;
    explicit audit_log(std::unique_ptr<state> s);
    std::unique_ptr<state> state_;
};

} // namespace ember::remsh
