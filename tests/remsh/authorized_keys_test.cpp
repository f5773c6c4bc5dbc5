// authorized_keys: OpenSSH's format with our roles, every option either
// honoured or the file refused, fingerprints as ssh-keygen prints them, and
// sshd's StrictModes checks on the file and the directories above it.

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "authorized_keys.hpp"
#include "support/temp_dir.hpp"

namespace ember::remsh {
namespace {

namespace fs = std::filesystem;

key_ptr generate(ssh_keytypes_e type, int bits = 0) {
    ssh_key k = nullptr;
    EXPECT_EQ(ssh_pki_generate(type, bits, &k), SSH_OK);
    return key_ptr(k);
}

std::string base64_of(ssh_key k) {
    char* b64 = nullptr;
    EXPECT_EQ(ssh_pki_export_pubkey_base64(k, &b64), SSH_OK);
    std::string out(b64 != nullptr ? b64 : "");
    ssh_string_free_char(b64);
    return out;
}

std::string line_of(ssh_key k, std::string_view options = "", std::string_view comment = "") {
    std::string line(options);
    if (!line.empty()) line += ' ';
    line += ssh_key_type_to_char(ssh_key_type(k));
    line += ' ';
    line += base64_of(k);
    if (!comment.empty()) line += " " + std::string(comment);
    return line;
}

class authorized_keys_test : public ::testing::Test {
protected:
    fs::path write(const std::string& text, unsigned mode = 0600, const std::string& name = "authorized_keys") {
        const fs::path f = dir_ / name;
        std::ofstream(f, std::ios::binary | std::ios::trunc) << text;
        ::chmod(f.c_str(), mode);
        return f;
    }
    /// The error of a file that must not load.
    std::string refused(const std::string& text) {
        auto k = authorized_keys::parse(text, "keys");
        EXPECT_FALSE(k.has_value()) << "loaded: " << text;
        return k ? std::string() : k.error();
    }
    ember::testing::temp_dir dir_{"ember-keys-"};
};

TEST_F(authorized_keys_test, keys_roles_comments_and_line_numbers) {
    const auto ed = generate(SSH_KEYTYPE_ED25519);
    const auto ec = generate(SSH_KEYTYPE_ECDSA_P256, 256);
    const auto rsa = generate(SSH_KEYTYPE_RSA, 2048);
    const auto other = generate(SSH_KEYTYPE_ED25519);
    const std::string text = "# ops team\n"
                             "\n" +
                             line_of(ed.get(), "admin", "alice@laptop two words") + "\n" +            // line 3
                             "   \t\n" + line_of(ec.get(), "", "bob") + "\r\n" +                      // line 5, CRLF
                             "  # indented comment\n" + line_of(rsa.get(), "read-only") + "\n";     // line 7
    const fs::path f = write(text);
    auto keys = authorized_keys::load(f);
    ASSERT_TRUE(keys.has_value()) << keys.error();
    EXPECT_EQ(keys->size(), 3u);

    const authorized_key* a = keys->find(ed.get());
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->role, role::admin);
    EXPECT_EQ(a->comment, "alice@laptop two words");
    EXPECT_EQ(a->line, 3u);
    EXPECT_EQ(a->fingerprint, fingerprint(ed.get()));

    const authorized_key* b = keys->find(ec.get());
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->role, role::read_only) << "read-only is the default";
    EXPECT_EQ(b->comment, "bob");
    EXPECT_EQ(b->line, 5u);

    const authorized_key* c = keys->find(rsa.get());
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->role, role::read_only);
    EXPECT_EQ(c->line, 7u);

    EXPECT_EQ(keys->find(other.get()), nullptr);
    EXPECT_EQ(keys->find(nullptr), nullptr);
    EXPECT_EQ(role_name(role::admin), "admin");
    EXPECT_EQ(role_name(role::read_only), "read-only");
}

TEST_F(authorized_keys_test, every_accepted_key_type) {
    for (auto [type, bits] : {std::pair{SSH_KEYTYPE_ED25519, 0}, {SSH_KEYTYPE_ECDSA_P256, 256}, {SSH_KEYTYPE_ECDSA_P384, 384},
                              {SSH_KEYTYPE_ECDSA_P521, 521}, {SSH_KEYTYPE_RSA, 3072}}) {
        const auto k = generate(type, bits);
        auto keys = authorized_keys::parse(line_of(k.get()), "keys");
        ASSERT_TRUE(keys.has_value()) << ssh_key_type_to_char(type) << ": " << keys.error();
        EXPECT_NE(keys->find(k.get()), nullptr) << ssh_key_type_to_char(type);
    }
}

