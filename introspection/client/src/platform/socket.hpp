#pragma once
// The few socket operations the client needs, behind one header with one
// file per platform (socket_posix.cpp): a blocking TCP stream with bounded
// waits. Private to the client; no socket type leaks into its public headers.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "ember/term/expected.hpp"

namespace ember::client::platform {

/// An open TCP connection, closed by its destructor. Move-only. One thread
/// may receive while another sends; shutdown() from any thread ends a
/// receive that is waiting.
class tcp_socket {
public:
    tcp_socket() = default;
    explicit tcp_socket(int fd) noexcept : fd_(fd) {}
    tcp_socket(tcp_socket&& other) noexcept : fd_(other.release()) {}
    tcp_socket& operator=(tcp_socket&& other) noexcept;
    ~tcp_socket();
    tcp_socket(const tcp_socket&) = delete;
    tcp_socket& operator=(const tcp_socket&) = delete;

    bool open() const noexcept { return fd_ >= 0; }
    int native_handle() const noexcept { return fd_; }
    int release() noexcept;
    void close() noexcept;

    /// Sends every byte, or says why not (the peer went away, or the send
    /// timeout passed with the peer not reading).
    expected<void, std::string> send_all(std::span<const std::byte> bytes) const;
    /// Waits at most `timeout` for bytes (or the end of the stream); false
    /// when none came in time.
    expected<bool, std::string> wait_readable(std::chrono::milliseconds timeout) const;
    /// Reads what is there, waiting for at least one byte: the count, 0 at
    /// the end of the stream (or after shutdown()), or why it failed.
    expected<std::size_t, std::string> receive(std::span<std::byte> into) const;
    /// Ends both directions; a thread waiting in receive() gets 0. Any
    /// thread, while the socket is open.
    void shutdown() const noexcept;

private:
    int fd_ = -1;
};

/// Connects to host:port (a name is looked up; every address it has is
/// tried in turn), each attempt bounded by `timeout`, and gives up early
/// once `cancel` is set (checked every few tens of milliseconds). Sends on
/// the socket then time out after `send_timeout`. The error says why, in a
/// few words ("Connection refused", "no answer within 5000 ms", "unknown
/// host", "cancelled").
expected<tcp_socket, std::string> connect_tcp(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout,
                                              std::chrono::milliseconds send_timeout, const std::atomic<bool>& cancel);

} // namespace ember::client::platform
