// Private directories and files: made, checked, written atomically, read.
//
// Order in write_private_file: temporary file, fchmod, write, fsync, then
// rename/link, then fsync of the directory. The file's bytes are on disk
// before its name points at them, and the name is on disk before we report
// success; a crash in between leaves at worst a stray temporary file, never
// a named file half written.

#include "ember/protocol/private_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <system_error>

namespace ember::protocol {
namespace {

namespace fs = std::filesystem;

unexpected<std::string> fail(std::string text) { return unexpected(std::move(text)); }

std::string octal(mode_t mode) { return mode_text(static_cast<unsigned>(mode)); }

std::string named(std::string_view what, const fs::path& p) { return std::string(what) + " " + p.string(); }


// fsync of the directory holding `file`, so that a rename or link done in
// it is on disk. Some file systems refuse fsync on a directory (EINVAL):
// nothing more can be done there, and it is not an error.
bool sync_parent(const fs::path& file) {
    const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    unique_fd guard(fd);
    return ::fsync(fd) == 0 || errno == EINVAL;
}

// A fresh temporary file beside `file`. The name carries the pid and a
// counter, so concurrent writers (threads or processes) never share one; a
// stale one left by a crash is skipped, never reused (O_EXCL).
expected<int, std::string> make_temporary(const fs::path& file, fs::path& tmp, std::string_view what) {
    static std::atomic<unsigned> counter{0};
    for (int attempt = 0;; ++attempt) {
        tmp = file.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
        const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) return fd;
        if (errno != EEXIST || attempt >= 100) return fail("cannot make " + named(what, tmp) + ": " + errno_text(errno));
    }
}

} // namespace

expected<void, std::string> make_private_dir(const fs::path& dir, std::string_view what) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
        if (errno != ENOENT) return fail("cannot read " + named(what, dir) + ": " + errno_text(errno));
        std::error_code ec; // a failure shows in the mkdir below
        if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);
        if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return fail("cannot make " + named(what, dir) + ": " + errno_text(errno));
        if (::stat(dir.c_str(), &st) != 0) return fail("cannot read " + named(what, dir) + ": " + errno_text(errno));
    }
    // Checked whether made now or not: mkdir's mode is cut by the umask, and
    // an existing directory may be anyone's.
    if (!S_ISDIR(st.st_mode)) return fail(named(what, dir) + " is not a directory");
    if (st.st_uid != ::geteuid())
        return fail(named(what, dir) + " belongs to uid " + std::to_string(st.st_uid) + ", not to this user (uid " + std::to_string(::geteuid()) + ")");
    if ((st.st_mode & 077) != 0)
        return fail(named(what, dir) + " is mode " + octal(st.st_mode) + "; it must be 0700 (chmod 700 " + dir.string() + ")");
    return {};
}

expected<bool, std::string> write_private_file(const fs::path& file, std::string_view content, std::string_view what, if_exists when_exists,
                                               unsigned mode) {
    fs::path tmp;
    auto made = make_temporary(file, tmp, what);
    if (!made) return unexpected(std::move(made).error());
    {
        unique_fd fd(*made);
        if (::fchmod(fd.get(), static_cast<mode_t>(mode & 07777)) != 0 || !write_all(fd.get(), content) || ::fsync(fd.get()) != 0) {
            const int e = errno;
            ::unlink(tmp.c_str());
            return fail("cannot write " + named(what, tmp) + ": " + errno_text(e));
        }
    }
    bool written = true;
    if (when_exists == if_exists::replace) {
        if (::rename(tmp.c_str(), file.c_str()) != 0) {
            const int e = errno;
            ::unlink(tmp.c_str());
            return fail("cannot make " + named(what, file) + ": " + errno_text(e));
        }
    } else {
        const int linked = ::link(tmp.c_str(), file.c_str());
        const int e = errno;
        ::unlink(tmp.c_str());
        if (linked != 0 && e != EEXIST) return fail("cannot make " + named(what, file) + ": " + errno_text(e));
        written = linked == 0;
    }
    if (written && !sync_parent(file)) return fail("cannot sync the directory of " + named(what, file) + ": " + errno_text(errno));
    return written;
}

expected<void, std::string> check_private_file(int fd, const fs::path& file, std::string_view what) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return fail("cannot read " + named(what, file) + ": " + errno_text(errno));
    if (!S_ISREG(st.st_mode)) return fail(named(what, file) + " is not a regular file");
    if (st.st_uid != ::geteuid())
        return fail(named(what, file) + " belongs to uid " + std::to_string(st.st_uid) + ", not to this user (uid " + std::to_string(::geteuid()) + ")");
    if ((st.st_mode & 077) != 0)
        return fail(named(what, file) + " is mode " + octal(st.st_mode) + "; it must be 0600 (chmod 600 " + file.string() + ")");
    return {};
}

expected<std::optional<std::string>, std::string> read_private_file(const fs::path& file, std::size_t max_bytes, std::string_view what) {
    // O_NONBLOCK: a FIFO planted at the name must not hang the open; it is
    // refused as "not a regular file" right after.
    const int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return std::optional<std::string>();
        if (errno == ELOOP) return fail(named(what, file) + " is a symbolic link; it must be a regular file");
        return fail("cannot open " + named(what, file) + ": " + errno_text(errno));
    }
    unique_fd guard(fd);
    if (auto ok = check_private_file(fd, file, what); !ok) return unexpected(ok.error());
    // One byte past the limit tells a file that is too long, whatever
    // fstat said about its size a moment ago.
    std::string text(max_bytes + 1, '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail("cannot read " + named(what, file) + ": " + errno_text(errno));
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    if (got > max_bytes) return fail(named(what, file) + " is longer than " + std::to_string(max_bytes) + " bytes");
    text.resize(got);
    return std::optional<std::string>(std::move(text));
}

// [descriptors] -----------------------------------------------------------------

void unique_fd::reset(int fd) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
}

bool write_all(int fd, std::string_view text) noexcept {
    while (!text.empty()) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

std::string errno_text(int e) { return std::error_code(e, std::generic_category()).message(); }

std::string mode_text(unsigned mode) {
    std::array<char, 8> buf{};
    std::snprintf(buf.data(), buf.size(), "%04o", mode & 07777u);
    return buf.data();
}

} // namespace ember::protocol