TEST_F(authorized_keys_test, a_security_key_is_accepted) {
    // sk-ssh-ed25519@openssh.com: type, 32-byte public key, application.
    auto put = [](std::string& blob, std::string_view s) {
        for (int shift : {24, 16, 8, 0}) blob += static_cast<char>((s.size() >> shift) & 0xff);
        blob += s;
    };
    std::string blob;
    put(blob, "sk-ssh-ed25519@openssh.com");
    put(blob, std::string(32, '\x42'));
    put(blob, "ssh:");
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string b64;
    for (std::size_t i = 0; i < blob.size(); i += 3) {
        unsigned v = static_cast<unsigned char>(blob[i]) << 16;
        if (i + 1 < blob.size()) v |= static_cast<unsigned char>(blob[i + 1]) << 8;
        if (i + 2 < blob.size()) v |= static_cast<unsigned char>(blob[i + 2]);
        b64 += alphabet[(v >> 18) & 63];
        b64 += alphabet[(v >> 12) & 63];
        b64 += i + 1 < blob.size() ? alphabet[(v >> 6) & 63] : '=';
        b64 += i + 2 < blob.size() ? alphabet[v & 63] : '=';
    }
    auto keys = authorized_keys::parse("admin sk-ssh-ed25519@openssh.com " + b64 + " yubikey\n", "keys");
    ASSERT_TRUE(keys.has_value()) << keys.error();
    EXPECT_EQ(keys->keys().at(0).role, role::admin);
    EXPECT_EQ(keys->keys().at(0).comment, "yubikey");
}

TEST_F(authorized_keys_test, the_fingerprint_is_what_ssh_keygen_prints) {
    for (auto [type, bits] : {std::pair{SSH_KEYTYPE_ED25519, 0}, {SSH_KEYTYPE_ECDSA_P384, 384}, {SSH_KEYTYPE_RSA, 2048}}) {
        const auto k = generate(type, bits);
        const fs::path pub = write(line_of(k.get(), "", "test") + "\n", 0644, "key.pub");
        // "256 SHA256:xxxx test (ED25519)"
        const std::string out = ember::testing::command_output("ssh-keygen -E sha256 -lf " + pub.string());
        const std::size_t sp = out.find(' ');
        ASSERT_NE(sp, std::string::npos) << "ssh-keygen said: " << out;
        const std::string expected = out.substr(sp + 1, out.find(' ', sp + 1) - sp - 1);
        EXPECT_EQ(fingerprint(k.get()), expected) << ssh_key_type_to_char(type);
        EXPECT_EQ(fingerprint(k.get()).rfind("SHA256:", 0), 0u);
    }
    EXPECT_EQ(fingerprint(nullptr), "");
}

TEST_F(authorized_keys_test, restrictions_we_enforce_anyway_are_accepted) {
    const auto k = generate(SSH_KEYTYPE_ED25519);
    auto keys = authorized_keys::parse(
        line_of(k.get(), "restrict,pty,no-port-forwarding,no-agent-forwarding,No-X11-Forwarding,no-user-rc,ADMIN", "c") + "\n", "keys");
    ASSERT_TRUE(keys.has_value()) << keys.error();
    EXPECT_EQ(keys->keys().at(0).role, role::admin);
}

TEST_F(authorized_keys_test, any_other_option_refuses_the_file_naming_line_and_option) {
    const auto k = generate(SSH_KEYTYPE_ED25519);
    const std::string b64 = base64_of(k.get());
    const std::pair<std::string, std::string> cases[] = {
        {R"(command="echo hi, there" )", "command="},
        {R"(from="10.0.0.0/8" )", "from="},
        {R"(permitopen="localhost:80",admin )", "permitopen="},
        {R"(environment="A=b" )", "environment="},
        {"cert-authority ", "cert-authority"},
        {"admin,frobnicate ", "frobnicate"},
        {"no-pty ", "no-pty"},
        {"restrict ", "restrict"},
        {"pty,restrict ", "restrict"},
        {"admin,read-only ", "both admin and read-only"},
        {"admin,,read-only ", "empty option"},
        {R"(command="unclosed )", "not closed"},
    };
    for (const auto& [options, named] : cases) {
        const std::string why = refused("# first\n" + options + "ssh-ed25519 " + b64 + " c\n");
        EXPECT_EQ(why.rfind("keys:2: ", 0), 0u) << why;
        EXPECT_NE(why.find(named), std::string::npos) << options << " -> " << why;
        EXPECT_EQ(why.find(b64.substr(20, 20)), std::string::npos) << "the key data is not echoed: " << why;
        EXPECT_EQ(why.find('\n'), std::string::npos) << why;
    }
}

