// The SSH shell's command history (remsh/src/history.hpp): loading with bad
// lines skipped and the limit applied, appending, the rewrite past twice
// the limit (keeping other sessions' lines), file modes and the refusals
// (symbolic links, loose modes, unwritable places), in a fresh directory
// per test.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "history.hpp"
#include "support/temp_dir.hpp"

namespace ember::remsh {
namespace {

namespace fs = std::filesystem;
using lines = std::vector<std::string>;

class History : public ::testing::Test {
protected:
    std::string read(const fs::path& p) const {
        std::ifstream in(p, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    }
    void write(const fs::path& p, const std::string& text, mode_t mode = 0600) const {
        std::ofstream(p, std::ios::binary) << text;
        ::chmod(p.c_str(), mode);
    }
    /// The history file holding `count` lines: prefix0, prefix1, ...
    void write_numbered(const std::string& prefix, int count) const {
        std::string text;
        for (int i = 0; i < count; ++i) text += prefix + std::to_string(i) + "\n";
        write(file_, text);
    }
    static unsigned mode_of(const fs::path& p) {
        struct stat st {};
        EXPECT_EQ(::lstat(p.c_str(), &st), 0);
        return st.st_mode & 07777;
    }
    std::size_t files_in_dir() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_.path()), fs::directory_iterator())); }

    ember::testing::temp_dir dir_{"ember_history_test_"};
    const fs::path file_ = dir_ / "history";
};

TEST_F(History, AMissingFileIsAnEmptyHistory) {
    history h(file_);
    ASSERT_TRUE(h.load());
    EXPECT_TRUE(h.entries().empty());
    EXPECT_FALSE(fs::exists(file_)) << "loading makes nothing";
}

TEST_F(History, AddAppendsToAFileMadeMode0600) {
    const mode_t old = ::umask(0);
    history h(file_);
    ASSERT_TRUE(h.load());
    ASSERT_TRUE(h.add("one"));
    ASSERT_TRUE(h.add("t\xc3\xa9o"));
    ::umask(old);
    EXPECT_EQ(read(file_), "one\nt\xc3\xa9o\n");
    EXPECT_EQ(mode_of(file_), 0600u);
    EXPECT_EQ(h.entries(), (lines{"one", "t\xc3\xa9o"}));

    history again(file_);
    ASSERT_TRUE(again.load());
    EXPECT_EQ(again.entries(), h.entries()) << "kept across sessions";
}

TEST_F(History, LoadSkipsBadLines) {
    write(file_, "good\n\x01"
                 "bad\ntab\there\n" +
                     std::string(5000, 'x') + "\n" + std::string(4096, 'y') +
                     "\n"
                     "\xff\xfe\n"
                     "\n"
                     "crlf\r\n"
                     "caf\xc3\xa9\n"
                     "c1\xc2\x85\n"
                     "esc\x1b[2J\n"
                     "no newline at the end");
    history h(file_);
    ASSERT_TRUE(h.load());
    EXPECT_EQ(h.entries(), (lines{"good", std::string(4096, 'y'), "crlf", "caf\xc3\xa9", "no newline at the end"}));
}

TEST_F(History, LoadKeepsTheNewestLimit) {
    write_numbered("cmd", 10);
    history h(file_, 3);
    ASSERT_TRUE(h.load());
    EXPECT_EQ(h.entries(), (lines{"cmd7", "cmd8", "cmd9"}));
}

TEST_F(History, AHugeFileIsReadFromItsTailAndRewrittenOnTheNextAdd) {
    write_numbered("line", 20000);
    history h(file_, 2);
    ASSERT_TRUE(h.load());
    EXPECT_EQ(h.entries(), (lines{"line19998", "line19999"}));
    ASSERT_TRUE(h.add("new"));
    EXPECT_EQ(read(file_), "line19999\nnew\n");
}

TEST_F(History, TheEntriesInMemoryKeepTheLimit) {
    history h(file_, 2);
    for (const char* l : {"a", "b", "c"}) ASSERT_TRUE(h.add(l));
    EXPECT_EQ(h.entries(), (lines{"b", "c"}));
}

TEST_F(History, TheFileIsRewrittenPastTwiceTheLimit) {
    history h(file_, 3);
    ASSERT_TRUE(h.load());
    for (int i = 1; i <= 6; ++i) ASSERT_TRUE(h.add(std::to_string(i)));
    EXPECT_EQ(read(file_), "1\n2\n3\n4\n5\n6\n") << "up to twice the limit: appended only";
    ASSERT_TRUE(h.add("7"));
    EXPECT_EQ(read(file_), "5\n6\n7\n");
    EXPECT_EQ(mode_of(file_), 0600u);
    EXPECT_EQ(files_in_dir(), 1u) << "no temporary file left";
    for (int i = 8; i <= 13; ++i) ASSERT_TRUE(h.add(std::to_string(i)));
    // Rewritten again at "11" (3 + 4 lines), then appended to.
    EXPECT_EQ(read(file_), "9\n10\n11\n12\n13\n") << "the count restarts from what was written";
}

