// The SSH server: the listening socket, the SSH thread's loop, and the
// limit on connections that have not authenticated (server.hpp).
//
// Sections: [listening] [the SSH thread] [server]

#include "ember/remsh/server.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <mutex>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

#include "audit_log.hpp"
#include "authorized_keys.hpp"
#include "connection.hpp"
#include "host_key.hpp"
#include "server_context.hpp"

namespace ember::remsh {
namespace {

// Algorithms offered, strongest first; nothing older is negotiable.
constexpr const char* key_exchanges = "curve25519-sha256,curve25519-sha256@libssh.org";
constexpr const char* ciphers = "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com";
// Unused with the AEAD ciphers above, but libssh wants a list.
constexpr const char* macs = "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com";
constexpr const char* host_key_algorithms = "ssh-ed25519";
constexpr const char* user_key_types =
    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256";

// How often the loop looks at the clock when nothing happens (login grace,
// idle timeouts): coarse, since those limits are seconds.
constexpr int tick_ms = 100;

// [listening] ----------------------------------------------------------------

struct listener {
    int fd = -1;
    std::string address;
    std::uint16_t port = 0;
    bool loopback = true;
};

bool is_loopback(const sockaddr_storage& a) {
    if (a.ss_family == AF_INET) return (ntohl(reinterpret_cast<const sockaddr_in&>(a).sin_addr.s_addr) >> 24) == 127;
    if (a.ss_family == AF_INET6) {
        const auto& in6 = reinterpret_cast<const sockaddr_in6&>(a).sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(&in6);
    }
    return false;
}

std::string address_text(const sockaddr_storage& a) {
    char host[INET6_ADDRSTRLEN] = {};
    std::uint16_t port = 0;
    if (a.ss_family == AF_INET) {
        const auto& in = reinterpret_cast<const sockaddr_in&>(a);
        ::inet_ntop(AF_INET, &in.sin_addr, host, sizeof host);
        port = ntohs(in.sin_port);
        return std::string(host) + ":" + std::to_string(port);
    }
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(a);
    ::inet_ntop(AF_INET6, &in6.sin6_addr, host, sizeof host);
    port = ntohs(in6.sin6_port);
    return std::string("[").append(host).append("]:").append(std::to_string(port));
}

expected<listener, std::string> listen_on(const server_options& o) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
    addrinfo* found = nullptr;
    const std::string port_text = std::to_string(o.port);
    if (int rc = ::getaddrinfo(o.address.c_str(), port_text.c_str(), &hints, &found); rc != 0)
        return unexpected("ssh: cannot listen on '" + o.address + "': not a numeric address (" + ::gai_strerror(rc) + ")");
    sockaddr_storage where{};
    std::memcpy(&where, found->ai_addr, found->ai_addrlen);
    const socklen_t where_len = found->ai_addrlen;
    ::freeaddrinfo(found);
    if (!is_loopback(where) && !o.allow_remote)
        return unexpected("ssh: " + o.address +
                          " is not a loopback address; the shell can kill any process of the node, so say --ssh-allow-remote to listen there");
    const int fd = ::socket(where.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return unexpected(std::string("ssh: socket: ") + std::strerror(errno));
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&where), where_len) != 0 || ::listen(fd, 256) != 0) {
        const std::string why = std::strerror(errno);
        ::close(fd);
        return unexpected("ssh: cannot listen on " + o.address + ":" + port_text + ": " + why);
    }
    sockaddr_storage bound{};
    socklen_t bound_len = sizeof bound;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_len);
    listener l{fd, o.address, 0, is_loopback(where)};
    l.port = bound.ss_family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in&>(bound).sin_port)
                                        : ntohs(reinterpret_cast<sockaddr_in6&>(bound).sin6_port);
    return l;
}

// TCP keepalive finds a client that vanished without a FIN (a laptop
// closed, a cable pulled) in about keepalive + 3 * 5 s.
void keep_alive(int fd, std::chrono::milliseconds idle) {
    const int one = 1;
    const int idle_s = std::max(1, static_cast<int>(idle.count() / 1000));
    const int interval = 5;
    const int count = 3;
    ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle_s, sizeof idle_s);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

} // namespace

// [the SSH thread] -------------------------------------------------------------

struct server::state {
    query::engine& engine;
    server_options options;
    authorized_keys keys;
    audit_log audit;
    std::string fingerprint;
    std::string public_key;
    listener listening;
    int wake_fd = -1;
    ssh_bind bind = nullptr;
    ssh_event event = nullptr;
    server_context context;
    std::vector<std::unique_ptr<connection>> connections;
    std::atomic<bool> stopping{false};
    std::thread thread;
    server::counts totals; ///< the SSH thread's own: accepted, pushed_out, refused
    mutable std::mutex counts_mutex;
    server::counts counts; ///< what current() reads, copied at each step

