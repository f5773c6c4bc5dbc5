// The SSH shell against a client that misbehaves after the key exchange:
// libssh's own client API, driven in-process against a real node, query
// engine and remsh::server on 127.0.0.1:0 (ssh_test.py does the same from
// outside with OpenSSH and hand-made packets, but cannot get past the key
// exchange on its own). Each test states the rule it checks.
//
// Every wait is for the event it needs (a count, an audit line, a closed
// connection), polled every few milliseconds up to a generous deadline: a
// loaded machine makes a test slower, never wrong.

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ember/query/engine.hpp"
#include "ember/remsh/server.hpp"
#include "ember/runtime/node.hpp"
#include "ember/runtime/process.hpp"
#include "ember/term/print.hpp"
#include "support/temp_dir.hpp"

namespace ember::remsh {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto wait_limit = 10s; // the most any one event is waited for

/// True once `condition()` holds; false after `limit`. Polls every 2 ms.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = wait_limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(2ms);
    }
    return true;
}

std::string contents(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

std::size_t count_of(const std::string& text, std::string_view what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

/// Lines of `text` that start with a pid ("<0."): a table's rows.
std::size_t pid_rows(const std::string& text) {
    std::istringstream in(text);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);)
        if (line.rfind("<0.", 0) == 0) ++n;
    return n;
}

struct key_free {
    void operator()(ssh_key k) const noexcept { ssh_key_free(k); }
};
using key_ptr = std::unique_ptr<ssh_key_struct, key_free>;

key_ptr generate_key() {
    ssh_key k = nullptr;
    EXPECT_EQ(ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &k), SSH_OK);
    return key_ptr(k);
}

key_ptr public_of(const key_ptr& priv) {
    ssh_key k = nullptr;
    EXPECT_EQ(ssh_pki_export_privkey_to_pubkey(priv.get(), &k), SSH_OK);
    return key_ptr(k);
}

/// "ssh-ed25519 AAAA... comment", an authorized_keys line without options.
std::string public_line(const key_ptr& key, const std::string& comment) {
    char* b64 = nullptr;
    EXPECT_EQ(ssh_pki_export_pubkey_base64(key.get(), &b64), SSH_OK);
    std::string line = std::string("ssh-ed25519 ") + (b64 ? b64 : "") + " " + comment;
    ssh_string_free_char(b64);
    return line;
}

/// True once the server has closed the TCP connection under `s`: reads on
/// its socket reach the end (bytes still in flight, such as a disconnect
/// message, are read past without libssh). A socket libssh has already
/// closed, having seen the end itself, counts too.
bool peer_closed(ssh_session s, std::chrono::milliseconds limit = wait_limit) {
    const int fd = ssh_get_fd(s);
    if (fd < 0) return true;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    char buf[4096];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return false;
        const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n == 0) return true;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return true; // reset, or closed
    }
}

process_task idle() { co_await receive(); }

process_task spawner(pid report, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) (void)spawn_opt({.label = "idle/0"}, idle);
    send(report, atoms::ok);
    co_return;
}

/// What one exec gave back.
struct exec_result {
    bool opened = false;   ///< the session channel was opened
    bool executed = false; ///< the exec request was accepted
    bool eof = false;      ///< the output ended (EOF) before the deadline
    int status = -1;       ///< the exit status the server sent
    std::string out, err;
};

