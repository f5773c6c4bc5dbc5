// The authorized_keys file: permission checks, then one key per line.
//
// Sections:
//   [blob]        base64 and the SSH wire blob, read only as far as needed
//   [options]     the options before the key type, each accepted or refused
//   [line]        one line: options, key type, key data, comment
//   [permissions] sshd's StrictModes: the file and every directory above it
//   [load]        load(), parse(), find()
//
// The key data is outside input: every length is checked before use, and
// error messages name the file, the line and what is wrong, never the key
// data itself (it would fill the line and tell nothing).

#include "authorized_keys.hpp"

#include "ember/protocol/private_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <system_error>
#include <unordered_map>

namespace ember::remsh {
namespace {

namespace fs = std::filesystem;

unexpected<std::string> fail(std::string text) { return unexpected(std::move(text)); }

using protocol::errno_text;

std::string octal(mode_t mode) { return protocol::mode_text(static_cast<unsigned>(mode)); }

// A piece of the line fit to quote in an error: at most `max` bytes, and
// anything unprintable as '?', so the error stays one readable line.
std::string shown(std::string_view s, std::size_t max = 32) {
    std::string out;
    for (std::size_t i = 0; i < s.size() && i < max; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        out += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?';
    }
    if (s.size() > max) out += "...";
    return out;
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
}

// The next blank-separated word of `s`, removed from it.
std::string_view next_word(std::string_view& s) {
    s = trim(s);
    std::size_t n = 0;
    while (n < s.size() && !is_blank(s[n])) ++n;
    const std::string_view word = s.substr(0, n);
    s.remove_prefix(n);
    return word;
}

// ---- [blob] -------------------------------------------------------------

// The longest key data we read: an RSA key of 16384 bits is under 3 KiB of
// base64; nothing legitimate comes near this.
constexpr std::size_t max_key_base64 = 16 * 1024;

// Strict base64 (RFC 4648, padding optional): nullopt on any other byte.
std::optional<std::string> decode_base64(std::string_view in) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    while (!in.empty() && in.back() == '=' && in.size() % 4 != 1) in.remove_suffix(1);
    if (in.size() % 4 == 1) return std::nullopt;
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        const int v = value(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    return out;
}

// Reads the SSH wire format (RFC 4251): uint32 length, then that many bytes.
class blob_reader {
public:
    explicit blob_reader(std::string_view blob) : rest_(blob) {}
    std::optional<std::string_view> string() {
        if (rest_.size() < 4) return std::nullopt;
        std::uint32_t n = 0;
        for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(rest_[static_cast<std::size_t>(i)]);
        rest_.remove_prefix(4);
        if (n > rest_.size()) return std::nullopt;
        const std::string_view s = rest_.substr(0, n);
        rest_.remove_prefix(n);
        return s;
    }

private:
    std::string_view rest_;
};

// The bit length of an mpint (big-endian, maybe a leading zero byte).
std::size_t mpint_bits(std::string_view m) {
    while (!m.empty() && m.front() == 0) m.remove_prefix(1);
    if (m.empty()) return 0;
    std::size_t bits = m.size() * 8;
    for (auto top = static_cast<unsigned char>(m.front()); (top & 0x80) == 0; top = static_cast<unsigned char>(top << 1)) --bits;
    return bits;
}

// ---- [options] ----------------------------------------------------------

// sshd's restrictions that hold for every key on our server anyway: it
// forwards nothing and runs no ~/.ssh/rc. `pty` permits what we do.
constexpr std::array<std::string_view, 6> enforced_anyway = {"no-port-forwarding", "no-agent-forwarding", "no-x11-forwarding", "no-user-rc",
                                                             "pty",                "restrict"};

bool equal_nocase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
               return lower(x) == lower(y);
           });
}

// The options field ends at the first blank outside double quotes; in
// quotes, \" does not close them (sshd's rules). Returns the field's
// length, or nullopt when a quote is left open.
std::optional<std::size_t> options_length(std::string_view s) {
    bool quoted = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (quoted && s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '"') {
            ++i;
        } else if (s[i] == '"') {
            quoted = !quoted;
        } else if (!quoted && is_blank(s[i])) {
            return i;
        }
    }
    if (quoted) return std::nullopt;
    return s.size();
}

