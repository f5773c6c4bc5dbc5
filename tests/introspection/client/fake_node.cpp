// fake_node: one poll loop on its own thread over the listening socket, a
// wake-up pipe and the open connections. Reads frames with the protocol's
// frame_reader (atoms refused, as the agent does), answers the hello, then
// asks the handler. Only the node's thread closes a descriptor; the test's
// thread shuts connections down and the loop then closes them.

#include "fake_node.hpp"

#include <algorithm>
#include <cerrno>
#include <stdexcept>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ember/protocol/replies.hpp"
#include "ember/protocol/request.hpp"
#include "ember/protocol/token.hpp"
#include "introspection/render/sample_replies.hpp"

namespace ember::testing {

struct fake_node::connection {
    int fd = -1;
    protocol::frame_reader reader;
    std::atomic<bool> hello_done{false}; // read by push() on the test's thread
    std::atomic<bool> closing{false};
    protocol::access_level access = protocol::access_level::read_only;
    std::size_t number = 0;
};

namespace {

term ok(const term& v) { return term::tuple({atoms::ok, v}); }
term error(std::string_view code, std::string message) {
    return term::tuple({atoms::error, to_term(protocol::make_reason(code, std::move(message)))});
}

bool known_process(const term& who) {
    if (who.is_binary()) return who.text() == "<0.42.0>" || who.text() == "front_desk";
    if (who.is_pid()) return who.as_pid().id == 42;
    return who == atom("front_desk");
}

} // namespace

fake_node::fake_node(handler h, options o) : handler_(std::move(h)), options_(o) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_fd_, 64) != 0)
        throw std::runtime_error("fake_node: cannot listen on 127.0.0.1");
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("fake_node: no pipe");
    thread_ = std::thread([this] { serve(); });
}

fake_node::~fake_node() {
    stop_ = true;
    (void)!::write(wake_[1], "x", 1);
    thread_.join();
    for (auto& c : connections_) ::close(c->fd);
    ::close(listen_fd_);
    ::close(wake_[0]);
    ::close(wake_[1]);
}

void fake_node::serve() {
    std::vector<std::byte> buffer(64 * 1024);
    while (!stop_) {
        std::vector<pollfd> fds{{wake_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
        std::vector<connection*> conns;
        {
            std::lock_guard lock(mu_);
            for (auto& c : connections_) {
                fds.push_back({c->fd, POLLIN, 0});
                conns.push_back(c.get());
            }
        }
        if (::poll(fds.data(), fds.size(), 1000) <= 0) continue;
        if (fds[0].revents) {
            char drain[64];
            while (::read(wake_[0], drain, sizeof drain) > 0) {}
        }
        if (fds[1].revents & POLLIN) {
            const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd >= 0) {
                const int one = 1; // replies and pushes are small frames sent one by one: no Nagle delay
                ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                auto c = std::make_unique<connection>();
                c->fd = fd;
                std::lock_guard lock(mu_);
                c->number = ++accepted_;
                connections_.push_back(std::move(c));
            }
        }
        for (std::size_t i = 0; i < conns.size(); ++i) {
            connection& c = *conns[i];
            if (!fds[i + 2].revents) continue;
            const ssize_t n = ::recv(c.fd, buffer.data(), buffer.size(), 0);
            if (n <= 0) {
                c.closing = true;
            } else {
                std::span<const std::byte> in(buffer.data(), static_cast<std::size_t>(n));
                while (!c.closing) {
                    auto f = c.reader.read(in);
                    if (!f) {
                        if (!f.error().ref || f.error().fatal()) {
                            send_to(c, protocol::encode_frame(term::tuple({atoms::error, to_term(protocol::to_reason(f.error()))})));
                            c.closing = true;
                        } else {
                            send_to(c, protocol::encode_frame(
                                           to_term(protocol::reply_envelope{*f.error().ref, unexpected(protocol::to_reason(f.error()))})));
                        }
                        continue;
                    }
                    if (!*f) break;
                    on_frame(c, **f);
                }
            }
        }
        std::lock_guard lock(mu_);
        for (auto it = connections_.begin(); it != connections_.end();) {
            if ((*it)->closing) {
                ::close((*it)->fd);
                it = connections_.erase(it);
            } else {
                ++it;
            }
        }
    }
}

void fake_node::send_to(connection& c, const std::vector<std::byte>& bytes) {
    std::lock_guard lock(mu_);
    send_locked(c, bytes);
}

void fake_node::send_locked(connection& c, const std::vector<std::byte>& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = ::send(c.fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) continue;
            return;
        }
        sent += static_cast<std::size_t>(n);
    }
}

