// The audit log: lines formatted here, appended under a mutex.

#include "audit_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <system_error>

#include "ember/protocol/private_files.hpp"

namespace ember::remsh {
namespace {

namespace fs = std::filesystem;

using protocol::errno_text;
using protocol::write_all;

// 2026-12-02T10:15:04.123Z. Floor division, so a time before 1970 still
// gets milliseconds in 0..999.
void append_time(std::string& out, std::chrono::system_clock::time_point when) {
    const long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
    long long secs = ms / 1000, milli = ms % 1000;
    if (milli < 0) {
        milli += 1000;
        secs -= 1;
    }
    const std::time_t t = static_cast<std::time_t>(secs);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    std::array<char, 80> buf{}; // room for any int, as -Wformat-truncation asks
    std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                  tm.tm_min, tm.tm_sec, static_cast<int>(milli));
    out += buf.data();
}

void append_key(std::string& out, std::string_view key) {
    if (key.empty()) out += '_';
    for (char c : key) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
        out += ok ? c : '_';
    }
}

bool plain(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && c != '"' && c != '\\';
}

// A value, quoted when it is empty, was cut, or holds anything but plain
// printable ASCII; inside quotes only `"`, `\` and printable ASCII appear
// as themselves.
void append_value(std::string& out, std::string_view value, std::size_t cap) {
    const bool cut = value.size() > cap;
    if (cut) value = value.substr(0, cap);
    bool quote = cut || value.empty();
    for (char c : value) quote = quote || !plain(c);
    if (!quote) {
        out += value;
        return;
    }
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u >= 0x20 && u < 0x7f) {
            out += c;
        } else {
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 15];
        }
    }
    if (cut) out += audit_cut_marker;
    out += '"';
}


} // namespace

std::string format_line(std::chrono::system_clock::time_point when, std::string_view event, std::span<const audit_field> fields) {
    std::string out;
    out.reserve(64 + 48 * fields.size());
    append_time(out, when);
    out += " event=";
    append_value(out, event, audit_value_cap);
    for (const auto& [key, value] : fields) {
        out += ' ';
        append_key(out, key);
        out += '=';
        append_value(out, value, key == "command" ? audit_command_cap : audit_value_cap);
    }
    out += '\n';
    return out;
}

struct audit_log::state {
    int fd = -1;
    bool also_stderr = true;
    std::mutex mutex; // orders whole lines between threads, in the file and on stderr
    ~state() {
        if (fd >= 0) ::close(fd);
    }
};

audit_log::audit_log(std::unique_ptr<state> s) : state_(std::move(s)) {}
audit_log::audit_log(audit_log&&) noexcept = default;
audit_log& audit_log::operator=(audit_log&&) noexcept = default;
audit_log::~audit_log() = default;

expected<audit_log, std::string> audit_log::open(const fs::path& file, bool also_stderr) {
    auto s = std::make_unique<state>();
    s->also_stderr = also_stderr;
    s->fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (s->fd < 0) {
        if (errno == ELOOP) return unexpected("the audit log " + file.string() + " is a symbolic link; it must be a regular file");
        return unexpected("cannot open the audit log " + file.string() + ": " + errno_text(errno));
    }
    // An existing file keeps its mode: O_CREAT's 0600 applies only to a new one.
    if (auto ok = protocol::check_private_file(s->fd, file, "the audit log"); !ok) return unexpected(ok.error());
    return audit_log(std::move(s));
}

bool audit_log::write(std::string_view event, std::span<const audit_field> fields) {
    const std::string line = format_line(std::chrono::system_clock::now(), event, fields);
    const std::lock_guard lock(state_->mutex);
    const bool written = write_all(state_->fd, line);
    if (state_->also_stderr) (void)write_all(STDERR_FILENO, line);
    return written;
}

bool audit_log::write(std::string_view event, std::initializer_list<audit_field> fields) {
    return write(event, std::span<const audit_field>(fields.begin(), fields.size()));
}

} // namespace ember::remsh