TEST_F(History, TheRewriteKeepsOtherSessionsLines) {
    history a(file_, 2);
    history b(file_, 2);
    ASSERT_TRUE(a.load());
    ASSERT_TRUE(b.load());
    for (const char* l : {"a1", "a2", "a3", "a4"}) ASSERT_TRUE(a.add(l));
    ASSERT_TRUE(b.add("b1"));
    ASSERT_TRUE(a.add("a5")); // a's fifth line: past 2 * 2, rewritten from the file
    EXPECT_EQ(read(file_), "b1\na5\n");
    EXPECT_EQ(a.entries(), (lines{"a4", "a5"})) << "each session recalls its own lines";
    EXPECT_EQ(b.entries(), (lines{"b1"}));
}

TEST_F(History, AFileEndingMidLineGetsItsNewlineFirst) {
    write(file_, "old\nhalf");
    history h(file_);
    ASSERT_TRUE(h.load());
    ASSERT_TRUE(h.add("new"));
    EXPECT_EQ(read(file_), "old\nhalf\nnew\n");
}

TEST_F(History, BadLinesAreNotAdded) {
    history h(file_);
    EXPECT_FALSE(h.add(""));
    EXPECT_FALSE(h.add("a\nb"));
    EXPECT_FALSE(h.add("bell\a"));
    EXPECT_FALSE(h.add(std::string(4097, 'x')));
    EXPECT_FALSE(h.add("\xc3"));
    EXPECT_TRUE(h.entries().empty());
    EXPECT_FALSE(fs::exists(file_));
}

TEST_F(History, ASymbolicLinkIsRefusedAndNotFollowed) {
    const fs::path target = dir_ / "target";
    write(target, "secret\n");
    fs::create_symlink(target, file_);
    history h(file_);
    const auto loaded = h.load();
    ASSERT_FALSE(loaded);
    EXPECT_NE(loaded.error().find("symbolic link"), std::string::npos) << loaded.error();
    EXPECT_TRUE(h.entries().empty());
    const auto added = h.add("cmd");
    ASSERT_FALSE(added);
    EXPECT_NE(added.error().find("symbolic link"), std::string::npos) << added.error();
    EXPECT_EQ(h.entries(), (lines{"cmd"})) << "still recalled in this session";
    EXPECT_EQ(read(target), "secret\n");
}

TEST_F(History, ADanglingSymbolicLinkIsNotCreatedThrough) {
    const fs::path target = dir_ / "planted";
    fs::create_symlink(target, file_);
    history h(file_);
    EXPECT_FALSE(h.add("cmd"));
    EXPECT_FALSE(fs::exists(target));
}

TEST_F(History, ALooseModeIsRefused) {
    write(file_, "cmd\n", 0644);
    history h(file_);
    const auto loaded = h.load();
    ASSERT_FALSE(loaded);
    EXPECT_NE(loaded.error().find("0644"), std::string::npos) << loaded.error();
    EXPECT_FALSE(h.add("more"));
    EXPECT_EQ(read(file_), "cmd\n");
}

TEST_F(History, AnUnwritablePlaceGivesAnErrorButTheEntryIsKept) {
    history h(dir_ / "no-such-dir" / "history");
    ASSERT_TRUE(h.load());
    const auto added = h.add("cmd");
    ASSERT_FALSE(added);
    EXPECT_NE(added.error().find("no-such-dir"), std::string::npos) << added.error();
    EXPECT_EQ(h.entries(), (lines{"cmd"}));
}

TEST_F(History, ADirectoryInItsPlaceIsRefused) {
    fs::create_directory(file_);
    history h(file_);
    EXPECT_FALSE(h.load());
    EXPECT_FALSE(h.add("cmd"));
}

TEST_F(History, AnEmptyPathKeepsTheHistoryInMemory) {
    history h({});
    ASSERT_TRUE(h.load());
    ASSERT_TRUE(h.add("cmd"));
    EXPECT_EQ(h.entries(), (lines{"cmd"}));
    EXPECT_EQ(files_in_dir(), 0u);
}

TEST(HistoryLine, IsPrintableLine) {
    EXPECT_TRUE(is_printable_line(""));
    EXPECT_TRUE(is_printable_line("ls -l ~/x"));
    EXPECT_TRUE(is_printable_line("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc2\xa0"));
    EXPECT_FALSE(is_printable_line("a\tb"));
    EXPECT_FALSE(is_printable_line("a\x7f"));
    EXPECT_FALSE(is_printable_line(std::string("a\0b", 3)));
    EXPECT_FALSE(is_printable_line("\xc2\x9b[2J")) << "C1 CSI";
    EXPECT_FALSE(is_printable_line("\xc0\xaf")) << "overlong";
    EXPECT_FALSE(is_printable_line("\xed\xa0\x80")) << "surrogate";
    EXPECT_FALSE(is_printable_line("\xf4\x90\x80\x80")) << "past U+10FFFF";
    EXPECT_FALSE(is_printable_line("\xe2\x82")) << "cut short";
    EXPECT_FALSE(is_printable_line("\x80"));
}

} // namespace
} // namespace ember::remsh
