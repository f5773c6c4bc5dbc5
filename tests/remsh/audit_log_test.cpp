// The audit log: one ASCII line per event whatever the input, values
// escaped and capped, the file private and appended to across restarts,
// whole lines from concurrent writers.

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "audit_log.hpp"
#include "support/temp_dir.hpp"

namespace ember::remsh {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// 2026-12-02T10:15:04.123Z
const std::chrono::system_clock::time_point when = std::chrono::system_clock::time_point(1796206504123ms);
const std::string stamp = "2026-12-02T10:15:04.123Z";

std::string line(std::string_view event, std::initializer_list<audit_field> fields) {
    return format_line(when, event, std::span<const audit_field>(fields.begin(), fields.size()));
}

std::vector<std::string> lines_of(const fs::path& p) {
    std::ifstream in(p);
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

TEST(audit_log_format, time_event_and_plain_values) {
    EXPECT_EQ(line("auth", {{"peer", "127.0.0.1:50312"}, {"user", "ops"}, {"key", "SHA256:ab+/cd"}, {"role", "admin"}, {"outcome", "accepted"}}),
              stamp + " event=auth peer=127.0.0.1:50312 user=ops key=SHA256:ab+/cd role=admin outcome=accepted\n");
    EXPECT_EQ(line("connect", {}), stamp + " event=connect\n");
    // Before 1970 the milliseconds still count up from the second.
    EXPECT_EQ(format_line(std::chrono::system_clock::time_point(-1ms), "x", {}), "1969-12-31T23:59:59.999Z event=x\n");
}

TEST(audit_log_format, values_with_blanks_quotes_or_nothing_are_quoted_and_escaped) {
    EXPECT_EQ(line("command", {{"command", "processes --sort memory"}}), stamp + " event=command command=\"processes --sort memory\"\n");
    EXPECT_EQ(line("x", {{"a", R"(say "hi")"}}), stamp + R"( event=x a="say \"hi\"")" + "\n");
    EXPECT_EQ(line("x", {{"a", R"(back\slash)"}}), stamp + R"( event=x a="back\\slash")" + "\n");
    EXPECT_EQ(line("x", {{"error", ""}}), stamp + " event=x error=\"\"\n");
    // A value cannot pose as another key: the '=' stays inside the quotes.
    EXPECT_EQ(line("x", {{"user", "a role=admin"}}), stamp + " event=x user=\"a role=admin\"\n");
}

TEST(audit_log_format, control_and_non_ascii_bytes_are_escaped_so_one_event_is_one_line) {
    const std::string nasty = std::string("a\nb\r\x1b[31m\t\x7f") + '\0' + "\xc3\xa9";
    const std::string l = line("command", {{"command", nasty}, {"user", "x\ny"}});
    EXPECT_EQ(l, stamp + R"( event=command command="a\x0ab\x0d\x1b[31m\x09\x7f\x00\xc3\xa9" user="x\x0ay")" + "\n");
    EXPECT_EQ(l.find('\n'), l.size() - 1);
    for (char c : l) EXPECT_TRUE(c == '\n' || (c >= 0x20 && c < 0x7f)) << "byte " << static_cast<int>(static_cast<unsigned char>(c));
}

TEST(audit_log_format, odd_keys_are_made_harmless) {
    EXPECT_EQ(line("x", {{"a b=c\n", "v"}, {"", "w"}}), stamp + " event=x a_b_c_=v _=w\n");
}

TEST(audit_log_format, values_are_capped_with_a_marker) {
    const std::string fits(audit_value_cap, 'a');
    EXPECT_EQ(line("x", {{"user", fits}}), stamp + " event=x user=" + fits + "\n");
    const std::string over(audit_value_cap + 1, 'a');
    EXPECT_EQ(line("x", {{"user", over}}), stamp + " event=x user=\"" + fits + "\u2026\"\n");

    // Commands get more room.
    const std::string command(audit_command_cap + 500, 'c');
    EXPECT_EQ(line("x", {{"command", command}}), stamp + " event=x command=\"" + std::string(audit_command_cap, 'c') + "\u2026\"\n");
    // The cap counts input bytes: escaping can grow a value, boundedly.
    const std::string newlines(10000, '\n');
    const std::string l = line("x", {{"reason", newlines}});
    EXPECT_LE(l.size(), stamp.size() + 20 + 4 * audit_value_cap + 8);
    EXPECT_EQ(l.find('\n'), l.size() - 1);
}

class audit_log_file : public ::testing::Test {
protected:
    ember::testing::temp_dir dir_{"ember-audit-"};
    const fs::path file_ = dir_ / audit_log_file_name;
};

TEST_F(audit_log_file, a_new_file_is_0600_whatever_the_umask_and_appended_across_reopen) {
    const mode_t old = ::umask(0);
    {
        auto log = audit_log::open(file_, false);
        ::umask(old);
        ASSERT_TRUE(log.has_value()) << log.error();
        EXPECT_TRUE(log->write("connect", {{"peer", "127.0.0.1:1"}}));
    }
    struct stat st {};
    ASSERT_EQ(::stat(file_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    {
        auto log = audit_log::open(file_, false);
        ASSERT_TRUE(log.has_value()) << log.error();
        audit_log moved = std::move(*log);
        EXPECT_TRUE(moved.write("disconnect", {{"peer", "127.0.0.1:1"}, {"reason", "bye now"}}));
    }
    const auto lines = lines_of(file_);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_NE(lines[0].find(" event=connect peer=127.0.0.1:1"), std::string::npos) << lines[0];
    EXPECT_NE(lines[1].find(" event=disconnect peer=127.0.0.1:1 reason=\"bye now\""), std::string::npos) << lines[1];
}

TEST_F(audit_log_file, every_line_also_goes_to_stderr) {
    auto log = audit_log::open(file_);
    ASSERT_TRUE(log.has_value()) << log.error();
    ::testing::internal::CaptureStderr();
    log->write("auth", {{"outcome", "probe"}});
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find(" event=auth outcome=probe\n"), std::string::npos) << err;
    EXPECT_EQ(lines_of(file_).size(), 1u);
}

TEST_F(audit_log_file, a_loose_existing_file_or_a_symlink_is_refused) {
    std::ofstream(file_) << "old\n";
    ::chmod(file_.c_str(), 0644);
    auto loose = audit_log::open(file_, false);
    ASSERT_FALSE(loose.has_value());
    EXPECT_EQ(loose.error(), "the audit log " + file_.string() + " is mode 0644; it must be 0600 (chmod 600 " + file_.string() + ")");

    fs::remove(file_);
    fs::create_symlink(dir_ / "elsewhere", file_);
    auto link = audit_log::open(file_, false);
    ASSERT_FALSE(link.has_value());
    EXPECT_NE(link.error().find("symbolic link"), std::string::npos) << link.error();
    EXPECT_FALSE(fs::exists(dir_ / "elsewhere")) << "the link was followed";
}

TEST_F(audit_log_file, concurrent_writers_never_mix_lines) {
    auto log = audit_log::open(file_, false);
    ASSERT_TRUE(log.has_value()) << log.error();
    constexpr int threads = 8, each = 200;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&, t] {
            const std::string command = "command from thread " + std::to_string(t) + std::string(300, 'x');
            for (int i = 0; i < each; ++i) log->write("command", {{"command", command}, {"outcome", "ok"}, {"ms", std::to_string(i)}});
        });
    for (auto& w : workers) w.join();
    const auto lines = lines_of(file_);
    ASSERT_EQ(lines.size(), static_cast<std::size_t>(threads * each));
    for (const auto& l : lines) {
        EXPECT_NE(l.find(" event=command command=\"command from thread "), std::string::npos) << l;
        EXPECT_NE(l.find("\" outcome=ok ms="), std::string::npos) << l;
    }
}

} // namespace
} // namespace ember::remsh
