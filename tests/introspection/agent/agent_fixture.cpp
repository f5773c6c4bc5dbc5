// The agent tests' fixture and POSIX test client (agent_fixture.hpp).

#include "agent_fixture.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "ember/runtime/process.hpp"

namespace ember::agent::testing {

// [temp_dir] ------------------------------------------------------------------

temp_dir::temp_dir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/ember-agent-test-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed: " << std::strerror(errno);
    path_ = pattern;
}

temp_dir::~temp_dir() {
    std::error_code ec;
    // A test may have left a directory it cannot enter (mode 0): open it up first.
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
}

// [test_client] ---------------------------------------------------------------

test_client::test_client(const std::string& endpoint, int receive_buffer) : buffer_(64 * 1024) {
    const auto colon = endpoint.rfind(':');
    if (colon == std::string::npos) return;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(std::stoi(endpoint.substr(colon + 1))));
    if (::inet_pton(AF_INET, endpoint.substr(0, colon).c_str(), &addr.sin_addr) != 1) return;
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

test_client::test_client(test_client&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      closed_(other.closed_),
      reader_(std::move(other.reader_)),
      buffer_(std::move(other.buffer_)),
      used_(other.used_),
      pending_(std::move(other.pending_)) {}

test_client::~test_client() { close(); }

void test_client::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

bool test_client::send_bytes(std::span<const std::byte> bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes = bytes.subspan(static_cast<std::size_t>(n));
    }
    return true;
}

std::optional<term> test_client::recv(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        // Frames already read come first.
        std::span<const std::byte> in(buffer_.data(), used_);
        auto f = reader_.read(in);
        const std::size_t taken = used_ - in.size();
        std::copy(buffer_.begin() + static_cast<std::ptrdiff_t>(taken), buffer_.begin() + static_cast<std::ptrdiff_t>(used_), buffer_.begin());
        used_ -= taken;
        if (!f) {
            ADD_FAILURE() << "the node sent a frame the test cannot read: " << f.error().describe();
            return std::nullopt;
        }
        if (*f) return **f;
        if (closed_ || fd_ < 0) return std::nullopt;

        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        pollfd p{fd_, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return std::nullopt;
        const ssize_t n = ::recv(fd_, buffer_.data() + used_, buffer_.size() - used_, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) { // the end, or a reset (the node closed with bytes unread)
            closed_ = true;
            continue; // whatever was read before the end is still taken
        }
        used_ += static_cast<std::size_t>(n);
    }
}

bool test_client::wait_closed(std::chrono::milliseconds timeout, std::vector<term>* skipped) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        auto f = recv(left);
        if (f && skipped) skipped->push_back(*f);
    }
    return true;
}

term test_client::hello(std::string_view token) {
    send(term::tuple({atom("hello"), term::integer(1), term::binary(token)}));
    auto r = recv();
    return r ? *r : term(atom("no_reply"));
}

std::optional<term> test_client::next(std::chrono::milliseconds timeout) {
    if (!pending_.empty()) {
        term f = pending_.front();
        pending_.pop_front();
        return f;
    }
    return recv(timeout);
}

term test_client::call(const term& ref, const term& request, std::chrono::milliseconds timeout) {
    if (!send(term::tuple({ref, request}))) return atom("send_failed");
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return atom("no_reply");
        auto f = recv(left);
        if (!f) return atom("no_reply");
        const bool is_reply = f->is_tuple() && f->size() == 2 && (*f)[0] == ref && (*f)[1].is_tuple() && (*f)[1].size() == 2 &&
                              ((*f)[1][0] == atoms::ok || (*f)[1][0] == atoms::error);
        if (is_reply) return *f;
        pending_.push_back(*f);
    }
}

// [helpers] -------------------------------------------------------------------

term get(const term& m, std::string_view key) {
    if (!m.is_map()) return atom("missing");
    const term* v = m.find(atom(key));
    return v ? *v : term(atom("missing"));
}

bool is_error(const term& reply, std::string_view code) {
    const term* r = &reply;
    // {Ref, {error, Reason}} or {error, Reason}
    if (r->is_tuple() && r->size() == 2 && (*r)[1].is_tuple() && (*r)[1].size() == 2 && (*r)[1][0] == atoms::error) r = &(*r)[1];
    if (!r->is_tuple() || r->size() != 2 || (*r)[0] != atoms::error) return false;
    const term& reason = (*r)[1];
    return reason.is_tuple() && reason.size() == 2 && reason[0] == atom(code) && reason[1].is_binary();
}

term ok_value(const term& reply) {
    if (reply.is_tuple() && reply.size() == 2 && reply[1].is_tuple() && reply[1].size() == 2 && reply[1][0] == atoms::ok) return reply[1][1];
    return atom("not_ok");
}

process_task idle() {
    co_await receive([](const term& m) { return m == term(atoms::shutdown); });
}

std::string find_program(std::string_view name, std::string_view configured) {
    if (!configured.empty() && std::filesystem::exists(configured)) return std::string(configured);
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    for (std::string d; std::getline(dirs, d, ':');) {
        const auto candidate = std::filesystem::path(d) / name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
    return {};
}

// [agent_test] ----------------------------------------------------------------

agent_options agent_test::defaults() const {
    agent_options o;
    o.state_dir = dir.path() / "state";
    return o;
}

void agent_test::start(agent_options o) {
    auto started = agent::start(q, std::move(o));
    ASSERT_TRUE(started.has_value()) << started.error();
    a = std::move(*started);
}

namespace {
std::string slurp(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}
} // namespace

std::string agent_test::read_only_token() const { return slurp(a->read_only_token_file()); }
std::string agent_test::admin_token() const { return slurp(a->admin_token_file()); }

test_client agent_test::open(const std::string& token) {
    test_client c(a->endpoint());
    EXPECT_TRUE(c.connected()) << "cannot connect to " << a->endpoint();
    const term reply = c.hello(token);
    EXPECT_TRUE(reply.is_tuple() && reply.size() == 2 && reply[0] == atoms::ok) << show(reply);
    return c;
}

} // namespace ember::agent::testing