// Applies the comma-separated `options` to `r`, or says why the line is
// refused. Names are case-insensitive, as in sshd.
expected<void, std::string> apply_options(std::string_view options, role& r) {
    std::optional<role> chosen;
    // sshd's `restrict` also forbids a pty unless a later `pty` allows it
    // again; the shell needs one, so `restrict` alone cannot be honoured.
    bool pty_forbidden = false;
    while (!options.empty()) {
        std::size_t end = 0;
        bool quoted = false;
        for (; end < options.size(); ++end) {
            if (quoted && options[end] == '\\' && end + 1 < options.size()) ++end;
            else if (options[end] == '"') quoted = !quoted;
            else if (!quoted && options[end] == ',') break;
        }
        const std::string_view option = options.substr(0, end);
        options.remove_prefix(std::min(end + 1, options.size()));
        const std::size_t eq = option.find('=');
        const std::string_view name = option.substr(0, eq);
        if (name.empty()) return fail("empty option (two commas, or a comma at the end?)");
        if (eq != std::string_view::npos)
            return fail("option " + shown(name) + "= is not supported; the key is refused rather than the restriction ignored");
        if (equal_nocase(name, "admin") || equal_nocase(name, "read-only")) {
            const role wanted = equal_nocase(name, "admin") ? role::admin : role::read_only;
            if (chosen && *chosen != wanted) return fail("both admin and read-only given; choose one");
            chosen = wanted;
        } else if (equal_nocase(name, "no-pty")) {
            return fail("option no-pty cannot be honoured: the shell needs a terminal");
        } else if (std::any_of(enforced_anyway.begin(), enforced_anyway.end(), [&](std::string_view o) { return equal_nocase(name, o); })) {
            if (equal_nocase(name, "restrict")) pty_forbidden = true;
            if (equal_nocase(name, "pty")) pty_forbidden = false;
        } else {
            return fail("option " + shown(name) + " is not supported; the key is refused rather than the option ignored");
        }
    }
    if (pty_forbidden) return fail("option restrict forbids a terminal, which the shell needs; write restrict,pty to keep its other restrictions");
    r = chosen.value_or(role::read_only);
    return {};
}

// ---- [line] -------------------------------------------------------------

bool is_key_type_name(std::string_view word) {
    return !word.empty() && word.size() < 64 && ssh_key_type_from_name(std::string(word).c_str()) != SSH_KEYTYPE_UNKNOWN;
}

// Which declared types we take. DSA is broken and certificates would need a
// CA policy we do not have: both refused with the reason.
expected<ssh_keytypes_e, std::string> accepted_type(std::string_view name) {
    static constexpr std::array<std::string_view, 7> accepted = {
        "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa", "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com"};
    if (std::find(accepted.begin(), accepted.end(), name) != accepted.end()) return ssh_key_type_from_name(std::string(name).c_str());
    if (name == "ssh-dss") return fail("DSA keys (ssh-dss) are not accepted; use an ssh-ed25519 key");
    if (name.find("-cert-") != std::string_view::npos) return fail("certificates (" + shown(name, 64) + ") are not supported; list the plain key");
    return fail("key type " + shown(name, 64) + " is not accepted");
}

