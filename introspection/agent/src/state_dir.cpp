// The state directory and the token files: checked, made when missing, read.
//
// Order: the directory first (made 0700 when missing, then its mode and
// owner checked whether this agent made it or not), then each token file.
// The file work itself is ember::protocol's private_files, which the SSH
// shell shares for its host key in the same directory. A token file is
// made with if_exists::keep (a private temporary file link(2)ed to its
// name): when two agents start at once, the loser's link fails and both
// read the winner's token, and nobody ever reads a token file half written.
// Files are opened with O_NOFOLLOW, so a symlink planted in the directory
// is refused rather than followed. POSIX only, as the rest of the agent.

#include "state_dir.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <random>

#include "ember/protocol/messages.hpp"
#include "ember/protocol/private_files.hpp"

namespace ember::agent::detail {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view token_file_what = "the token file";

// What read_private_file reads of a token file at most: a token and room
// for the trailing blank lines an editor may add. The token itself is
// bounded below, after those are trimmed.
constexpr std::size_t token_file_max_bytes = protocol::hello::max_token_bytes + 4096;

unexpected<std::string> fail(std::string text) { return unexpected(std::move(text)); }

// /dev/urandom, or std::random_device where it cannot be opened (a chroot
// without /dev): both are the kernel's generator on Linux.
std::string random_hex() {
    std::array<unsigned char, token_random_bytes> raw{};
    bool have = false;
    if (const int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC); fd >= 0) {
        std::size_t got = 0;
        while (got < raw.size()) {
            const ssize_t n = ::read(fd, raw.data() + got, raw.size() - got);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            got += static_cast<std::size_t>(n);
        }
        ::close(fd);
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

// A token file's text without its trailing newline (or other blanks),
// which are not part of the token.
expected<std::string, std::string> token_of(std::string text, const fs::path& file) {
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
        auto text = protocol::read_private_file(file, token_file_max_bytes, token_file_what);
        if (!text) return unexpected(std::move(text).error());
        if (*text) return token_of(std::move(**text), file);
        auto made = protocol::write_private_file(file, random_hex() + "\n", token_file_what, protocol::if_exists::keep);
        if (!made) return unexpected(std::move(made).error());
    }
    return fail("the token file " + file.string() + " disappeared while it was being made");
}

} // namespace

expected<access_tokens, std::string> prepare_state_dir(const fs::path& dir) {
    if (dir.empty()) return fail("no state directory given (agent_options::state_dir)");
    if (auto ok = protocol::make_private_dir(dir, "the state directory"); !ok) return unexpected(ok.error());
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
