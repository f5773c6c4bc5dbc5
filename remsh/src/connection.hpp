#pragma once
// One SSH connection, from the accepted socket to its end: the key
// exchange, public-key authentication against the authorized keys (a key
// merely offered is answered "acceptable" but lets nobody in; only a
// verified signature does), the limits (login grace, auth tries, channels,
// idle time), and its session channels.
//
// Before authentication nothing but the user-auth service is served: a
// service request for anything else ends the connection here, and libssh's
// packet filter ends one that sends connection-protocol messages (a channel
// open, a global request) before it authenticated.
//
// Thread-safety: SSH thread only.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#include "authorized_keys.hpp"
#include "ember/protocol/messages.hpp"
#include "server_context.hpp"

namespace ember::remsh {

class history;
class session_channel;

class connection {
public:
    using clock = std::chrono::steady_clock;

    /// Takes `session`, already accepted on its socket by ssh_bind_accept_fd.
    connection(server_context& context, ssh_session session, std::string peer);
    ~connection(); ///< frees the channels, then the session (closing the socket)
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    /// Installs the callbacks and starts the key exchange. False (with the
    /// reason audited) when it failed at once.
    bool begin(ssh_event event);
    /// After each poll: limits, channels. False once the connection is over
    /// and can be freed (it was removed from the event).
    bool service(clock::time_point now);
    /// Ends it: a disconnect message with `reason` (sent at the next
    /// service(), or at once from the SSH thread's own code), audited.
    void drop(const std::string& reason);

    bool authenticated() const { return authenticated_; }
    /// Ended (dropped or closed), to be freed at the next service().
    bool over() const { return over_; }
    clock::time_point accepted_at() const { return accepted_at_; }
    std::size_t channel_count() const { return channels_.size() + opened_.size(); }

    // For its channels.
    server_context& context() { return context_; }
    const std::string& peer() const { return peer_; }
    const std::string& fingerprint() const { return fingerprint_; }
    protocol::access_level access() const { return access_; }
    std::string_view role_text() const;
    history* typed_lines() { return history_.get(); }
    void touched(clock::time_point now) { last_input_ = now; }
    /// Audits one finished command.
    void audit_command(const std::string& line, std::string_view outcome, const std::string& error, std::chrono::milliseconds took);

private:
    static int on_auth_pubkey(ssh_session, const char* user, ssh_key_struct* key, char signature_state, void* self);
    static int on_service_request(ssh_session, const char* service, void* self);
    static ssh_channel on_channel_open(ssh_session, void* self);

    void end(const std::string& reason);

    server_context& context_;
    ssh_session session_;
    ssh_event event_ = nullptr;
    std::string peer_;
    ssh_server_callbacks_struct callbacks_{};
    clock::time_point accepted_at_ = clock::now();
    clock::time_point last_input_ = clock::now();
    bool authenticated_ = false;
    bool over_ = false;
    bool disconnect_pending_ = false;
    std::size_t failed_auths_ = 0;
    std::string user_;
    std::string fingerprint_;
    protocol::access_level access_ = protocol::access_level::read_only;
    std::unique_ptr<history> history_;
    std::vector<std::unique_ptr<session_channel>> channels_;
    std::vector<std::unique_ptr<session_channel>> opened_; ///< opened during a service(), not yet in channels_
};

} // namespace ember::remsh