    state(query::engine& e, server_options o, authorized_keys k, audit_log a)
        : engine(e), options(std::move(o)), keys(std::move(k)), audit(std::move(a)),
          context{engine, options, keys, audit, [this] { wake(); }, {}, 0} {}

    ~state() {
        if (event) {
            // ssh_event_free frees what ssh_event_add_fd made only for fds
            // still in the event when removed first.
            if (listening.fd >= 0) ssh_event_remove_fd(event, listening.fd);
            if (wake_fd >= 0) ssh_event_remove_fd(event, wake_fd);
            ssh_event_free(event);
        }
        if (bind) ssh_bind_free(bind);
        if (listening.fd >= 0) ::close(listening.fd);
        if (wake_fd >= 0) ::close(wake_fd);
    }

    void wake() const {
        const std::uint64_t one = 1;
        [[maybe_unused]] auto n = ::write(wake_fd, &one, sizeof one);
    }

    void drain_wake() const {
        std::uint64_t n = 0;
        [[maybe_unused]] auto r = ::read(wake_fd, &n, sizeof n);
    }

    std::size_t unauthenticated() const {
        return static_cast<std::size_t>(std::count_if(connections.begin(), connections.end(), [](const auto& c) { return !c->authenticated() && !c->over(); }));
    }

    std::size_t authenticated() const {
        return static_cast<std::size_t>(std::count_if(connections.begin(), connections.end(), [](const auto& c) { return c->authenticated() && !c->over(); }));
    }

    void accept_all() {
        for (;;) {
            sockaddr_storage peer{};
            socklen_t len = sizeof peer;
            const int fd = ::accept4(listening.fd, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC);
            if (fd < 0) return; // EAGAIN: all taken; anything else: try again next poll
            const std::string who = address_text(peer);
            totals.accepted += 1;
            if (authenticated() >= options.max_connections) {
                // Every slot is an authenticated operator: a newcomer waits
                // for one to leave.
                totals.refused += 1;
                audit.write("refused", {{"peer", who}, {"reason", "max_connections reached"}});
                ::close(fd);
                continue;
            }
            if (unauthenticated() >= options.max_unauthenticated) push_out_oldest_unauthenticated();
            keep_alive(fd, options.keepalive);
            start_connection(fd, who);
        }
    }

    // MaxStartups, made so that idle connections cannot lock an operator
    // out: the newest connection gets a slot and the one that has had the
    // longest to authenticate (and did not) goes.
    void push_out_oldest_unauthenticated() {
        connection* oldest = nullptr;
        for (auto& c : connections)
            if (!c->authenticated() && !c->over() && (!oldest || c->accepted_at() < oldest->accepted_at())) oldest = c.get();
        if (!oldest) return;
        totals.pushed_out += 1;
        oldest->drop("pushed out by a newer connection (max_unauthenticated reached)");
    }

    void start_connection(int fd, const std::string& who) {
        ssh_session session = ssh_new();
        if (!session) {
            ::close(fd);
            return;
        }
        const long timeout_s = std::max<long>(1, static_cast<long>(options.io_timeout.count() / 1000));
        ssh_options_set(session, SSH_OPTIONS_TIMEOUT, &timeout_s);
        if (ssh_bind_accept_fd(bind, session, fd) != SSH_OK) {
            audit.write("disconnect", {{"peer", who}, {"reason", std::string("accept: ") + ssh_get_error(bind)}});
            ssh_free(session); // closes fd when libssh took it
            return;
        }
        auto c = std::make_unique<connection>(context, session, who);
        audit.write("connect", {{"peer", who}});
        if (!c->begin(event)) return; // audited; its destructor frees the session
        connections.push_back(std::move(c));
    }

    void run() {
        while (!stopping.load(std::memory_order_acquire)) {
            ssh_event_dopoll(event, tick_ms);
            step();
        }
        const auto now = connection::clock::now();
        for (auto& c : connections) {
            c->drop("the node is stopping");
            c->service(now); // sends the disconnect message
        }
        connections.clear();
        for (auto& job : context.orphans) job->cancel();
        context.orphans.clear(); // joins them: they end at their next look at the console or request timeout
    }

    void step() {
        drain_wake();
        accept_all();
        const auto now = connection::clock::now();
        std::erase_if(connections, [&](const std::unique_ptr<connection>& c) { return !c->service(now); });
        std::erase_if(context.orphans, [](const std::shared_ptr<command_job>& j) { return j->done(); });
        server::counts now_counts = totals;
        now_counts.unauthenticated = unauthenticated();
        now_counts.authenticated = authenticated();
        now_counts.channels = 0;
        for (const auto& c : connections) now_counts.channels += c->channel_count();
        now_counts.running_commands = context.running_commands;
        std::lock_guard lock(counts_mutex);
        counts = now_counts;
    }
};

// [server] -----------------------------------------------------------------------

namespace {

int on_readable(socket_t, int, void*) { return 0; } // the loop reads them after the poll

} // namespace

