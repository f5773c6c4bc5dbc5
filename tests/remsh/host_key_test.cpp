// The host key: made once (0600 whatever the umask, in OpenSSH's format,
// which OpenSSH's own tools read), the same key on every later start, and
// refused, in one line, when loose, corrupt or not ed25519.

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "host_key.hpp"
#include "support/temp_dir.hpp"

namespace ember::remsh {
namespace {

namespace fs = std::filesystem;

unsigned mode_of(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
    return static_cast<unsigned>(st.st_mode & 07777);
}

std::string contents(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

class host_key_test : public ::testing::Test {
protected:
    host_key made() {
        auto k = load_or_create_host_key(state_);
        EXPECT_TRUE(k.has_value()) << k.error();
        return k ? std::move(*k) : host_key{};
    }
    std::string refused() {
        auto k = load_or_create_host_key(state_);
        EXPECT_FALSE(k.has_value()) << "loaded";
        return k ? std::string() : k.error();
    }
    ember::testing::temp_dir dir_{"ember-hostkey-"};
    const fs::path state_ = dir_ / "state";
};

TEST_F(host_key_test, made_on_first_start_and_the_same_on_the_next) {
    const mode_t old = ::umask(0); // our own mode, not the umask's
    const host_key first = made();
    ::umask(old);
    ASSERT_TRUE(first.key);
    EXPECT_TRUE(first.created);
    EXPECT_EQ(first.file, state_ / "ssh_host_ed25519_key");
    EXPECT_EQ(mode_of(state_), 0700u);
    EXPECT_EQ(mode_of(first.file), 0600u);
    EXPECT_EQ(mode_of(first.public_file), 0644u);
    EXPECT_EQ(ssh_key_type(first.key.get()), SSH_KEYTYPE_ED25519);
    EXPECT_TRUE(ssh_key_is_private(first.key.get()));
    EXPECT_EQ(contents(first.public_file), first.public_line + "\n");
    EXPECT_EQ(first.public_line.rfind("ssh-ed25519 ", 0), 0u);
    EXPECT_EQ(first.public_line.substr(first.public_line.size() - 11), " ember-node");
    EXPECT_EQ(contents(first.file).rfind("-----BEGIN OPENSSH PRIVATE KEY-----\n", 0), 0u);

    const host_key second = made();
    EXPECT_FALSE(second.created);
    EXPECT_EQ(second.fingerprint, first.fingerprint);
    EXPECT_EQ(second.public_line, first.public_line);
    EXPECT_EQ(ssh_key_cmp(first.key.get(), second.key.get(), SSH_KEY_CMP_PRIVATE), 0);
    for (const auto& e : fs::directory_iterator(state_))
        EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << "left behind: " << e.path();
}

TEST_F(host_key_test, openssh_reads_the_files_and_prints_the_same_fingerprint) {
    const host_key k = made();
    // "256 SHA256:xxxx ember-node (ED25519)"
    const std::string listed = ember::testing::command_output("ssh-keygen -E sha256 -lf " + k.public_file.string());
    EXPECT_EQ(listed.rfind("256 " + k.fingerprint + " ember-node (ED25519)", 0), 0u) << listed << " vs " << k.fingerprint;
    // The private key is OpenSSH's format: ssh-keygen derives the same public key.
    std::string derived = ember::testing::command_output("ssh-keygen -y -f " + k.file.string());
    while (!derived.empty() && (derived.back() == '\n' || derived.back() == ' ')) derived.pop_back();
    EXPECT_EQ(derived.substr(0, derived.find(' ', 12)), k.public_line.substr(0, k.public_line.find(' ', 12))) << derived;
}

TEST_F(host_key_test, a_loose_private_key_is_refused) {
    const host_key k = made();
    ::chmod(k.file.c_str(), 0644);
    const std::string why = refused();
    EXPECT_EQ(why, "the host key " + k.file.string() + " is mode 0644; it must be 0600 (chmod 600 " + k.file.string() + ")");
    ::chmod(k.file.c_str(), 0640);
    EXPECT_NE(refused().find("0640"), std::string::npos);
    ::chmod(k.file.c_str(), 0400);
    EXPECT_EQ(made().fingerprint, k.fingerprint) << "stricter is fine";
}

TEST_F(host_key_test, a_loose_state_directory_is_refused_before_any_key_is_made) {
    fs::create_directory(state_);
    ::chmod(state_.c_str(), 0755);
    const std::string why = refused();
    EXPECT_NE(why.find(state_.string() + " is mode 0755; it must be 0700"), std::string::npos) << why;
    EXPECT_FALSE(fs::exists(state_ / "ssh_host_ed25519_key"));
}

TEST_F(host_key_test, a_corrupt_key_is_refused_with_a_clear_error) {
    const host_key k = made();
    for (const std::string& text : {std::string("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"),
                                    std::string("garbage"), std::string()}) {
        {
            std::ofstream out(k.file, std::ios::trunc);
            out << text;
        }
        const std::string why = refused();
        EXPECT_NE(why.find(k.file.string()), std::string::npos) << why;
        EXPECT_NE(why.find("not an unencrypted OpenSSH private key"), std::string::npos) << why;
        EXPECT_EQ(why.find('\n'), std::string::npos) << why;
    }
}

TEST_F(host_key_test, a_key_of_another_type_is_refused) {
    fs::create_directory(state_);
    ::chmod(state_.c_str(), 0700);
    ssh_key ecdsa = nullptr;
    ASSERT_EQ(ssh_pki_generate(SSH_KEYTYPE_ECDSA_P256, 256, &ecdsa), SSH_OK);
    const key_ptr owner(ecdsa);
    char* text = nullptr;
    ASSERT_EQ(ssh_pki_export_privkey_base64(ecdsa, nullptr, nullptr, nullptr, &text), SSH_OK);
    {
        std::ofstream out(state_ / "ssh_host_ed25519_key");
        out << text;
    }
    ssh_string_free_char(text);
    ::chmod((state_ / "ssh_host_ed25519_key").c_str(), 0600);
    const std::string why = refused();
    EXPECT_NE(why.find("is of type ecdsa-sha2-nistp256; it must be ssh-ed25519"), std::string::npos) << why;
}

TEST_F(host_key_test, a_symlinked_key_is_refused) {
    const host_key k = made();
    fs::rename(k.file, dir_ / "elsewhere");
    fs::create_symlink(dir_ / "elsewhere", k.file);
    EXPECT_NE(refused().find("symbolic link"), std::string::npos);
}

TEST_F(host_key_test, a_missing_or_wrong_public_file_is_rewritten) {
    const host_key k = made();
    fs::remove(k.public_file);
    EXPECT_EQ(made().public_line, k.public_line);
    EXPECT_EQ(contents(k.public_file), k.public_line + "\n");

    std::ofstream(k.public_file, std::ios::trunc) << "ssh-ed25519 AAAA someone-else\n";
    made();
    EXPECT_EQ(contents(k.public_file), k.public_line + "\n");
}

TEST_F(host_key_test, no_state_directory_is_refused) {
    auto k = load_or_create_host_key({});
    ASSERT_FALSE(k.has_value());
    EXPECT_NE(k.error().find("state directory"), std::string::npos);
}

} // namespace
} // namespace ember::remsh