expected<authorized_key, std::string> parse_line(std::string_view text) {
    authorized_key out;
    std::string_view rest = trim(text);
    std::string_view first = rest.substr(0, std::min(rest.find_first_of(" \t"), rest.size()));
    if (!is_key_type_name(first)) {
        // Key data where the options or the type should be: a line whose
        // type was lost, not an unknown option.
        if (const auto blob = decode_base64(first); blob && first.size() >= 16) {
            const auto inner = blob_reader(*blob).string();
            if (inner && is_key_type_name(*inner)) return fail("no key type before the key data");
        }
        const auto n = options_length(rest);
        if (!n) return fail("an option's quoted value is not closed");
        if (auto ok = apply_options(rest.substr(0, *n), out.role); !ok) return unexpected(ok.error());
        rest.remove_prefix(*n);
    }
    const std::string_view type_name = next_word(rest);
    if (type_name.empty()) return fail("no key after the options");
    if (!is_key_type_name(type_name)) return fail(shown(type_name) + " is not a key type");
    const auto type = accepted_type(type_name);
    if (!type) return unexpected(type.error());
    const std::string_view data = next_word(rest);
    if (data.empty()) return fail("no key data after " + std::string(type_name));
    if (data.size() > max_key_base64) return fail("the key data is longer than " + std::to_string(max_key_base64) + " bytes");
    out.comment = std::string(trim(rest));

    // libssh's import trusts the declared type and skips the one inside the
    // blob, so the two are compared here (sshd refuses a mismatch too).
    const auto blob = decode_base64(data);
    if (!blob) return fail("the key data is not base64");
    blob_reader reader(*blob);
    const auto inner = reader.string();
    if (!inner) return fail("the key data is too short to be a key");
    if (*inner != type_name) return fail("the key data holds a " + shown(*inner, 64) + " key, not " + std::string(type_name));
    if (*type == SSH_KEYTYPE_RSA) {
        const auto e = reader.string();
        const auto n = e ? reader.string() : std::nullopt;
        if (!n) return fail("the key data is not a whole RSA key");
        if (const std::size_t bits = mpint_bits(*n); bits < authorized_keys::min_rsa_bits)
            return fail("the RSA key has " + std::to_string(bits) + " bits; at least " + std::to_string(authorized_keys::min_rsa_bits) +
                        " are required");
    }
    ssh_key key = nullptr;
    if (ssh_pki_import_pubkey_base64(std::string(data).c_str(), *type, &key) != SSH_OK || key == nullptr)
        return fail("the key data is not a valid " + std::string(type_name) + " key");
    out.key.reset(key);
    out.fingerprint = fingerprint(key);
    if (out.fingerprint.empty()) return fail("the key cannot be hashed");
    return out;
}

// ---- [permissions] ------------------------------------------------------

// Owner and write bits of one file or directory on the way to the keys:
// whoever may write any of them may add a key. Root-owned sticky
// directories (/tmp) let others make files, not replace ours: allowed.
expected<void, std::string> check_owner_and_mode(const struct stat& st, const fs::path& p) {
    const uid_t me = ::geteuid();
    if (st.st_uid != me && st.st_uid != 0)
        return fail("bad ownership: " + p.string() + " belongs to uid " + std::to_string(st.st_uid) + ", not to this user (uid " +
                    std::to_string(me) + ") or root");
    if (S_ISDIR(st.st_mode) && st.st_uid == 0 && (st.st_mode & S_ISVTX) != 0) return {};
    const bool group = (st.st_mode & S_IWGRP) != 0, others = (st.st_mode & S_IWOTH) != 0;
    if (group || others)
        return fail("bad permissions: " + p.string() + " is writable by " + (group && others ? "group and others" : group ? "group" : "others") +
                    " (mode " + octal(st.st_mode) + ")");
    return {};
}

// Every directory from the file's up to /, both as written (a symlink in a
// loose directory could be swapped) and as resolved (where the file is).
expected<void, std::string> check_directories(const fs::path& file) {
    std::error_code ec;
    const fs::path written = fs::absolute(file, ec).lexically_normal();
    if (ec) return fail("cannot check " + file.string() + ": " + ec.message());
    std::vector<fs::path> dirs;
    for (fs::path d = written.parent_path();; d = d.parent_path()) {
        dirs.push_back(d);
        if (d == d.parent_path()) break;
    }
    const fs::path resolved = fs::canonical(written.parent_path(), ec);
    if (ec) return fail("cannot check " + written.parent_path().string() + ": " + ec.message());
    for (fs::path d = resolved;; d = d.parent_path()) {
        if (std::find(dirs.begin(), dirs.end(), d) == dirs.end()) dirs.push_back(d);
        if (d == d.parent_path()) break;
    }
    for (const auto& d : dirs) {
        struct stat st {};
        if (::stat(d.c_str(), &st) != 0) return fail("cannot check " + d.string() + ": " + errno_text(errno));
        if (auto ok = check_owner_and_mode(st, d); !ok) return ok;
    }
    return {};
}

