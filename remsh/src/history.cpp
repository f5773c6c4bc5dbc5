// The command history file: read from its tail, appended to line by line,
// rewritten (through protocol::write_private_file) when it has grown to
// twice the limit. See history.hpp for the sharing rules.

#include "history.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <deque>
#include <system_error>
#include <utility>

#include "ember/protocol/private_files.hpp"

namespace ember::remsh {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view what = "the command history";

unexpected<std::string> fail(std::string text) { return unexpected(std::move(text)); }

using protocol::errno_text;
using protocol::write_all;

std::string named(const fs::path& file) { return std::string(what) + " " + file.string(); }

bool is_continuation(unsigned char b) noexcept { return (b & 0xC0) == 0x80; }

// What read_lines found.
struct file_lines {
    std::vector<std::string> newest; // the newest `limit` valid lines, oldest first
    std::size_t count = 0; // lines in the file (valid or not); more than counted when read from the tail
    bool ends_mid_line = false;
};

// Splits what is read into lines, keeping the newest `limit` valid ones.
class line_splitter {
public:
    line_splitter(std::size_t limit, bool skip_first) : limit_(limit), skip_first_(skip_first) {}

    void feed(std::string_view chunk) {
        while (!chunk.empty()) {
            const std::size_t nl = chunk.find('\n');
            const std::string_view part = chunk.substr(0, nl);
            // A line past the limit is not stored: only its being too long
            // is remembered, so a file of one huge line costs no memory.
            if (!too_long_) {
                if (current_.size() + part.size() > history::max_line_bytes + 1) {
                    too_long_ = true;
                    current_.clear();
                } else {
                    current_.append(part);
                }
            }
            if (nl == std::string_view::npos) return;
            end_line();
            chunk.remove_prefix(nl + 1);
        }
    }

    file_lines finish() && {
        file_lines out;
        if (!current_.empty() || too_long_) {
            out.ends_mid_line = true;
            end_line();
        }
        out.count = count_;
        out.newest.assign(std::make_move_iterator(kept_.begin()), std::make_move_iterator(kept_.end()));
        return out;
    }

private:
    void end_line() {
        ++count_;
        std::string line = std::exchange(current_, {});
        const bool too_long = std::exchange(too_long_, false);
        // Reading from the middle of the file starts mid-line.
        if (std::exchange(skip_first_, false)) return;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (too_long || line.empty() || line.size() > history::max_line_bytes || !is_printable_line(line)) return;
        kept_.push_back(std::move(line));
        if (kept_.size() > limit_) kept_.pop_front();
    }

    std::size_t limit_;
    bool skip_first_;
    std::string current_;
    bool too_long_ = false;
    std::size_t count_ = 0;
    std::deque<std::string> kept_;
};


// The newest `limit` valid lines of `file`; an empty result when it is
// missing.
expected<file_lines, std::string> read_lines(const fs::path& file, std::size_t limit) {
    // O_NONBLOCK: a FIFO planted at the name must not hang the open; it is
    // refused as "not a regular file" right after.
    const int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return file_lines{};
        if (errno == ELOOP) return fail(named(file) + " is a symbolic link; it must be a regular file");
        return fail("cannot open " + named(file) + ": " + errno_text(errno));
    }
    protocol::unique_fd guard(fd);
    if (auto ok = protocol::check_private_file(fd, file, what); !ok) return unexpected(ok.error());

    // A file far over the limit (appended to by a shell that could never
    // rewrite it) is read from its tail: enough bytes for `limit` lines of
    // the longest length, so loading costs the same however big it grew.
    struct stat st {};
    if (::fstat(fd, &st) != 0) return fail("cannot read " + named(file) + ": " + errno_text(errno));
    const auto size = static_cast<std::uintmax_t>(st.st_size);
    const std::uintmax_t window = static_cast<std::uintmax_t>(limit + 1) * (history::max_line_bytes + 1);
    const bool from_tail = size > window;
    if (from_tail && ::lseek(fd, static_cast<off_t>(size - window), SEEK_SET) < 0)
        return fail("cannot read " + named(file) + ": " + errno_text(errno));

    line_splitter lines(limit, from_tail);
    std::array<char, 64 * 1024> buf{};
    for (;;) {
        const ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail("cannot read " + named(file) + ": " + errno_text(errno));
        if (n == 0) break;
        lines.feed(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    }
    file_lines out = std::move(lines).finish();
    // Unknown but large: make the next add() rewrite the file.
    if (from_tail) out.count = std::max(out.count, 2 * limit + 1);
    return out;
}

} // namespace