/// One libssh client session. Every blocking call is bounded by
/// SSH_OPTIONS_TIMEOUT.
class client {
public:
    explicit client(std::uint16_t port) : s_(ssh_new()) {
        const bool no_config = false;
        const long timeout_s = 10;
        const unsigned int p = port;
        ssh_options_set(s_, SSH_OPTIONS_PROCESS_CONFIG, &no_config);
        ssh_options_set(s_, SSH_OPTIONS_HOST, "127.0.0.1");
        ssh_options_set(s_, SSH_OPTIONS_PORT, &p);
        ssh_options_set(s_, SSH_OPTIONS_USER, "operator");
        ssh_options_set(s_, SSH_OPTIONS_TIMEOUT, &timeout_s);
        // No known_hosts file: the fingerprint is checked against the
        // server's own word (connect()).
        ssh_options_set(s_, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
        ssh_options_set(s_, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
    }
    ~client() {
        channels_.clear();
        if (ssh_is_connected(s_)) ssh_disconnect(s_);
        ssh_free(s_);
    }
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    ssh_session get() const { return s_; }

    /// TCP and the key exchange; the host key must be the server's.
    ::testing::AssertionResult connect(const std::string& expected_fingerprint) {
        if (ssh_connect(s_) != SSH_OK) return ::testing::AssertionFailure() << "ssh_connect: " << ssh_get_error(s_);
        ssh_key host = nullptr;
        if (ssh_get_server_publickey(s_, &host) != SSH_OK) return ::testing::AssertionFailure() << "no server public key";
        key_ptr owned(host);
        unsigned char* hash = nullptr;
        size_t hash_len = 0;
        if (ssh_get_publickey_hash(host, SSH_PUBLICKEY_HASH_SHA256, &hash, &hash_len) != SSH_OK)
            return ::testing::AssertionFailure() << "cannot hash the host key";
        char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hash_len);
        ssh_clean_pubkey_hash(&hash);
        const std::string fp = text ? text : "";
        ssh_string_free_char(text);
        if (fp != expected_fingerprint)
            return ::testing::AssertionFailure() << "host key " << fp << ", the server says " << expected_fingerprint;
        return ::testing::AssertionSuccess();
    }

    int login(const key_ptr& priv) { return ssh_userauth_publickey(s_, nullptr, priv.get()); }

    /// A new session channel (kept until the client goes), or null.
    ssh_channel open_session() {
        ssh_channel ch = ssh_channel_new(s_);
        if (!ch) return nullptr;
        if (ssh_channel_open_session(ch) != SSH_OK) {
            ssh_channel_free(ch);
            return nullptr;
        }
        channels_.emplace_back(ch);
        return ch;
    }

    /// Runs `command` on `ch` (or a new channel) and reads stdout and
    /// stderr until EOF.
    exec_result exec(const std::string& command, ssh_channel ch = nullptr) {
        exec_result r;
        if (!ch) ch = open_session();
        r.opened = ch != nullptr;
        if (!ch) return r;
        r.executed = ssh_channel_request_exec(ch, command.c_str()) == SSH_OK;
        if (!r.executed) return r;
        read_to_eof(ch, r);
        r.status = ssh_channel_get_exit_status(ch);
        return r;
    }

    static void read_to_eof(ssh_channel ch, exec_result& r, std::chrono::milliseconds limit = 20s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        std::vector<char> buf(16 * 1024);
        while (std::chrono::steady_clock::now() < deadline) {
            // A blocking read processes incoming packets (stderr data is
            // buffered by it too); the non-blocking one drains stderr.
            const int n = ssh_channel_read_timeout(ch, buf.data(), static_cast<uint32_t>(buf.size()), 0, 50);
            if (n > 0) r.out.append(buf.data(), static_cast<std::size_t>(n));
            const int m = ssh_channel_read_nonblocking(ch, buf.data(), static_cast<uint32_t>(buf.size()), 1);
            if (m > 0) r.err.append(buf.data(), static_cast<std::size_t>(m));
            if (n == SSH_ERROR || m == SSH_ERROR) return;
            if (n <= 0 && m <= 0 && ssh_channel_is_eof(ch)) {
                r.eof = true;
                return;
            }
        }
    }

private:
    struct channel_free {
        void operator()(ssh_channel ch) const noexcept {
            if (ssh_channel_is_open(ch)) ssh_channel_close(ch);
            ssh_channel_free(ch);
        }
    };
    ssh_session s_;
    std::vector<std::unique_ptr<ssh_channel_struct, channel_free>> channels_;
};

class RawClient : public ::testing::Test {
protected:
    void SetUp() override {
        admin_ = generate_key();
        reader_ = generate_key();
        stranger_ = generate_key();
        ASSERT_TRUE(admin_ && reader_ && stranger_);
        keys_file_ = dir_ / "authorized_keys";
        {
            std::ofstream f(keys_file_);
            f << "# who may log in\n"
              << "admin " << public_line(admin_, "operator@ember") << "\n"
              << "read-only " << public_line(reader_, "watcher@ember") << "\n";
        }
        ASSERT_EQ(::chmod(keys_file_.c_str(), 0600), 0);
    }

