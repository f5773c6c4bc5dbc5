// tcp_socket and connect_tcp on POSIX sockets (Linux; any POSIX system
// with getaddrinfo and poll).
//
// connect_tcp connects without blocking and polls in short slices, so a
// connect to an address that drops packets gives up at its timeout, and a
// client being closed (cancel) does not wait for it. The socket is then
// made blocking again: the client reads on a thread of its own.

#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "platform/socket.hpp"

namespace ember::client::platform {
namespace {

constexpr std::chrono::milliseconds poll_slice{50};

std::string errno_text(int e) { return std::strerror(e); }

bool unknown_name(int gai_error) {
#ifdef EAI_NODATA // glibc's "no address for this name"; not every system has it
    if (gai_error == EAI_NODATA) return true;
#endif
    return gai_error == EAI_NONAME;
}

int millis(std::chrono::milliseconds d) { return static_cast<int>(std::max<std::int64_t>(0, d.count())); }

// One address: a non-blocking connect polled in slices until it is done,
// the deadline passes or `cancel` is set.
expected<tcp_socket, std::string> connect_one(const addrinfo& a, std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds timeout,
                                              const std::atomic<bool>& cancel) {
    const int fd = ::socket(a.ai_family, a.ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a.ai_protocol);
    if (fd < 0) return unexpected(errno_text(errno));
    tcp_socket s(fd);
    if (::connect(fd, a.ai_addr, a.ai_addrlen) != 0 && errno != EINPROGRESS) return unexpected(errno_text(errno));
    for (;;) {
        if (cancel.load(std::memory_order_acquire)) return unexpected(std::string("cancelled"));
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return unexpected("no answer within " + std::to_string(timeout.count()) + " ms");
        pollfd p{fd, POLLOUT, 0};
        const int n = ::poll(&p, 1, millis(std::min(left, poll_slice)));
        if (n < 0 && errno != EINTR) return unexpected(errno_text(errno));
        if (n > 0) break;
    }
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return unexpected(errno_text(errno));
    if (err != 0) return unexpected(errno_text(err));
    return s;
}

} // namespace

tcp_socket& tcp_socket::operator=(tcp_socket&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = other.release();
    }
    return *this;
}

tcp_socket::~tcp_socket() { close(); }

int tcp_socket::release() noexcept { return std::exchange(fd_, -1); }

void tcp_socket::close() noexcept {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
}

expected<void, std::string> tcp_socket::send_all(std::span<const std::byte> bytes) const {
    while (!bytes.empty()) {
        // MSG_NOSIGNAL: a peer that went away is an error value, not SIGPIPE.
        const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return unexpected(std::string("the node stopped reading (send timed out)"));
            return unexpected(errno_text(errno));
        }
        bytes = bytes.subspan(static_cast<std::size_t>(n));
    }
    return {};
}

expected<bool, std::string> tcp_socket::wait_readable(std::chrono::milliseconds timeout) const {
    pollfd p{fd_, POLLIN, 0};
    for (;;) {
        const int n = ::poll(&p, 1, millis(timeout));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return unexpected(errno_text(errno));
        return n > 0;
    }
}

expected<std::size_t, std::string> tcp_socket::receive(std::span<std::byte> into) const {
    for (;;) {
        const ssize_t n = ::recv(fd_, into.data(), into.size(), 0);
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno == EINTR) continue;
        return unexpected(errno_text(errno));
    }
}

void tcp_socket::shutdown() const noexcept {
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

expected<tcp_socket, std::string> connect_tcp(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout,
                                              std::chrono::milliseconds send_timeout, const std::atomic<bool>& cancel) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
        return unexpected(rc == EAI_SYSTEM   ? errno_text(errno)
                          : unknown_name(rc) ? std::string("unknown host")
                                             : std::string("cannot look the host up (") + ::gai_strerror(rc) + ")");
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string last_error = "no address";
    tcp_socket connected;
    for (const addrinfo* a = found; a && !connected.open(); a = a->ai_next) {
        auto s = connect_one(*a, deadline, timeout, cancel);
        if (s) connected = std::move(*s);
        else last_error = s.error();
        if (!s && s.error() == "cancelled") break;
    }
    ::freeaddrinfo(found);
    if (!connected.open()) return unexpected(last_error);

    const int fd = connected.native_handle();
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) return unexpected(errno_text(errno));
    // Requests are small frames each waiting for an answer: send them now
    // rather than wait to coalesce (Nagle).
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // A node that stops reading must not hold a sender forever.
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(send_timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((send_timeout.count() % 1000) * 1000);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    return connected;
}

} // namespace ember::client::platform