TEST_F(authorized_keys_test, a_line_that_does_not_parse_says_why) {
    const auto ed = generate(SSH_KEYTYPE_ED25519);
    const auto ec = generate(SSH_KEYTYPE_ECDSA_P256, 256);
    const auto small_rsa = generate(SSH_KEYTYPE_RSA, 1024);
    const std::string ed64 = base64_of(ed.get());
    const std::pair<std::string, std::string> cases[] = {
        {"ecdsa-sha2-nistp256 " + ed64, "holds a ssh-ed25519 key, not ecdsa-sha2-nistp256"},
        {"ssh-rsa " + ed64, "holds a ssh-ed25519 key, not ssh-rsa"},
        {"ssh-ed25519 " + base64_of(ec.get()), "not ssh-ed25519"},
        {"ssh-ed25519 not*base64", "not base64"},
        {"ssh-ed25519 " + ed64.substr(0, 40), "not a valid ssh-ed25519 key"},
        {"ssh-ed25519 AAAA", "too short"},
        {"ssh-ed25519", "no key data"},
        {"admin", "no key after the options"},
        {"admin frob " + ed64, "frob is not a key type"},
        {"ssh-dss " + ed64, "DSA"},
        {"ssh-ed25519-cert-v01@openssh.com " + ed64, "certificates"},
        {line_of(small_rsa.get()), "1024 bits; at least 2048"},
        {ed64 + " no type", "no key type before the key data"},
        {"AAAAB3NzaC1yc2EAAAADAQABAAABAQ", "no key type before the key data"},
        {std::string(40, 'z') + " " + ed64, "option " + std::string(32, 'z') + "... is not supported"}, // cut short
        {"ssh-ed25519 " + std::string(20000, 'A'), "longer than"},
    };
    for (const auto& [line, why_part] : cases) {
        const std::string why = refused(line_of(ed.get()) + "\n" + line + "\n");
        EXPECT_EQ(why.rfind("keys:2: ", 0), 0u) << why;
        EXPECT_NE(why.find(why_part), std::string::npos) << line.substr(0, 40) << " -> " << why;
        EXPECT_EQ(why.find(ed64.substr(40)), std::string::npos) << "the key data is not echoed: " << why;
        EXPECT_LT(why.size(), 200u) << why;
    }
    EXPECT_NE(refused("ssh-ed25519 " + ed64 + std::string(" a\0b\n", 5)).find("NUL"), std::string::npos);
}

TEST_F(authorized_keys_test, one_key_with_two_roles_is_refused) {
    const auto k = generate(SSH_KEYTYPE_ED25519);
    const std::string why = refused(line_of(k.get(), "admin") + "\n" + line_of(k.get(), "read-only") + "\n");
    EXPECT_EQ(why, "keys:2: this key is already on line 1 as admin");

    auto twice = authorized_keys::parse(line_of(k.get(), "admin", "a") + "\n" + line_of(k.get(), "admin", "b") + "\n", "keys");
    ASSERT_TRUE(twice.has_value()) << twice.error();
    EXPECT_EQ(twice->find(k.get())->comment, "a") << "the first line wins";
}

TEST_F(authorized_keys_test, the_file_and_key_counts_are_bounded) {
    const auto k = generate(SSH_KEYTYPE_ED25519);
    const std::string line = line_of(k.get()) + "\n";
    std::string text;
    for (std::size_t i = 0; i < authorized_keys::max_keys; ++i) text += line;
    EXPECT_TRUE(authorized_keys::parse(text, "keys").has_value());
    text += line;
    EXPECT_NE(refused(text).find("more than 10000 keys"), std::string::npos);

    const fs::path big = write(std::string(authorized_keys::max_file_bytes + 1, '#'));
    auto r = authorized_keys::load(big);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().find("larger than 1 MiB"), std::string::npos) << r.error();
}

TEST_F(authorized_keys_test, an_empty_file_loads_and_lets_nobody_in) {
    auto keys = authorized_keys::load(write("# nobody yet\n"));
    ASSERT_TRUE(keys.has_value()) << keys.error();
    EXPECT_EQ(keys->size(), 0u);
}