    void TearDown() override {
        // The test's clients are gone by now; the server is given the
        // moment it needs to see them go, so each test checks its own rule
        // (stopping with clients still in is a test of its own).
        if (server_) (void)eventually([&] {
            const auto now = server_->current();
            return now.unauthenticated == 0 && now.authenticated == 0;
        });
        server_.reset(); // before the engine and the node
    }

    server_options defaults() const {
        server_options o;
        o.address = "127.0.0.1";
        o.port = 0;
        o.state_dir = dir_ / "state";
        o.authorized_keys = keys_file_;
        o.audit_to_stderr = false;
        return o;
    }

    void start(server_options o) {
        auto s = server::start(q_, std::move(o));
        ASSERT_TRUE(s.has_value()) << s.error();
        server_ = std::move(*s);
    }
    void start() { start(defaults()); }

    std::unique_ptr<client> connected() {
        auto c = std::make_unique<client>(server_->port());
        EXPECT_TRUE(c->connect(server_->host_key_fingerprint()));
        return c;
    }

    std::string audit() const { return contents(dir_ / "state" / "audit.log"); }

    bool no_unauthenticated() const {
        return eventually([&] { return server_->current().unauthenticated == 0; });
    }

    /// The server has ended `c`'s connection, which never authenticated.
    void expect_cut_off_unauthenticated(client& c) {
        EXPECT_TRUE(no_unauthenticated()) << "the connection is still held";
        EXPECT_EQ(server_->current().authenticated, 0u);
        EXPECT_TRUE(peer_closed(c.get()));
        EXPECT_EQ(count_of(audit(), "outcome=accepted"), 0u) << audit();
    }

    /// A fresh connection logs in with the admin key and runs `system`.
    void normal_client_gets_in() {
        auto c = connected();
        ASSERT_EQ(c->login(admin_), SSH_AUTH_SUCCESS) << ssh_get_error(c->get());
        const auto r = c->exec("system");
        EXPECT_TRUE(r.opened && r.executed && r.eof) << r.err;
        EXPECT_EQ(r.status, 0) << r.err;
        EXPECT_NE(r.out.find("process"), std::string::npos) << r.out;
    }

