// Private directories and files: made 0700/0600 whatever the umask, written
// whole or not at all, and refused, in one line naming the path and the
// mode, when looser than that, not ours, or a symbolic link.

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>
#include <vector>

#include "ember/protocol/private_files.hpp"
#include "support/temp_dir.hpp"

namespace ember::protocol {
namespace {

namespace fs = std::filesystem;

class private_files : public ::testing::Test {
protected:
    static unsigned mode_of(const fs::path& p) {
        struct stat st {};
        EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
        return static_cast<unsigned>(st.st_mode & 07777);
    }
    static std::string contents(const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), {}};
    }
    /// No temporary file left beside the real ones.
    void expect_no_temporary() const {
        for (const auto& e : fs::directory_iterator(dir_.path()))
            EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << e.path();
    }
    ember::testing::temp_dir dir_{"ember-private-"};
};

// Sets the umask for one test and restores it.
class umask_scope {
public:
    explicit umask_scope(mode_t m) : old_(::umask(m)) {}
    ~umask_scope() { ::umask(old_); }

private:
    mode_t old_;
};

TEST_F(private_files, a_missing_directory_is_made_0700_with_its_parents) {
    const fs::path d = dir_ / "a" / "b" / "state";
    ASSERT_TRUE(make_private_dir(d, "the state directory").has_value());
    EXPECT_EQ(mode_of(d), 0700u);
    EXPECT_TRUE(make_private_dir(d, "the state directory").has_value()) << "an existing private directory is fine";
}

TEST_F(private_files, a_loose_directory_is_refused_naming_path_and_mode) {
    const fs::path d = dir_ / "state";
    fs::create_directory(d);
    ::chmod(d.c_str(), 0750);
    const auto r = make_private_dir(d, "the state directory");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), "the state directory " + d.string() + " is mode 0750; it must be 0700 (chmod 700 " + d.string() + ")");
}

TEST_F(private_files, a_file_where_the_directory_should_be_is_refused) {
    const fs::path d = dir_ / "state";
    std::ofstream(d) << "x";
    const auto r = make_private_dir(d, "the state directory");
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().find("is not a directory"), std::string::npos) << r.error();
}

TEST_F(private_files, a_written_file_has_the_asked_mode_whatever_the_umask) {
    const umask_scope loose(0); // 0600 must not become 0666, nor 0644 be cut
    const fs::path f = dir_ / "secret";
    auto w = write_private_file(f, "hello\n", "the secret", if_exists::replace);
    ASSERT_TRUE(w.has_value()) << w.error();
    EXPECT_TRUE(*w);
    EXPECT_EQ(mode_of(f), 0600u);
    EXPECT_EQ(contents(f), "hello\n");

    const umask_scope strict(077);
    const fs::path pub = dir_ / "secret.pub";
    ASSERT_TRUE(write_private_file(pub, "public\n", "the public key", if_exists::replace, 0644).has_value());
    EXPECT_EQ(mode_of(pub), 0644u);
    expect_no_temporary();
}

TEST_F(private_files, replace_overwrites_and_keep_leaves_the_first) {
    const fs::path f = dir_ / "token";
    ASSERT_TRUE(*write_private_file(f, "first", "the token file", if_exists::keep));
    auto again = write_private_file(f, "second", "the token file", if_exists::keep);
    ASSERT_TRUE(again.has_value()) << again.error();
    EXPECT_FALSE(*again) << "keep reports that the file was there";
    EXPECT_EQ(contents(f), "first");

    ASSERT_TRUE(*write_private_file(f, "third", "the token file", if_exists::replace));
    EXPECT_EQ(contents(f), "third");
    expect_no_temporary();
}

TEST_F(private_files, concurrent_keep_writers_agree_on_one_content) {
    const fs::path f = dir_ / "token";
    std::vector<std::thread> threads;
    std::atomic<int> winners{0};
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&, i] {
            auto w = write_private_file(f, "writer " + std::to_string(i), "the token file", if_exists::keep);
            if (w && *w) ++winners;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(winners.load(), 1);
    EXPECT_EQ(contents(f).rfind("writer ", 0), 0u);
    expect_no_temporary();
}

