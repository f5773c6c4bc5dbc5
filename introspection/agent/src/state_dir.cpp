// The state directory and the token files: checked, made when missing, read.
//
// Order: the directory first (made 0700 when missing, then its mode and
// owner checked whether this agent made it or not), then each token file.
// A token file is made by writing a private temporary file and link(2)ing
// it to its name: link fails with EEXIST when another agent won the race,
// so nobody ever reads a token file half written. Files are opened with
// O_NOFOLLOW, so a symlink planted in the directory is refused rather than
// followed. POSIX only, as the rest of the agent.

#include "state_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <random>
#include <system_error>

#include "ember/protocol/messages.hpp"

namespace ember::agent::detail {
namespace {

namespace fs = std::filesystem;

unexpected<std::string> fail(std::string text) { return unexpected(std::move(text)); }

std::string errno_text(int e) { return std::error_code(e, std::generic_category()).message(); }

std::string octal(mode_t mode) {
    std::array<char, 8> buf{};
    std::snprintf(buf.data(), buf.size(), "%04o", static_cast<unsigned>(mode & 07777));
    return buf.data();
}

// Closes a descriptor on every path out.
class fd_guard {
public:
    explicit fd_guard(int fd) : fd_(fd) {}
    ~fd_guard() {
        if (fd_ >= 0) ::close(fd_);
    }
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

expected<void, std::string> check_dir(const fs::path& dir) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
        if (errno != ENOENT) return fail("cannot read the state directory " + dir.string() + ": " + errno_text(errno));
        // Parents get the default mode: only the directory holding the
        // tokens has to be private.
        std::error_code ec;
        if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);
        if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
            return fail("cannot make the state directory " + dir.string() + ": " + errno_text(errno));
        if (::stat(dir.c_str(), &st) != 0) return fail("cannot read the state directory " + dir.string() + ": " + errno_text(errno));
    }
    if (!S_ISDIR(st.st_mode)) return fail("the state directory " + dir.string() + " is not a directory");
    if (st.st_uid != ::geteuid())
        return fail("the state directory " + dir.string() + " belongs to uid " + std::to_string(st.st_uid) + ", not to this user (uid " +
                    std::to_string(::geteuid()) + ")");
    if ((st.st_mode & 077) != 0)
        return fail("the state directory " + dir.string() + " is mode " + octal(st.st_mode) + "; it must be 0700 (chmod 700 " + dir.string() + ")");
    return {};
}

bool write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// /dev/urandom, or std::random_device where it cannot be opened (a chroot
// without /dev): both are the kernel's generator on Linux.
std::string random_hex() {
    std::array<unsigned char, token_random_bytes> raw{};
    bool have = false;
    if (const int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC); fd >= 0) {
        fd_guard guard(fd);
        std::size_t got = 0;
        while (got < raw.size()) {
            const ssize_t n = ::read(fd, raw.data() + got, raw.size() - got);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            got += static_cast<std::size_t>(n);
        }
        have = got == raw.size();
    }
    if (!have) {
        std::random_device rd;
        for (auto& b : raw) b = static_cast<unsigned char>(rd());
    }
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    for (unsigned char b : raw) {
        hex += digits[b >> 4];
        hex += digits[b & 15];
    }
    return hex;
}

// Writes a fresh token to a temporary file and links it to `file`. Success
// also when another agent made `file` first (link says EEXIST): the caller
// reads whichever token won.
expected<void, std::string> make_token_file(const fs::path& file) {
    static std::atomic<unsigned> counter{0};
    const fs::path tmp = file.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
    const std::string text = random_hex() + "\n";
    {
        fd_guard fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (fd.get() < 0) return fail("cannot make the token file " + tmp.string() + ": " + errno_text(errno));
        if (!write_all(fd.get(), text) || ::fsync(fd.get()) != 0) {
            const int e = errno;
            ::unlink(tmp.c_str());
            return fail("cannot write the token file " + tmp.string() + ": " + errno_text(e));
        }
    }
    const int linked = ::link(tmp.c_str(), file.c_str());
    const int e = errno;
    ::unlink(tmp.c_str());
    if (linked != 0 && e != EEXIST) return fail("cannot make the token file " + file.string() + ": " + errno_text(e));
    return {};
}

expected<std::string, std::string> read_token(int fd, const fs::path& file) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return fail("cannot read the token file " + file.string() + ": " + errno_text(errno));
    if (!S_ISREG(st.st_mode)) return fail("the token file " + file.string() + " is not a regular file");
    if (st.st_uid != ::geteuid())
        return fail("the token file " + file.string() + " belongs to uid " + std::to_string(st.st_uid) + ", not to this user");
    if ((st.st_mode & 077) != 0)
        return fail("the token file " + file.string() + " is mode " + octal(st.st_mode) + "; it must be 0600 (chmod 600 " + file.string() + ")");
    // One byte past the limit tells a token that is too long.
    std::string text(protocol::hello::max_token_bytes + 3, '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail("cannot read the token file " + file.string() + ": " + errno_text(errno));
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    text.resize(got);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) text.pop_back();
    if (text.empty()) return fail("the token file " + file.string() + " is empty");
    if (text.size() > protocol::hello::max_token_bytes)
        return fail("the token file " + file.string() + " holds more than " + std::to_string(protocol::hello::max_token_bytes) + " bytes");
    return text;
}

expected<std::string, std::string> read_or_make_token(const fs::path& file) {
    // Twice at most: a missing file is made (or made by a concurrent agent),
    // then read.
    for (int attempt = 0; attempt < 2; ++attempt) {
        const int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
            fd_guard guard(fd);
            return read_token(fd, file);
        }
        if (errno == ELOOP) return fail("the token file " + file.string() + " is a symbolic link; it must be a regular file");
        if (errno != ENOENT) return fail("cannot open the token file " + file.string() + ": " + errno_text(errno));
        if (auto made = make_token_file(file); !made) return unexpected(std::move(made).error());
    }
    return fail("the token file " + file.string() + " disappeared while it was being made");
}

} // namespace

expected<access_tokens, std::string> prepare_state_dir(const fs::path& dir) {
    if (dir.empty()) return fail("no state directory given (agent_options::state_dir)");
    if (auto ok = check_dir(dir); !ok) return unexpected(std::move(ok).error());
    access_tokens out;
    out.read_only_file = dir / "read-only.token";
    out.admin_file = dir / "admin.token";
    auto ro = read_or_make_token(out.read_only_file);
    if (!ro) return unexpected(std::move(ro).error());
    auto admin = read_or_make_token(out.admin_file);
    if (!admin) return unexpected(std::move(admin).error());
    out.read_only = std::move(*ro);
    out.admin = std::move(*admin);
    return out;
}

} // namespace ember::agent::detail