    // Under /tmp (a root-owned sticky directory), never $TMPDIR: the
    // authorized_keys check refuses a group- or other-writable parent.
    // The first member, so removed last.
    ember::testing::temp_dir dir_{"ember-remsh-raw-", "/tmp"};
    fs::path keys_file_;
    key_ptr admin_, reader_, stranger_;
    node n_{node_options{.schedulers = 2}};
    query::engine q_{n_, query::engine_options{.sampler_thread = false}};
    std::unique_ptr<server> server_; // reset before the engine and the node go
};

// Connection-protocol messages before authentication end the connection.
// libssh's client will not even make a channel before it has
// authenticated (ssh_channel_new returns null; nothing is sent), so the
// message it does send is the other connection-protocol one: a global
// request (tcpip-forward), which libssh's client sends in any state. (A
// channel open before the key exchange is ssh_test.py's, with hand-made
// packets.) Should a libssh let the channel be made, its open is tried too.
bool connection_message_refused(client& c) {
    if (ssh_channel ch = ssh_channel_new(c.get())) {
        const int rc = ssh_channel_open_session(ch);
        ssh_channel_free(ch);
        return rc != SSH_OK;
    }
    int bound = 0;
    return ssh_channel_listen_forward(c.get(), "127.0.0.1", 0, &bound) != SSH_OK;
}

TEST_F(RawClient, ConnectionMessageBeforeAuthenticationIsCutOff) {
    start();
    auto c = connected();
    ASSERT_TRUE(eventually([&] { return server_->current().unauthenticated == 1; }));
    EXPECT_TRUE(connection_message_refused(*c));
    expect_cut_off_unauthenticated(*c);
    normal_client_gets_in();
}

// Only user authentication is a service before authentication: asking for
// ssh-connection straight after the key exchange ends the connection.
TEST_F(RawClient, ServiceRequestOutOfOrderIsCutOff) {
    start();
    auto c = connected();
    EXPECT_NE(ssh_service_request(c->get(), "ssh-connection"), SSH_OK);
    EXPECT_TRUE(no_unauthenticated()) << "the connection is still held";
    EXPECT_TRUE(eventually([&] { return audit().find("service request for ssh-connection") != std::string::npos; })) << audit();
    EXPECT_TRUE(peer_closed(c->get()));
    normal_client_gets_in();
}

// A client asking whether a key is acceptable has not authenticated: only
// a verified signature does. The server answers PK_OK for a listed key
// offered without a signature (libssh's client reports SSH_AUTH_SUCCESS),
// yet the connection is still unauthenticated: libssh's client will not
// open a channel on it, and a connection-protocol message from it is
// refused and ends it.
TEST_F(RawClient, KeyOfferedWithoutSignatureDoesNotAuthenticate) {
    start();
    auto c = connected();
    const auto pub = public_of(admin_);
    ASSERT_EQ(ssh_userauth_try_publickey(c->get(), nullptr, pub.get()), SSH_AUTH_SUCCESS) << ssh_get_error(c->get());
    EXPECT_EQ(server_->current().authenticated, 0u);
    EXPECT_TRUE(connection_message_refused(*c));
    expect_cut_off_unauthenticated(*c);
    // The same key, signing, on a fresh connection gets in.
    normal_client_gets_in();
    EXPECT_EQ(count_of(audit(), "outcome=accepted"), 1u) << audit();
}

// MaxAuthTries: a key not in the file is denied, and after max_auth_tries
// failures the server ends the connection.
TEST_F(RawClient, UnknownKeyIsDeniedThenDisconnected) {
    auto o = defaults();
    o.max_auth_tries = 2;
    start(o);
    auto c = connected();
    EXPECT_EQ(c->login(stranger_), SSH_AUTH_DENIED) << ssh_get_error(c->get());
    // The second failure is the last: the answer is the disconnect (libssh
    // may see the denial first, or only the end).
    const int second = c->login(stranger_);
    EXPECT_TRUE(second == SSH_AUTH_DENIED || second == SSH_AUTH_ERROR) << second;
    EXPECT_TRUE(eventually([&] { return audit().find("too many authentication failures") != std::string::npos; })) << audit();
    EXPECT_TRUE(no_unauthenticated()) << "the connection is still held";
    EXPECT_TRUE(peer_closed(c->get()));
    EXPECT_EQ(count_of(audit(), "reason=\"unknown key\""), 2u) << audit();
    normal_client_gets_in();
}

// A role per key: a read-only key may look (ps) but not act (kill), and
// is told it needs an admin key.
TEST_F(RawClient, ReadOnlyKeyLooksButCannotKill) {
    start();
    const pid victim = n_.spawn(idle);
    for (int i = 0; i < 3; ++i) n_.spawn(idle); // rows enough for --limit 2
    const std::string victim_text = to_string(term::from_pid(victim));
    auto c = connected();
    ASSERT_EQ(c->login(reader_), SSH_AUTH_SUCCESS) << ssh_get_error(c->get());
    auto r = c->exec("kill " + victim_text);
    EXPECT_TRUE(r.executed && r.eof);
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("admin"), std::string::npos) << r.err;
    EXPECT_TRUE(n_.is_alive(victim));
    r = c->exec("ps --limit 2");
    EXPECT_TRUE(r.executed && r.eof);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.rfind("PID", 0), 0u) << r.out;
    EXPECT_EQ(pid_rows(r.out), 2u) << r.out;
    EXPECT_EQ(r.err, "");
}