expected<std::unique_ptr<server>, std::string> server::start(query::engine& engine, server_options options) {
    if (options.state_dir.empty()) return unexpected(std::string("ssh: a state directory is needed (--state-dir) for the host key"));
    if (options.authorized_keys.empty())
        return unexpected(std::string("ssh: say which keys may log in (--authorized-keys FILE, in OpenSSH's authorized_keys format)"));
    if (options.node_name.empty()) options.node_name = std::string(local_node().name.name());
    auto host = load_or_create_host_key(options.state_dir);
    if (!host) return unexpected("ssh: " + host.error());
    auto keys = authorized_keys::load(options.authorized_keys);
    if (!keys) return unexpected("ssh: " + keys.error());
    auto audit = audit_log::open(options.state_dir / "audit.log", options.audit_to_stderr);
    if (!audit) return unexpected("ssh: " + audit.error());

    auto s = std::make_unique<state>(engine, std::move(options), std::move(*keys), std::move(*audit));
    s->fingerprint = host->fingerprint;
    s->public_key = host->public_line;
    auto l = listen_on(s->options);
    if (!l) return unexpected(l.error());
    s->listening = *l;
    if (!s->listening.loopback)
        s->audit.write("warning", {{"listening", s->options.address}, {"reason", "not loopback: any host that reaches it may try to log in"}});
    s->wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (s->wake_fd < 0) return unexpected(std::string("ssh: eventfd: ") + std::strerror(errno));

    s->bind = ssh_bind_new();
    if (!s->bind) return unexpected(std::string("ssh: libssh could not make its server object"));
    // libssh reads /etc/ssh/libssh_server_config unless told not to: the
    // node's settings are these and nothing else.
    const bool no_config = false;
    int verbosity = SSH_LOG_NOLOG;
    bool ok = ssh_bind_options_set(s->bind, SSH_BIND_OPTIONS_PROCESS_CONFIG, &no_config) == SSH_OK &&
              ssh_bind_options_set(s->bind, SSH_BIND_OPTIONS_LOG_VERBOSITY, &verbosity) == SSH_OK &&
              ssh_bind_options_set(s->bind, SSH_BIND_OPTIONS_KEY_EXCHANGE, key_exchanges) == SSH_OK &&
              ssh_bind_options_set(s->bind, SSH_BIND_OPTIONS_CIPHERS_C_S, ciphers) == SSH_OK &&
              ssh_bind_options_set(s->bind, SSH_BIND_OPTIONS_CIPHERS_S_C, ciphers) == SSH_OK &&
              ssh_bind_options_set(s->bind, SSH_BIND_OPTIONS_HMAC_C_S, macs) == SSH_OK &&
              ssh_bind_options_set(s->bind, SSH_BIND_OPTIONS_HMAC_S_C, macs) == SSH_OK &&
              ssh_bind_options_set(s->bind, SSH_BIND_OPTIONS_HOSTKEY_ALGORITHMS, host_key_algorithms) == SSH_OK &&
              ssh_bind_options_set(s->bind, SSH_BIND_OPTIONS_PUBKEY_ACCEPTED_KEY_TYPES, user_key_types) == SSH_OK;
    // The bind takes the key and frees it with itself.
    ok = ok && ssh_bind_options_set(s->bind, SSH_BIND_OPTIONS_IMPORT_KEY, host->key.release()) == SSH_OK;
    if (!ok) return unexpected(std::string("ssh: libssh refused a setting: ") + ssh_get_error(s->bind));

    s->event = ssh_event_new();
    if (!s->event || ssh_event_add_fd(s->event, s->listening.fd, POLLIN, &on_readable, nullptr) != SSH_OK ||
        ssh_event_add_fd(s->event, s->wake_fd, POLLIN, &on_readable, nullptr) != SSH_OK)
        return unexpected(std::string("ssh: cannot poll the listening socket"));

    auto* raw = s.get();
    raw->thread = std::thread([raw] {
        raw->run();
    });
    // The wake-up is drained inside the loop's step; the callback above
    // only ends the poll.
    return std::unique_ptr<server>(new server(std::move(s)));
}

server::server(std::unique_ptr<state> s) : state_(std::move(s)) {}

server::~server() {
    state_->stopping.store(true, std::memory_order_release);
    state_->wake();
    if (state_->thread.joinable()) state_->thread.join();
}

std::string server::endpoint() const {
    const auto& a = state_->listening.address;
    const bool v6 = a.find(':') != std::string::npos;
    return (v6 ? "[" + a + "]" : a) + ":" + std::to_string(state_->listening.port);
}

std::uint16_t server::port() const { return state_->listening.port; }
std::string server::host_key_fingerprint() const { return state_->fingerprint; }
std::string server::host_public_key() const { return state_->public_key; }

server::counts server::current() const {
    std::lock_guard lock(state_->counts_mutex);
    return state_->counts;
}

} // namespace ember::remsh
