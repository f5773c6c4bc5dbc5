// The host key: read from the state directory, or made there on first start.
//
// Order: the directory (made or checked 0700), then the private key, then
// the .pub derived from it. The private key is written with
// if_exists::keep: when two nodes start at once on one directory, the one
// whose link(2) loses reads the winner's key, so both serve the same
// identity. libssh's own export-to-file is not used: it creates the file
// with the process umask, which may leave it readable for a moment or for
// good.

#include "host_key.hpp"

#include <fcntl.h>
#include <string.h> // explicit_bzero
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "ember/protocol/private_files.hpp"

namespace ember::remsh {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view private_what = "the host key";
constexpr std::string_view public_what = "the host public key";

// An OpenSSH ed25519 private key is about 400 bytes; anything near this
// bound is not one.
constexpr std::size_t max_private_key_bytes = 64 * 1024;

unexpected<std::string> fail(std::string text) { return unexpected(std::move(text)); }

// Secret bytes are wiped before their memory goes back to the allocator.
class secret_text {
public:
    secret_text() = default;
    explicit secret_text(std::string s) : text_(std::move(s)) {}
    ~secret_text() { wipe(); }
    secret_text(const secret_text&) = delete;
    secret_text& operator=(const secret_text&) = delete;
    secret_text& operator=(std::string s) {
        wipe();
        text_ = std::move(s);
        return *this;
    }
    const std::string& get() const { return text_; }

private:
    void wipe() { explicit_bzero(text_.data(), text_.size()); }
    std::string text_;
};

// Frees a string libssh allocated, wiping it first when it is secret.
struct libssh_text {
    char* p = nullptr;
    bool secret = false;
    ~libssh_text() {
        if (p == nullptr) return;
        if (secret) explicit_bzero(p, std::char_traits<char>::length(p));
        ssh_string_free_char(p);
    }
};

expected<key_ptr, std::string> import_private(const secret_text& text, const fs::path& file) {
    ssh_key raw = nullptr;
    if (ssh_pki_import_privkey_base64(text.get().c_str(), nullptr, nullptr, nullptr, &raw) != SSH_OK || raw == nullptr)
        return fail("the host key " + file.string() +
                    " is not an unencrypted OpenSSH private key (corrupt, or has a passphrase); move it away to make a new one");
    key_ptr key(raw);
    if (ssh_key_type(key.get()) != SSH_KEYTYPE_ED25519) {
        const char* type = ssh_key_type_to_char(ssh_key_type(key.get()));
        return fail("the host key " + file.string() + " is of type " + (type != nullptr ? type : "unknown") +
                    "; it must be ssh-ed25519 (move it away to make a new one)");
    }
    if (ssh_key_is_private(key.get()) == 0) return fail("the host key " + file.string() + " holds no private key");
    return key;
}

// A fresh ed25519 key and its OpenSSH private key text.
expected<key_ptr, std::string> generate(secret_text& text) {
    ssh_key raw = nullptr;
    if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &raw) != SSH_OK || raw == nullptr) return fail("cannot generate an ed25519 host key");
    key_ptr key(raw);
    // For ed25519, libssh 0.10 always exports OpenSSH's format (not PEM).
    libssh_text b64;
    b64.secret = true;
    if (ssh_pki_export_privkey_base64(key.get(), nullptr, nullptr, nullptr, &b64.p) != SSH_OK || b64.p == nullptr)
        return fail("cannot export the new host key");
    text = std::string(b64.p);
    return key;
}

// The public file as it is, or nullopt when missing or unreadable (then it
// is rewritten). Never followed if it is a symbolic link.
std::optional<std::string> read_public(const fs::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::string text(4096, '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    text.resize(got);
    return text;
}

} // namespace

expected<host_key, std::string> load_or_create_host_key(const fs::path& state_dir) {
    if (state_dir.empty()) return fail("no state directory given for the host key");
    if (auto ok = protocol::make_private_dir(state_dir, "the state directory"); !ok) return unexpected(ok.error());
    host_key out;
    out.file = state_dir / host_key_file_name;
    out.public_file = state_dir / host_public_key_file_name;

    // Twice at most: a missing key is made (by us, or by a node that won the
    // race, whose key is then read).
    for (int attempt = 0; attempt < 2 && !out.key; ++attempt) {
        auto read = protocol::read_private_file(out.file, max_private_key_bytes, private_what);
        if (!read) return unexpected(std::move(read).error());
        if (*read) {
            const secret_text text(std::move(**read));
            auto key = import_private(text, out.file);
            if (!key) return unexpected(std::move(key).error());
            out.key = std::move(*key);
            continue;
        }
        secret_text text;
        auto key = generate(text);
        if (!key) return unexpected(std::move(key).error());
        auto written = protocol::write_private_file(out.file, text.get(), private_what, protocol::if_exists::keep, 0600);
        if (!written) return unexpected(std::move(written).error());
        if (*written) {
            out.key = std::move(*key);
            out.created = true;
        }
    }
    if (!out.key) return fail("the host key " + out.file.string() + " disappeared while it was being made");

    libssh_text pub;
    if (ssh_pki_export_pubkey_base64(out.key.get(), &pub.p) != SSH_OK || pub.p == nullptr)
        return fail("cannot export the public part of the host key " + out.file.string());
    out.public_line = "ssh-ed25519 " + std::string(pub.p) + " " + std::string(host_key_comment);
    out.fingerprint = fingerprint(out.key.get());
    if (out.fingerprint.empty()) return fail("cannot hash the host key " + out.file.string());

    // The .pub is derived data: rewritten whenever it does not match, so it
    // never tells an operator a key the node does not use.
    const std::string public_text = out.public_line + "\n";
    if (read_public(out.public_file) != public_text) {
        auto written = protocol::write_private_file(out.public_file, public_text, public_what, protocol::if_exists::replace, 0644);
        if (!written) return unexpected(std::move(written).error());
    }
    return out;
}

} // namespace ember::remsh