// Errors are one line and an exit status: an unknown command is a usage
// error (2) with the closest match, and an empty exec line fails the same
// way without harming the connection.
TEST_F(RawClient, ExecErrors) {
    start();
    auto c = connected();
    ASSERT_EQ(c->login(admin_), SSH_AUTH_SUCCESS) << ssh_get_error(c->get());
    auto r = c->exec("pss");
    EXPECT_TRUE(r.executed && r.eof);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("did you mean"), std::string::npos) << r.err;
    r = c->exec("");
    EXPECT_TRUE(r.opened);
    if (r.executed) {
        EXPECT_TRUE(r.eof);
        EXPECT_EQ(r.status, 2) << r.err;
        EXPECT_NE(r.err, "");
    }
    r = c->exec("   ");
    if (r.executed) {
        EXPECT_EQ(r.status, 2) << r.err;
    }
    // The connection is still good.
    r = c->exec("system");
    EXPECT_EQ(r.status, 0) << r.err;
}

// One connection, many commands in a row (as a multiplexing client
// does): each new channel is opened while the server may still be closing
// the previous one, so the open can arrive in the middle of the server's
// own work on that connection's channels.
TEST_F(RawClient, ManyExecsInARowOnOneConnection) {
    start();
    auto c = connected();
    ASSERT_EQ(c->login(admin_), SSH_AUTH_SUCCESS) << ssh_get_error(c->get());
    for (int i = 0; i < 30; ++i) {
        const bool usage = i % 2 == 0;
        const auto r = c->exec(usage ? "pss" : "system");
        ASSERT_TRUE(r.executed && r.eof) << "exec " << i << ": " << ssh_get_error(c->get());
        EXPECT_EQ(r.status, usage ? 2 : 0) << "exec " << i << ": " << r.err;
    }
}

// No subsystem (sftp or any other) is served; the refusal leaves the
// connection usable.
TEST_F(RawClient, SubsystemRefused) {
    start();
    auto c = connected();
    ASSERT_EQ(c->login(admin_), SSH_AUTH_SUCCESS) << ssh_get_error(c->get());
    ssh_channel ch = c->open_session();
    ASSERT_NE(ch, nullptr);
    EXPECT_EQ(ssh_channel_request_subsystem(ch, "sftp"), SSH_ERROR);
    EXPECT_TRUE(ssh_is_connected(c->get()));
    const auto r = c->exec("system");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(audit().find("subsystem sftp"), std::string::npos) << audit();
}

// MaxSessions: session channels per connection are bounded; the one past
// the bound is refused, the connection and its open channels go on.
TEST_F(RawClient, MaxChannelsPerConnection) {
    auto o = defaults();
    o.max_channels_per_connection = 2;
    start(o);
    auto c = connected();
    ASSERT_EQ(c->login(admin_), SSH_AUTH_SUCCESS) << ssh_get_error(c->get());
    ssh_channel first = c->open_session();
    ssh_channel second = c->open_session();
    ASSERT_NE(first, nullptr);
    ASSERT_NE(second, nullptr);
    EXPECT_EQ(c->open_session(), nullptr);
    EXPECT_TRUE(eventually([&] { return audit().find("too many sessions on one connection") != std::string::npos; })) << audit();
    const auto r = c->exec("system", second);
    EXPECT_EQ(r.status, 0) << r.err;
    // Once that one is closed (and the server has let it go), a new one fits.
    ssh_channel_close(second);
    EXPECT_TRUE(eventually([&] { return server_->current().channels == 1; }));
    EXPECT_EQ(c->exec("system").status, 0);
}

// Stopping the server with clients logged in and channels open (a node
// that stops while operators are attached): each client is disconnected,
// and the server's own teardown survives it.
TEST_F(RawClient, ServerStopsWithChannelsOpen) {
    start();
    std::vector<std::unique_ptr<client>> clients;
    for (int i = 0; i < 4; ++i) {
        auto c = connected();
        ASSERT_EQ(c->login(admin_), SSH_AUTH_SUCCESS) << ssh_get_error(c->get());
        ASSERT_NE(c->open_session(), nullptr);
        ASSERT_NE(c->open_session(), nullptr);
        clients.push_back(std::move(c));
    }
    ASSERT_TRUE(eventually([&] { return server_->current().channels == 8; }));
    server_.reset();
    for (auto& c : clients) EXPECT_TRUE(peer_closed(c->get()));
}