TEST_F(authorized_keys_test, a_file_others_may_write_is_refused) {
    const auto k = generate(SSH_KEYTYPE_ED25519);
    const fs::path f = write(line_of(k.get()) + "\n", 0664);
    auto r = authorized_keys::load(f);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), "bad permissions: " + f.string() + " is writable by group (mode 0664)");

    ::chmod(f.c_str(), 0646);
    EXPECT_EQ(authorized_keys::load(f).error(), "bad permissions: " + f.string() + " is writable by others (mode 0646)");
    ::chmod(f.c_str(), 0666);
    EXPECT_EQ(authorized_keys::load(f).error(), "bad permissions: " + f.string() + " is writable by group and others (mode 0666)");
    ::chmod(f.c_str(), 0644);
    EXPECT_TRUE(authorized_keys::load(f).has_value()) << "others may read a public key";
}

TEST_F(authorized_keys_test, a_directory_above_that_others_may_write_is_refused) {
    const auto k = generate(SSH_KEYTYPE_ED25519);
    const fs::path sub = dir_ / "a" / "b";
    fs::create_directories(sub);
    ::chmod((dir_ / "a").c_str(), 0775);
    ::chmod(sub.c_str(), 0755);
    const fs::path f = sub / "keys";
    std::ofstream(f) << line_of(k.get()) << "\n";
    ::chmod(f.c_str(), 0600);
    auto r = authorized_keys::load(f);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), "bad permissions: " + (dir_ / "a").string() + " is writable by group (mode 0775)");

    // Through a symlink: the directory holding the link counts too.
    ::chmod((dir_ / "a").c_str(), 0755);
    const fs::path loose = dir_ / "loose";
    fs::create_directory(loose);
    ::chmod(loose.c_str(), 0777);
    fs::create_directory_symlink(sub, loose / "link");
    auto via = authorized_keys::load(loose / "link" / "keys");
    ASSERT_FALSE(via.has_value());
    EXPECT_NE(via.error().find(loose.string() + " is writable by group and others"), std::string::npos) << via.error();
    EXPECT_TRUE(authorized_keys::load(f).has_value());
}

TEST_F(authorized_keys_test, only_a_root_owned_sticky_directory_may_be_open_to_all) {
    const auto k = generate(SSH_KEYTYPE_ED25519);
    const fs::path sticky = dir_ / "sticky";
    fs::create_directory(sticky);
    ::chmod(sticky.c_str(), 01777);
    const fs::path f = sticky / "keys";
    std::ofstream(f) << line_of(k.get()) << "\n";
    ::chmod(f.c_str(), 0600);
    auto r = authorized_keys::load(f);
    if (::geteuid() == 0) {
        EXPECT_TRUE(r.has_value()) << "root-owned and sticky, like /tmp: " << r.error();
    } else {
        ASSERT_FALSE(r.has_value()) << "sticky but ours, not root's";
        EXPECT_NE(r.error().find("mode 1777"), std::string::npos) << r.error();
    }
}

TEST_F(authorized_keys_test, a_file_of_another_user_is_refused) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a file away";
    const auto k = generate(SSH_KEYTYPE_ED25519);
    const fs::path f = write(line_of(k.get()) + "\n");
    ASSERT_EQ(::chown(f.c_str(), 4242, 4242), 0);
    auto r = authorized_keys::load(f);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), "bad ownership: " + f.string() + " belongs to uid 4242, not to this user (uid 0) or root");
}

TEST_F(authorized_keys_test, a_symlink_a_directory_or_a_missing_file_is_refused) {
    const auto k = generate(SSH_KEYTYPE_ED25519);
    const fs::path f = write(line_of(k.get()) + "\n");
    fs::create_symlink(f, dir_ / "link");
    auto link = authorized_keys::load(dir_ / "link");
    ASSERT_FALSE(link.has_value());
    EXPECT_NE(link.error().find("symbolic link"), std::string::npos) << link.error();

    auto d = authorized_keys::load(dir_.path());
    ASSERT_FALSE(d.has_value());
    EXPECT_NE(d.error().find("not a regular file"), std::string::npos) << d.error();

    auto missing = authorized_keys::load(dir_ / "none");
    ASSERT_FALSE(missing.has_value());
    EXPECT_NE(missing.error().find((dir_ / "none").string()), std::string::npos) << missing.error();
}

} // namespace
} // namespace ember::remsh