TEST_F(private_files, a_symlink_is_replaced_or_kept_but_never_followed) {
    const fs::path target = dir_ / "target";
    std::ofstream(target) << "original";
    const fs::path link = dir_ / "link";
    fs::create_symlink(target, link);

    auto kept = write_private_file(link, "new", "the file", if_exists::keep);
    ASSERT_TRUE(kept.has_value()) << kept.error();
    EXPECT_FALSE(*kept);
    EXPECT_EQ(contents(target), "original");

    ASSERT_TRUE(*write_private_file(link, "new", "the file", if_exists::replace));
    EXPECT_FALSE(fs::is_symlink(link)) << "the link itself was replaced";
    EXPECT_EQ(contents(target), "original");
    EXPECT_EQ(contents(link), "new");
}

TEST_F(private_files, reading_a_missing_file_gives_nothing) {
    auto r = read_private_file(dir_ / "none", 100, "the token file");
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_FALSE(r->has_value());
}

TEST_F(private_files, reading_gives_the_whole_file) {
    const fs::path f = dir_ / "token";
    ASSERT_TRUE(write_private_file(f, "abc\n", "the token file", if_exists::replace).has_value());
    auto r = read_private_file(f, 4, "the token file");
    ASSERT_TRUE(r.has_value()) << r.error();
    ASSERT_TRUE(r->has_value());
    EXPECT_EQ(**r, "abc\n");

    auto too_long = read_private_file(f, 3, "the token file");
    ASSERT_FALSE(too_long.has_value());
    EXPECT_EQ(too_long.error(), "the token file " + f.string() + " is longer than 3 bytes");
}

TEST_F(private_files, a_file_others_may_read_is_refused_naming_path_and_mode) {
    const fs::path f = dir_ / "key";
    ASSERT_TRUE(write_private_file(f, "k", "the host key", if_exists::replace).has_value());
    for (unsigned m : {0640u, 0604u, 0620u, 0602u, 0644u}) {
        ::chmod(f.c_str(), m);
        auto r = read_private_file(f, 100, "the host key");
        ASSERT_FALSE(r.has_value()) << std::oct << m;
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", m);
        EXPECT_EQ(r.error(), "the host key " + f.string() + " is mode " + mode + "; it must be 0600 (chmod 600 " + f.string() + ")");
    }
    ::chmod(f.c_str(), 0400);
    EXPECT_TRUE(read_private_file(f, 100, "the host key").has_value()) << "stricter than 0600 is fine";
}

TEST_F(private_files, a_symlink_or_a_directory_is_refused_when_read) {
    const fs::path target = dir_ / "target";
    ASSERT_TRUE(write_private_file(target, "k", "the key", if_exists::replace).has_value());
    const fs::path link = dir_ / "link";
    fs::create_symlink(target, link);
    auto r = read_private_file(link, 100, "the key");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), "the key " + link.string() + " is a symbolic link; it must be a regular file");

    const fs::path sub = dir_ / "sub";
    fs::create_directory(sub);
    ::chmod(sub.c_str(), 0700);
    auto d = read_private_file(sub, 100, "the key");
    ASSERT_FALSE(d.has_value());
    EXPECT_NE(d.error().find("is not a regular file"), std::string::npos) << d.error();
}

TEST_F(private_files, a_fifo_is_refused_without_hanging) {
    const fs::path fifo = dir_ / "fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    auto r = read_private_file(fifo, 100, "the key");
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().find("is not a regular file"), std::string::npos) << r.error();
}

TEST_F(private_files, writing_into_a_missing_directory_fails_in_one_line) {
    auto r = write_private_file(dir_ / "none" / "file", "x", "the key", if_exists::replace);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().find((dir_ / "none").string()), std::string::npos) << r.error();
    EXPECT_EQ(r.error().find('\n'), std::string::npos) << r.error();
}

} // namespace
} // namespace ember::protocol