// The idle timeout: no keystroke and no running command for that long
// and the server ends the connection, open channel and all; the server
// goes on serving others.
TEST_F(RawClient, IdleTimeoutEndsConnectionWithChannelOpen) {
    auto o = defaults();
    // Long enough that the login and the channel open, back to back, fit in
    // it on a loaded machine (the timeout counts from the channel open).
    o.idle_timeout = 2s;
    start(o);
    {
        auto c = connected();
        ASSERT_EQ(c->login(admin_), SSH_AUTH_SUCCESS) << ssh_get_error(c->get());
        ASSERT_NE(c->open_session(), nullptr);
        EXPECT_TRUE(eventually([&] { return audit().find("reason=\"idle timeout\"") != std::string::npos; })) << audit();
        EXPECT_TRUE(peer_closed(c->get()));
        EXPECT_TRUE(eventually([&] { return server_->current().authenticated == 0; }));
    }
    normal_client_gets_in();
}

// LoginGraceTime: a connection that finishes the key exchange and then
// does nothing is dropped once the grace time is up, not before.
TEST_F(RawClient, LoginGraceDropsIdleConnection) {
    auto o = defaults();
    o.login_grace = 300ms;
    start(o);
    const auto before = std::chrono::steady_clock::now();
    auto c = connected();
    ASSERT_TRUE(eventually([&] { return server_->current().accepted == 1; }));
    EXPECT_TRUE(eventually([&] { return audit().find("not authenticated within the login grace time") != std::string::npos; })) << audit();
    EXPECT_GE(std::chrono::steady_clock::now() - before, 300ms);
    EXPECT_TRUE(no_unauthenticated());
    EXPECT_TRUE(peer_closed(c->get()));
}

// MaxStartups: idle TCP connections (not even a banner) cannot hold more
// than max_unauthenticated slots, and cannot lock an operator out.
TEST_F(RawClient, IdleConnectionsStayWithinLimit) {
    auto o = defaults();
    o.max_unauthenticated = 5;
    start(o);
    constexpr int idle_count = 50;
    std::vector<int> socks;
    std::size_t most = 0;
    auto sample = [&] {
        const auto now = server_->current();
        most = std::max(most, now.unauthenticated);
        return now;
    };
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(server_->port());
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    for (int i = 0; i < idle_count; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0) << std::strerror(errno);
        socks.push_back(fd);
        sample();
    }
    EXPECT_TRUE(eventually([&] { return sample().accepted >= idle_count; }));
    // A few more looks while they sit there.
    for (int i = 0; i < 20; ++i) {
        sample();
        std::this_thread::sleep_for(2ms);
    }
    EXPECT_LE(most, 5u);
    EXPECT_GE(server_->current().pushed_out, static_cast<std::uint64_t>(idle_count - 5));
    normal_client_gets_in();
    EXPECT_LE(sample().unauthenticated, 5u);
    EXPECT_LE(most, 5u);
    for (int fd : socks) ::close(fd);
}

// Output is paced by the client's window: a large listing (thousands of
// rows, several times libssh's initial window) arrives whole.
TEST_F(RawClient, LargeOutputArrivesWhole) {
    constexpr std::size_t idle_count = 3000;
    {
        probe me(n_);
        n_.spawn(spawner, me.self(), idle_count);
        ASSERT_TRUE(me.receive(wait_limit).has_value());
    }
    start();
    auto c = connected();
    ASSERT_EQ(c->login(reader_), SSH_AUTH_SUCCESS) << ssh_get_error(c->get());
    const auto r = c->exec("ps --limit 10000");
    EXPECT_TRUE(r.executed && r.eof);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_GT(r.out.size(), 200'000u);
    const std::size_t rows = pid_rows(r.out);
    EXPECT_GE(rows, idle_count);
    EXPECT_LE(rows, n_.process_count());
    EXPECT_EQ(r.out.back(), '\n');
}

} // namespace
} // namespace ember::remsh
