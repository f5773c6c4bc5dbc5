// One SSH connection: key exchange, authentication, limits, channels
// (connection.hpp).

#include "connection.hpp"

#include <algorithm>

#include "history.hpp"
#include "session_channel.hpp"

namespace ember::remsh {
namespace {

// A file name for a key's history: its fingerprint without the characters
// a path cannot hold ("SHA256:ab/c+d" -> "SHA256_ab_c-d").
std::string history_file_name(std::string fingerprint) {
    for (char& c : fingerprint)
        if (c == '/' || c == ':') c = '_';
        else if (c == '+') c = '-';
    return fingerprint;
}

} // namespace

connection::connection(server_context& context, ssh_session session, std::string peer)
    : context_(context), session_(session), peer_(std::move(peer)) {}

connection::~connection() {
    opened_.clear(); // before the session that owns their libssh channels
    channels_.clear();
    if (event_) ssh_event_remove_session(event_, session_);
    ssh_free(session_);
}

bool connection::begin(ssh_event event) {
    callbacks_.userdata = this;
    callbacks_.auth_pubkey_function = &connection::on_auth_pubkey;
    callbacks_.service_request_function = &connection::on_service_request;
    callbacks_.channel_open_request_session_function = &connection::on_channel_open;
    ssh_callbacks_init(&callbacks_);
    ssh_set_server_callbacks(session_, &callbacks_);
    ssh_set_auth_methods(session_, SSH_AUTH_METHOD_PUBLICKEY);
    ssh_set_blocking(session_, 0);
    // Starts the key exchange; without blocking it returns at once and the
    // rest happens as the event is polled.
    if (ssh_handle_key_exchange(session_) == SSH_ERROR) {
        context_.audit.write("disconnect", {{"peer", peer_}, {"reason", std::string("key exchange: ") + ssh_get_error(session_)}});
        return false;
    }
    if (ssh_event_add_session(event, session_) != SSH_OK) {
        context_.audit.write("disconnect", {{"peer", peer_}, {"reason", "cannot poll the connection"}});
        return false;
    }
    event_ = event;
    return true;
}

std::string_view connection::role_text() const { return access_ == protocol::access_level::admin ? "admin" : "read-only"; }

int connection::on_auth_pubkey(ssh_session, const char* user, ssh_key_struct* key, char signature_state, void* self) {
    auto& c = *static_cast<connection*>(self);
    const authorized_key* known = key ? c.context_.keys.find(key) : nullptr;
    const std::string who = user ? std::string(user) : std::string();
    // A client asking whether a key would do (no signature): saying yes
    // lets nobody in, it must now sign with that key.
    if (signature_state == SSH_PUBLICKEY_STATE_NONE && known) return SSH_AUTH_SUCCESS;
    if (signature_state != SSH_PUBLICKEY_STATE_VALID || !known) {
        c.failed_auths_ += 1;
        c.context_.audit.write("auth", {{"peer", c.peer_},
                                        {"user", who},
                                        {"key", key ? remsh::fingerprint(key) : std::string()},
                                        {"outcome", "refused"},
                                        {"reason", !known ? "unknown key" : "bad signature"}});
        if (c.failed_auths_ >= c.context_.options.max_auth_tries) c.drop("too many authentication failures");
        return SSH_AUTH_DENIED;
    }
    c.authenticated_ = true;
    c.user_ = who;
    c.fingerprint_ = known->fingerprint;
    c.access_ = known->role == role::admin ? protocol::access_level::admin : protocol::access_level::read_only;
    c.last_input_ = clock::now();
    c.context_.audit.write("auth", {{"peer", c.peer_},
                                    {"user", who},
                                    {"key", c.fingerprint_},
                                    {"comment", known->comment},
                                    {"role", std::string(c.role_text())},
                                    {"outcome", "accepted"}});
    // The key's history, kept across its sessions.
    const auto dir = c.context_.options.state_dir / "history";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (!ec) std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
    c.history_ = std::make_unique<history>(dir / history_file_name(c.fingerprint_));
    (void)c.history_->load(); // an unreadable history leaves it empty; the session goes on
    return SSH_AUTH_SUCCESS;
}

int connection::on_service_request(ssh_session, const char* service, void* self) {
    auto& c = *static_cast<connection*>(self);
    // Only user authentication is a service here; anything else before it
    // is a client out of order.
    if (service && std::string_view(service) == "ssh-userauth") return 0;
    c.context_.audit.write("disconnect", {{"peer", c.peer_}, {"reason", std::string("service request for ") + (service ? service : "?")}});
    c.over_ = true; // libssh disconnects it on our non-zero answer
    return -1;
}

ssh_channel connection::on_channel_open(ssh_session session, void* self) {
    auto& c = *static_cast<connection*>(self);
    if (c.over_) return nullptr; // dropped: it opens nothing more
    // libssh's filter refuses a channel before authentication already; the
    // check stays here too, since the cost of trusting one layer is a node.
    if (!c.authenticated_) {
        c.drop("channel open before authentication");
        return nullptr;
    }
    if (c.channels_.size() + c.opened_.size() >= c.context_.options.max_channels_per_connection) {
        c.context_.audit.write("refused", {{"peer", c.peer_}, {"key", c.fingerprint_}, {"reason", "too many sessions on one connection"}});
        return nullptr;
    }
    ssh_channel ch = ssh_channel_new(session);
    if (!ch) return nullptr;
    c.last_input_ = clock::now(); // opening a session is the operator at work
    // Kept aside until service() is done walking channels_: libssh calls
    // this from inside whatever libssh call a channel's service() makes.
    c.opened_.push_back(std::make_unique<session_channel>(c, ch));
    return ch;
}

void connection::audit_command(const std::string& line, std::string_view outcome, const std::string& error, std::chrono::milliseconds took) {
    context_.audit.write("command", {{"peer", peer_},
                                     {"key", fingerprint_},
                                     {"role", std::string(role_text())},
                                     {"command", line},
                                     {"outcome", std::string(outcome)},
                                     {"error", error},
                                     {"ms", std::to_string(took.count())}});
}

void connection::drop(const std::string& reason) {
    if (over_) return;
    end(reason);
    // Sent at the next service(), outside libssh's callbacks: drop() is
    // called from them, and libssh goes on using the session after a
    // callback returns.
    disconnect_pending_ = true;
}

void connection::end(const std::string& reason) {
    if (over_) return;
    context_.audit.write("disconnect", {{"peer", peer_}, {"key", fingerprint_}, {"reason", reason}});
    over_ = true;
}

bool connection::service(clock::time_point now) {
    if (!over_) {
        const int status = ssh_get_status(session_);
        if (status & (SSH_CLOSED | SSH_CLOSED_ERROR)) {
            const char* why = ssh_get_error(session_);
            end(why && *why ? std::string(why) : std::string("closed by the client"));
        }
    }
    if (!over_ && !authenticated_ && now - accepted_at_ > context_.options.login_grace) drop("not authenticated within the login grace time");
    std::erase_if(channels_, [](const std::unique_ptr<session_channel>& ch) { return !ch->service(); });
    for (auto& ch : opened_) channels_.push_back(std::move(ch));
    opened_.clear();
    if (!over_ && authenticated_) {
        const bool busy = std::any_of(channels_.begin(), channels_.end(), [](const auto& ch) { return ch->busy(); });
        if (busy) last_input_ = now;
        else if (now - last_input_ > context_.options.idle_timeout) drop("idle timeout");
    }
    if (!over_) return true;
    // Our channels go first: ssh_disconnect frees the session's libssh
    // channels, and theirs would then point at freed memory.
    opened_.clear();
    channels_.clear();
    if (disconnect_pending_) {
        disconnect_pending_ = false;
        ssh_disconnect(session_);
    }
    return false;
}

} // namespace ember::remsh