bool is_printable_line(std::string_view text) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    for (std::size_t i = 0; i < n;) {
        const unsigned char b = p[i];
        if (b < 0x80) {
            if (b < 0x20 || b == 0x7f) return false;
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned char lo = 0x80;
        unsigned char hi = 0xBF;
        // The second byte's range rules out overlong forms, surrogates and
        // code points past U+10FFFF; 0xC2 0x80..0x9F are the C1 controls.
        if (b == 0xC2) {
            len = 2;
            lo = 0xA0;
        } else if (b >= 0xC3 && b <= 0xDF) {
            len = 2;
        } else if (b == 0xE0) {
            len = 3;
            lo = 0xA0;
        } else if (b == 0xED) {
            len = 3;
            hi = 0x9F;
        } else if (b >= 0xE1 && b <= 0xEF) {
            len = 3;
        } else if (b == 0xF0) {
            len = 4;
            lo = 0x90;
        } else if (b >= 0xF1 && b <= 0xF3) {
            len = 4;
        } else if (b == 0xF4) {
            len = 4;
            hi = 0x8F;
        } else {
            return false;
        }
        if (n - i < len || p[i + 1] < lo || p[i + 1] > hi) return false;
        for (std::size_t k = 2; k < len; ++k)
            if (!is_continuation(p[i + k])) return false;
        i += len;
    }
    return true;
}

history::history(std::filesystem::path file, std::size_t limit) : file_(std::move(file)), limit_(std::max<std::size_t>(limit, 1)) {}

expected<void, std::string> history::load() {
    entries_.clear();
    file_lines_ = 0;
    ends_mid_line_ = false;
    if (file_.empty()) return {};
    auto read = read_lines(file_, limit_);
    if (!read) return unexpected(std::move(read).error());
    entries_ = std::move(read->newest);
    file_lines_ = read->count;
    ends_mid_line_ = read->ends_mid_line;
    return {};
}

expected<void, std::string> history::add(std::string_view line) {
    if (line.empty()) return fail("an empty line is not kept in the history");
    if (line.size() > max_line_bytes) return fail("a line longer than " + std::to_string(max_line_bytes) + " bytes is not kept in the history");
    if (!is_printable_line(line)) return fail("a line with control characters or invalid UTF-8 is not kept in the history");
    entries_.emplace_back(line);
    // One entry out per entry in: shifting a thousand strings is cheaper
    // than the keystroke that caused it.
    if (entries_.size() > limit_) entries_.erase(entries_.begin());
    if (file_.empty()) return {};
    return append_to_file(line);
}

expected<void, std::string> history::append_to_file(std::string_view line) {
    {
        const int fd = ::open(file_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
        if (fd < 0) {
            if (errno == ELOOP) return fail(named(file_) + " is a symbolic link; it must be a regular file");
            return fail("cannot open " + named(file_) + ": " + errno_text(errno));
        }
        protocol::unique_fd guard(fd);
        // Created now under a umask, or long ago: the same rules as load().
        if (auto ok = protocol::check_private_file(fd, file_, what); !ok) return unexpected(ok.error());
        std::string text;
        text.reserve(line.size() + 2);
        if (ends_mid_line_) text += '\n';
        text += line;
        text += '\n';
        // One write: with O_APPEND another session's line cannot land
        // inside this one.
        if (!write_all(fd, text)) return fail("cannot write " + named(file_) + ": " + errno_text(errno));
    }
    ends_mid_line_ = false;
    ++file_lines_;
    if (file_lines_ <= 2 * limit_) return {};
    return rewrite_file();
}

expected<void, std::string> history::rewrite_file() {
    // Read back rather than write entries_: other sessions of the key have
    // appended their lines too. On failure, try again after another
    // `limit` lines rather than on every add: each attempt reads the file.
    auto read = read_lines(file_, limit_);
    if (!read) {
        file_lines_ = limit_;
        return unexpected(std::move(read).error());
    }
    std::string text;
    for (const std::string& l : read->newest) {
        text += l;
        text += '\n';
    }
    auto written = protocol::write_private_file(file_, text, what, protocol::if_exists::replace, 0600);
    if (!written) {
        file_lines_ = limit_;
        return unexpected(std::move(written).error());
    }
    file_lines_ = read->newest.size();
    return {};
}

} // namespace ember::remsh