void fake_node::on_frame(connection& c, const term& t) {
    if (!c.hello_done) {
        if (!options_.answer_hello) return;
        auto h = from_term<protocol::hello>(t);
        term reply;
        if (!h) {
            reply = error("bad_hello", "the first frame must be {hello, Version, Token}");
        } else if (h->version != protocol::protocol_version) {
            reply = error("bad_version", "this node speaks version 1");
        } else if (protocol::tokens_equal(h->token, admin_token)) {
            c.access = protocol::access_level::admin;
        } else if (!protocol::tokens_equal(h->token, read_only_token)) {
            reply = error("bad_token", "token not accepted");
        }
        if (reply.is_tuple()) {
            send_to(c, protocol::encode_frame(reply));
            c.closing = true;
            return;
        }
        c.hello_done = true;
        send_to(c, protocol::encode_frame(to_term(protocol::hello_reply{protocol::hello_info{1, atoms::nonode_nohost, c.access}})));
        return;
    }
    auto env = from_term<protocol::request_envelope>(t);
    if (!env) {
        send_to(c, protocol::encode_frame(error("bad_request", env.error().message)));
        c.closing = true;
        return;
    }
    seen s{env->ref, env->request, c.access, c.number};
    {
        std::lock_guard lock(mu_);
        seen_.push_back(s);
    }
    const answer a = handler_(s);
    if (!a.raw.empty()) send_to(c, a.raw);
    else if (a.result) send_to(c, protocol::encode_frame(term::tuple({env->ref, *a.result})));
    for (const term& p : a.pushes) send_to(c, protocol::encode_frame(to_term(protocol::push_envelope{env->ref, p})));
    if (a.last_word) send_to(c, protocol::encode_frame(*a.last_word));
    if (a.close || a.last_word) c.closing = true;
}

void fake_node::push(const term& ref, const term& value) {
    const auto bytes = protocol::encode_frame(to_term(protocol::push_envelope{ref, value}));
    // Under mu_ throughout: the node's thread erases connections under it.
    std::lock_guard lock(mu_);
    for (auto& c : connections_)
        if (c->hello_done && !c->closing) send_locked(*c, bytes);
}

void fake_node::drop_connections() {
    std::lock_guard lock(mu_);
    for (auto& c : connections_) ::shutdown(c->fd, SHUT_RDWR);
}

std::size_t fake_node::accepted() const {
    std::lock_guard lock(mu_);
    return accepted_;
}

std::size_t fake_node::open_connections() const {
    std::lock_guard lock(mu_);
    return connections_.size();
}

std::vector<fake_node::seen> fake_node::requests() const {
    std::lock_guard lock(mu_);
    return seen_;
}

bool fake_node::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        {
            std::lock_guard lock(mu_);
            if (seen_.size() >= n) return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
}

std::optional<fake_node::seen> fake_node::last_request(std::string_view kind) const {
    std::lock_guard lock(mu_);
    for (auto it = seen_.rbegin(); it != seen_.rend(); ++it)
        if (it->request.is_tuple() && it->request.size() > 0 && it->request[0].is_atom() && it->request[0].as_atom().name() == kind) return *it;
    return std::nullopt;
}

fake_node::answer fake_node::canned(const seen& r) {
    using protocol::request_kind;
    auto req = protocol::parse_request(r.request);
    if (!req) return {term::tuple({atoms::error, to_term(req.error())})};
    const auto args = req->args();
    if (protocol::needs_admin(req->kind) && r.access != protocol::access_level::admin)
        return {error("needs_admin", std::string(protocol::request_kind_name(req->kind)) + " needs the admin token")};
    switch (req->kind) {
    case request_kind::processes: {
        auto o = protocol::processes_options_of(*req);
        if (!o) return {term::tuple({atoms::error, to_term(o.error())})};
        auto page = sample_page();
        if (page.rows.size() > o->limit) page.rows.resize(o->limit);
        return {ok(to_term(page))};
    }
    case request_kind::process_info:
        if (!known_process(args[0])) return {error("noproc", "no process " + to_string(args[0]))};
        return {ok(to_term(sample_info()))};
    case request_kind::schedulers: return {ok(to_term(sample_schedulers()))};
    case request_kind::system: return {ok(to_term(sample_system()))};
    case request_kind::applications: return {ok(to_term(sample_apps()))};
    case request_kind::events: return {ok(to_term(sample_events()))};
    case request_kind::warnings: return {ok(to_term(sample_warnings()))};
    case request_kind::history: {
        std::vector<protocol::series> out;
        const term names = args[0].is_tuple() && args[0].size() == 2 ? args[0][1] : args[0]; // {minute, Names}
        for (const term& name : names.elements()) {
            auto all = sample_series();
            auto it = std::find_if(all.begin(), all.end(),
                                   [&](const protocol::series& s) { return name == s.name || (name.is_binary() && name.text() == s.name.name()); });
            if (it == all.end()) return {error("bad_request", "history: unknown series " + to_string(name))};
            out.push_back(*it);
        }
        return {ok(to_term(out))};
    }
    case request_kind::kill:
    case request_kind::exit:
    case request_kind::suspend:
    case request_kind::resume:
    case request_kind::send:
        if (!known_process(args[0])) return {error("noproc", "no process " + to_string(args[0]))};
        return {ok(atoms::ok)};
    case request_kind::trace: {
        if (!known_process(args[0])) return {error("noproc", "no process " + to_string(args[0]))};
        answer a{ok(atoms::ok)};
        for (std::uint64_t i = 0; i < 3; ++i) a.pushes.push_back(to_term(sample_trace_row(i)));
        a.pushes.push_back(term::tuple({atom("ended"), to_term(protocol::make_reason("complete", "the trace ended"))}));
        return a;
    }
    case request_kind::subscribe:
    case request_kind::unsubscribe: return {ok(atoms::ok)};
    }
    return {error("unknown_request", "not served")};
}

std::uint16_t unused_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

} // namespace ember::testing
