// The state directory and the tokens: made private on first start, read
// back on later ones, and a start refused, in one line naming the path,
// when either is looser than it must be; and the listening address, which
// must be loopback unless allowed.

#include <sys/stat.h>

#include <fstream>

#include "agent_fixture.hpp"

namespace ember::agent::testing {
namespace {

class agent_state_dir : public agent_test {
protected:
    static unsigned mode_of(const std::filesystem::path& p) {
        struct stat st {};
        EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
        return static_cast<unsigned>(st.st_mode & 07777);
    }
    /// The error of a start that must fail.
    std::string refused(agent_options o) {
        auto started = agent::start(q, std::move(o));
        EXPECT_FALSE(started.has_value()) << "the agent started";
        return started ? std::string() : started.error();
    }
};

TEST_F(agent_state_dir, the_first_start_makes_a_private_directory_and_two_tokens) {
    auto o = defaults();
    o.state_dir = dir.path() / "a" / "b" / "state"; // parents made too
    start(o);
    EXPECT_EQ(mode_of(o.state_dir), 0700u);
    EXPECT_EQ(a->read_only_token_file(), o.state_dir / "read-only.token");
    EXPECT_EQ(a->admin_token_file(), o.state_dir / "admin.token");
    for (const auto& file : {a->read_only_token_file(), a->admin_token_file()}) {
        EXPECT_EQ(mode_of(file), 0600u) << file;
        std::ifstream in(file);
        std::string text;
        std::getline(in, text);
        EXPECT_EQ(text.size(), 64u) << file;
        EXPECT_EQ(text.find_first_not_of("0123456789abcdef"), std::string::npos) << text;
    }
    EXPECT_NE(read_only_token(), admin_token());
}

TEST_F(agent_state_dir, a_later_start_reads_the_same_tokens) {
    start();
    const std::string ro = read_only_token(), admin = admin_token();
    a.reset();
    start();
    EXPECT_EQ(read_only_token(), ro);
    EXPECT_EQ(admin_token(), admin);

    // A token an operator wrote, with a trailing newline, works as given.
    a.reset();
    {
        std::ofstream out(defaults().state_dir / "read-only.token", std::ios::trunc);
        out << "my-own-token\n";
    }
    start();
    test_client c(a->endpoint());
    const term r = c.hello("my-own-token");
    EXPECT_EQ(r[0], atoms::ok) << show(r);
}

TEST_F(agent_state_dir, a_directory_looser_than_0700_is_refused) {
    const auto state = defaults().state_dir;
    std::filesystem::create_directory(state);
    ::chmod(state.c_str(), 0755);
    const std::string why = refused(defaults());
    EXPECT_NE(why.find(state.string()), std::string::npos) << why;
    EXPECT_NE(why.find("0755"), std::string::npos) << why;
    EXPECT_EQ(why.find('\n'), std::string::npos) << "one line: " << why;
    EXPECT_FALSE(std::filesystem::exists(state / "admin.token")) << "tokens written into a directory others can read";
}

TEST_F(agent_state_dir, a_token_file_looser_than_0600_is_refused) {
    start();
    const auto file = a->admin_token_file();
    a.reset();
    ::chmod(file.c_str(), 0640);
    const std::string why = refused(defaults());
    EXPECT_NE(why.find(file.string()), std::string::npos) << why;
    EXPECT_NE(why.find("0640"), std::string::npos) << why;

    ::chmod(file.c_str(), 0600);
    const auto ro = defaults().state_dir / "read-only.token";
    ::chmod(ro.c_str(), 0604);
    EXPECT_NE(refused(defaults()).find("read-only.token"), std::string::npos);
}

TEST_F(agent_state_dir, a_symlinked_token_file_is_refused) {
    const auto state = defaults().state_dir;
    std::filesystem::create_directory(state);
    ::chmod(state.c_str(), 0700);
    std::filesystem::create_symlink(dir.path() / "elsewhere", state / "admin.token");
    const std::string why = refused(defaults());
    EXPECT_NE(why.find("symbolic link"), std::string::npos) << why;
}

TEST_F(agent_state_dir, no_state_directory_is_refused) {
    auto o = defaults();
    o.state_dir.clear();
    EXPECT_NE(refused(o).find("state_dir"), std::string::npos);
}

TEST_F(agent_state_dir, a_non_loopback_address_needs_the_flag) {
    auto o = defaults();
    o.address = "0.0.0.0";
    const std::string why = refused(o);
    EXPECT_NE(why.find("allow_non_loopback"), std::string::npos) << why;
    EXPECT_FALSE(std::filesystem::exists(o.state_dir)) << "nothing is made before the address is checked";

    o.allow_non_loopback = true; // and a warning on stderr
    start(o);
    EXPECT_EQ(a->endpoint().rfind("0.0.0.0:", 0), 0u) << a->endpoint();

    auto m = defaults();
    m.metrics_port = 0;
    m.metrics_address = "0.0.0.0";
    a.reset();
    EXPECT_NE(refused(m).find("allow_non_loopback"), std::string::npos);
}

TEST_F(agent_state_dir, an_address_that_is_no_address_is_refused) {
    auto o = defaults();
    o.address = "not an address";
    EXPECT_NE(refused(o).find("not an IP address"), std::string::npos);
}

} // namespace
} // namespace ember::agent::testing