expected<std::string, std::string> read_checked(const fs::path& file) {
    // O_NONBLOCK: a FIFO must not hang the open; fstat refuses it next.
    const protocol::unique_fd fd(::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd) {
        if (errno == ELOOP) return fail(file.string() + " is a symbolic link; give the file itself");
        return fail("cannot open " + file.string() + ": " + errno_text(errno));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return fail("cannot read " + file.string() + ": " + errno_text(errno));
    if (!S_ISREG(st.st_mode)) return fail(file.string() + " is not a regular file");
    if (auto ok = check_owner_and_mode(st, file); !ok) return unexpected(ok.error());
    if (auto ok = check_directories(file); !ok) return unexpected(ok.error());
    if (static_cast<std::uintmax_t>(st.st_size) > authorized_keys::max_file_bytes)
        return fail(file.string() + " is larger than 1 MiB (" + std::to_string(st.st_size) + " bytes)");
    // One byte past the bound tells a file that grew since fstat.
    std::string text(authorized_keys::max_file_bytes + 1, '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        const ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail("cannot read " + file.string() + ": " + errno_text(errno));
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    if (got > authorized_keys::max_file_bytes) return fail(file.string() + " is larger than 1 MiB");
    text.resize(got);
    return text;
}

} // namespace

// ---- [load] -------------------------------------------------------------

std::string_view role_name(role r) noexcept { return r == role::admin ? "admin" : "read-only"; }

std::string fingerprint(ssh_key key) {
    unsigned char* hash = nullptr;
    std::size_t length = 0;
    if (key == nullptr || ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) != SSH_OK) return {};
    // Already "SHA256:" and unpadded base64, the form OpenSSH prints.
    char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
    ssh_clean_pubkey_hash(&hash);
    if (text == nullptr) return {};
    std::string out(text);
    ssh_string_free_char(text);
    return out;
}

expected<authorized_keys, std::string> authorized_keys::parse(std::string_view text, std::string_view name) {
    authorized_keys out;
    // The same key twice is harmless with one role and a contradiction with
    // two; found by fingerprint, since comparing every pair is quadratic.
    std::unordered_map<std::string, std::size_t> seen;
    std::size_t line_no = 0;
    while (!text.empty()) {
        ++line_no;
        const std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const std::string_view content = trim(line);
        if (content.empty() || content.front() == '#') continue;
        const std::string where = std::string(name) + ":" + std::to_string(line_no) + ": ";
        if (content.find('\0') != std::string_view::npos) return fail(where + "the line holds a NUL byte");
        auto key = parse_line(content);
        if (!key) return fail(where + std::move(key).error());
        key->line = line_no;
        if (const auto it = seen.find(key->fingerprint); it != seen.end()) {
            const authorized_key& first = out.keys_[it->second];
            if (first.role != key->role)
                return fail(where + "this key is already on line " + std::to_string(first.line) + " as " + std::string(role_name(first.role)));
        } else {
            seen.emplace(key->fingerprint, out.keys_.size());
        }
        if (out.keys_.size() == max_keys) return fail(where + "more than " + std::to_string(max_keys) + " keys");
        out.keys_.push_back(std::move(*key));
    }
    return out;
}

expected<authorized_keys, std::string> authorized_keys::load(const fs::path& file) {
    auto text = read_checked(file);
    if (!text) return unexpected(std::move(text).error());
    return parse(*text, file.string());
}

const authorized_key* authorized_keys::find(ssh_key offered) const {
    if (offered == nullptr) return nullptr;
    // Linear: at most max_keys comparisons, each a type check and a memcmp
    // of the public parts, once per offered key.
    for (const auto& k : keys_)
        if (ssh_key_cmp(k.key.get(), offered, SSH_KEY_CMP_PUBLIC) == 0) return &k;
    return nullptr;
}

} // namespace ember::remsh
