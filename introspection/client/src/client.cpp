// ember::client's calls: connect, the request/reply wait, the typed
// requests, subscriptions and the push queue. The connection itself (the
// hello, the reading thread, losses, reconnecting) is connection.cpp.
//
// A call registers its Ref before it sends, so a reply that comes back
// faster than the caller starts waiting still finds its slot; it sends on
// the connection it registered on or not at all (send_frame), so a call
// that was told "connection lost" never acts on a newer connection.
//
// Sections: [lifecycle] [requests] [typed requests] [subscriptions] [pushes]

#include "client_state.hpp"
#include "ember/client/decode.hpp"

namespace ember::client {
namespace {

term kind(protocol::request_kind k) { return atom(protocol::request_kind_name(k)); }

expected<void, client_error> drop_value(expected<term, client_error> r) {
    if (!r) return unexpected(std::move(r).error());
    return {};
}

template <class T>
expected<T, client_error> typed(expected<term, client_error> r, std::string_view what) {
    if (!r) return unexpected(std::move(r).error());
    return decode_reply<T>(what, *r);
}

// Sends `request` under a new Ref and waits for its reply. With `sub`, the
// Ref also names a new subscription from before the send (its first push
// may come right behind the reply), kept only when the node accepts it.
expected<term, client_error> call(client::state& s, const term& request, std::chrono::milliseconds timeout,
                                  std::optional<subscription> sub = std::nullopt, subscription_id* id_out = nullptr) {
    std::int64_t ref = 0;
    std::uint64_t generation = 0;
    subscription_id id = 0;
    {
        std::lock_guard lock(s.mu);
        if (!s.up) return unexpected(not_connected(s));
        ref = s.next_ref++;
        generation = s.generation;
        s.waiting[ref];
        if (sub) {
            id = s.next_subscription++;
            sub->ref = ref;
            s.subscriptions.emplace(id, std::move(*sub));
            s.by_ref[ref] = id;
        }
    }
    auto forget = [&] { // `mu` held
        s.waiting.erase(ref);
        if (id) {
            s.subscriptions.erase(id);
            s.by_ref.erase(ref);
        }
    };
    if (auto sent = send_frame(s, generation, protocol::encode_frame(term::tuple({term::integer(ref), request}))); !sent) {
        std::lock_guard lock(s.mu);
        forget();
        return unexpected(connection_lost(s, sent.error()));
    }
    std::unique_lock lock(s.mu);
    pending& slot = s.waiting[ref];
    if (!s.changed.wait_for(lock, timeout, [&] { return slot.result.has_value(); })) {
        forget();
        return unexpected(client_error{client_errc::timeout, atoms::undefined,
                                       "no reply from " + s.where_text + " within " + std::to_string(timeout.count()) + " ms"});
    }
    auto result = std::move(*slot.result);
    if (result) {
        s.waiting.erase(ref);
        if (id_out) *id_out = id;
    } else {
        forget();
    }
    return result;
}

} // namespace

// [lifecycle] -----------------------------------------------------------------

client::client(std::unique_ptr<state> s) : state_(std::move(s)) {}

client::~client() { close(); }

expected<std::unique_ptr<client>, client_error> client::connect(std::string_view where, std::string token, client_options options) {
    auto at = parse_endpoint(where);
    if (!at) return unexpected(std::move(at).error());
    auto s = std::make_unique<state>();
    s->where = std::move(*at);
    s->where_text = s->where.to_string();
    s->token = std::move(token);
    s->options = std::move(options);
    auto c = establish(*s);
    if (!c) return unexpected(std::move(c).error());
    state& st = *s;
    auto in = adopt(st, std::move(*c));
    st.reader = std::thread([&st, in = std::move(in)]() mutable { read_loop(st, std::move(in)); });
    return std::unique_ptr<client>(new client(std::move(s)));
}

protocol::hello_info client::info() const {
    std::lock_guard lock(state_->mu);
    return state_->info;
}

const endpoint& client::where() const noexcept { return state_->where; }

bool client::connected() const {
    std::lock_guard lock(state_->mu);
    return state_->up;
}

std::uint64_t client::connections() const {
    std::lock_guard lock(state_->mu);
    return state_->connections;
}

expected<void, client_error> client::reconnect() {
    state& s = *state_;
    std::lock_guard life(s.life);
    {
        std::lock_guard lock(s.mu);
        if (s.closed) return unexpected(not_connected(s));
    }
    stop_reader(s); // the old connection ends: its calls fail, its subscriptions are told
    auto c = establish(s);
    if (!c) {
        // Automatic reconnection goes on trying in the background.
        if (s.options.auto_reconnect) s.reader = std::thread([&s] { read_loop(s, std::nullopt); });
        std::lock_guard lock(s.mu);
        s.down_reason = c.error().describe();
        return unexpected(std::move(c).error());
    }
    auto in = adopt(s, std::move(*c));
    s.reader = std::thread([&s, in = std::move(in)]() mutable { read_loop(s, std::move(in)); });
    return {};
}

void client::close() {
    state& s = *state_;
    std::lock_guard life(s.life);
    {
        std::lock_guard lock(s.mu);
        s.closed = true;
    }
    stop_reader(s);
}

// [requests] --------------------------------------------------------------------

expected<term, client_error> client::request(const term& request) { return call(*state_, request, state_->options.request_timeout); }

expected<term, client_error> client::request(const term& request, std::chrono::milliseconds timeout) { return call(*state_, request, timeout); }

// [typed requests] --------------------------------------------------------------

using protocol::request_kind;

expected<protocol::processes_page, client_error> client::processes(const protocol::processes_options& options) {
    return typed<protocol::processes_page>(request(term::tuple({kind(request_kind::processes), to_term(options)})), "processes");
}

expected<protocol::process_info_reply, client_error> client::process_info(const term& who) {
    return typed<protocol::process_info_reply>(request(term::tuple({kind(request_kind::process_info), who})), "process_info");
}

expected<protocol::system_info, client_error> client::system() {
    return typed<protocol::system_info>(request(term::tuple({kind(request_kind::system)})), "system");
}

expected<std::vector<protocol::scheduler_row>, client_error> client::schedulers() {
    return typed<std::vector<protocol::scheduler_row>>(request(term::tuple({kind(request_kind::schedulers)})), "schedulers");
}

expected<std::vector<protocol::application_row>, client_error> client::applications() {
    return typed<std::vector<protocol::application_row>>(request(term::tuple({kind(request_kind::applications)})), "applications");
}

expected<std::vector<protocol::event_row>, client_error> client::events() {
    return typed<std::vector<protocol::event_row>>(request(term::tuple({kind(request_kind::events)})), "events");
}

expected<std::vector<protocol::warning_row>, client_error> client::warnings() {
    return typed<std::vector<protocol::warning_row>>(request(term::tuple({kind(request_kind::warnings)})), "warnings");
}

expected<std::vector<protocol::series>, client_error> client::history(std::span<const std::string> names, resolution every) {
    std::vector<term> list;
    for (const auto& n : names) list.push_back(term::binary(n));
    const term what = every == resolution::minute ? term::tuple({"minute"_atom, term::list(list)}) : term::list(list);
    return typed<std::vector<protocol::series>>(request(term::tuple({kind(request_kind::history), what})), "history");
}

expected<void, client_error> client::kill(const term& who) { return drop_value(request(term::tuple({kind(request_kind::kill), who}))); }

expected<void, client_error> client::exit(const term& who, const term& reason) {
    return drop_value(request(term::tuple({kind(request_kind::exit), who, reason})));
}

expected<void, client_error> client::suspend(const term& who) { return drop_value(request(term::tuple({kind(request_kind::suspend), who}))); }

expected<void, client_error> client::resume(const term& who) { return drop_value(request(term::tuple({kind(request_kind::resume), who}))); }

expected<void, client_error> client::send(const term& who, const term& message) {
    return drop_value(request(term::tuple({kind(request_kind::send), who, message})));
}

// [subscriptions] -----------------------------------------------------------------

expected<subscription_id, client_error> client::subscribe(const term& what, std::chrono::milliseconds interval) {
    const term req = term::tuple({kind(request_kind::subscribe), what, term::integer(interval.count())});
    subscription_id id = 0;
    auto r = call(*state_, req, state_->options.request_timeout, subscription{req, false, 0, false}, &id);
    if (!r) return unexpected(std::move(r).error());
    return id;
}

expected<subscription_id, client_error> client::trace(const term& who, const protocol::trace_options& options) {
    const term req = term::tuple({kind(request_kind::trace), who, to_term(options)});
    subscription_id id = 0;
    auto r = call(*state_, req, state_->options.request_timeout, subscription{req, true, 0, false}, &id);
    if (!r) return unexpected(std::move(r).error());
    return id;
}

expected<void, client_error> client::unsubscribe(subscription_id id) {
    state& s = *state_;
    std::int64_t ref = 0;
    {
        std::lock_guard lock(s.mu);
        auto it = s.subscriptions.find(id);
        if (it == s.subscriptions.end()) return {};
        ref = it->second.ref;
        s.by_ref.erase(ref);
        s.subscriptions.erase(it);
        // Queued pushes of it go too: none is delivered after this returns.
        std::erase_if(s.pushes, [id](const push& p) { return p.subscription == id; });
        if (!s.up || ref == 0) return {};
    }
    return drop_value(request(term::tuple({kind(request_kind::unsubscribe), term::integer(ref)})));
}

// [pushes] ------------------------------------------------------------------------

std::size_t client::take_pushes(std::vector<push>& out, std::size_t max) {
    std::lock_guard lock(state_->mu);
    auto& q = state_->pushes;
    const std::size_t n = std::min(max, q.size());
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(std::move(q.front()));
        q.pop_front();
    }
    return n;
}

std::optional<push> client::wait_push(std::chrono::milliseconds timeout) {
    std::unique_lock lock(state_->mu);
    auto& q = state_->pushes;
    if (!state_->changed.wait_for(lock, timeout, [&] { return !q.empty(); })) return std::nullopt;
    push p = std::move(q.front());
    q.pop_front();
    return p;
}

std::uint64_t client::dropped_pushes() const {
    std::lock_guard lock(state_->mu);
    return state_->dropped;
}

} // namespace ember::client
