// node_connection: the worker thread that connects, reconnects, subscribes
// and sends requests for one node, and poll(), which hands its results to
// the UI thread.
//
// Ordering: the worker does one blocking thing at a time (a connect, a
// reconnect, one request, one subscribe or unsubscribe) with `mu` released,
// then takes `mu` again to record the result and pick the next thing; so
// set_subscriptions(), request() and poll() are never held up by the
// network, only by another thread moving values under `mu`.
//
// Sections: [shared state] [worker] [public]

#include "ember/observer/node_connection.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <utility>

#include "ember/observer/history.hpp"

namespace ember::observer {

std::string_view connection_state_name(connection_state s) noexcept {
    switch (s) {
    case connection_state::disconnected: return "disconnected";
    case connection_state::connecting: return "connecting";
    case connection_state::connected: return "connected";
    case connection_state::refused: return "refused";
    case connection_state::unreachable: return "unreachable";
    case connection_state::mismatch: return "mismatch";
    case connection_state::lost: return "lost";
    }
    return "unknown";
}

// [shared state] ----------------------------------------------------------------

namespace {

using clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds loss_check_every{100}; // how late a loss may be noticed
constexpr std::uint64_t max_schedulers = 1024;

connection_state failed_state(const client::client_error& e) {
    switch (e.errc) {
    case client::client_errc::bad_token: return connection_state::refused;
    case client::client_errc::hello_refused: return connection_state::mismatch;
    default: return connection_state::unreachable;
    }
}

} // namespace

struct node_connection::shared {
    explicit shared(connection_options o) : options(tamed(std::move(o))) {}

    static connection_options tamed(connection_options o) {
        o.client.auto_reconnect = false;
        o.client.on_push = nullptr;
        return o;
    }

    const connection_options options; // read-only after construction

    std::mutex mu;
    std::condition_variable_any wake;

    // Asked by the public calls (mu).
    bool connect_asked = false;
    bool disconnect_asked = false;
    std::vector<subscription_spec> wanted;
    // A request, a trace to start (`trace` set) or one to stop (`stop`).
    struct job {
        std::uint64_t ticket = 0;
        term request;
        std::optional<protocol::trace_options> trace;
        bool stop = false;
    };
    std::deque<job> requests;
    std::uint64_t next_ticket = 1;

    // The connection (mu). `client` is replaced by the worker only; poll()
    // copies the pointer to take pushes without holding mu.
    std::shared_ptr<client::client> client;
    connection_state state = connection_state::disconnected;
    std::string last_error;
    std::string node_name;
    protocol::access_level access = protocol::access_level::read_only;
    std::int64_t protocol_version = 0;
    std::uint64_t generation = 0;
    // Subscriptions the node holds for us, by the client's id, and specs it
    // refused (not asked again until `wanted` changes).
    std::map<client::subscription_id, subscription_spec> active;
    std::vector<subscription_spec> refused;
    std::map<client::subscription_id, std::uint64_t> traces; // by the client's id: the ticket start_trace gave
    bool subscribing = false; // a subscribe is in flight: a push of an id not in `active` yet may be its first

    // Worker only.
    std::chrono::milliseconds delay{0};
    clock::time_point next_attempt{};

    // For poll() (mu).
    std::vector<connection_state> transitions;
    std::vector<arrival> arrivals;
    std::vector<request_result> replies;

    std::jthread worker; // last: started once everything above exists

    void enter(connection_state s) { // mu held
        if (s == state) return;
        state = s;
        transitions.push_back(s);
    }

    void run(std::stop_token stop);
    void first_connect(std::unique_lock<std::mutex>& lock);
    void reconnect(std::unique_lock<std::mutex>& lock);
    void connected(std::unique_lock<std::mutex>& lock);
    bool reconcile_due() const;
    void reconcile(std::unique_lock<std::mutex>& lock);
    void serve(std::unique_lock<std::mutex>& lock, job j);
    void close(std::unique_lock<std::mutex>& lock);
};

// [worker] ----------------------------------------------------------------------

void node_connection::shared::run(std::stop_token stop) {
    std::unique_lock lock(mu);
    while (!stop.stop_requested()) {
        if (disconnect_asked) {
            disconnect_asked = connect_asked = false;
            close(lock);
            enter(connection_state::disconnected);
            continue;
        }
        if (connect_asked) {
            connect_asked = false;
            if (state == connection_state::lost) next_attempt = clock::now(); // reconnect now, not after the backoff
            else if (state != connection_state::connecting && state != connection_state::connected) first_connect(lock);
            continue;
        }
        if (state == connection_state::connected && client && !client->connected()) {
            enter(connection_state::lost);
            last_error = "connection to " + options.where + " lost";
            delay = options.reconnect_delay;
            next_attempt = clock::now() + delay;
            continue;
        }
        if (state == connection_state::lost && clock::now() >= next_attempt) {
            reconnect(lock);
            continue;
        }
        if (state == connection_state::connected && !requests.empty()) {
            job j = std::move(requests.front());
            requests.pop_front();
            serve(lock, std::move(j));
            continue;
        }
        if (state != connection_state::connected && !requests.empty()) {
            for (auto& j : requests)
                if (!j.stop)
                    replies.push_back({j.ticket, unexpected(client::client_error{client::client_errc::connection_lost, atoms::undefined,
                                                                                 "not connected to " + options.where})});
            requests.clear();
            continue;
        }
        if (state == connection_state::connected && reconcile_due()) {
            reconcile(lock);
            continue;
        }
        // Nothing to do: wait for a call, the next reconnect attempt, or the
        // next look at whether the connection still stands.
        const auto until = state == connection_state::lost ? next_attempt : clock::now() + loss_check_every;
        wake.wait_until(lock, stop, until, [&] {
            return connect_asked || disconnect_asked || (!requests.empty()) || (state == connection_state::connected && reconcile_due());
        });
    }
    close(lock);
}

void node_connection::shared::first_connect(std::unique_lock<std::mutex>& lock) {
    enter(connection_state::connecting);
    lock.unlock();
    auto c = client::client::connect(options.where, options.token, options.client);
    lock.lock();
    if (!c) {
        last_error = c.error().describe();
        enter(failed_state(c.error()));
        return;
    }
    client = std::shared_ptr<client::client>(std::move(*c));
    connected(lock);
}

void node_connection::shared::reconnect(std::unique_lock<std::mutex>& lock) {
    auto c = client;
    lock.unlock();
    auto r = c->reconnect(); // renews the subscriptions the node had accepted
    lock.lock();
    if (r) {
        connected(lock);
        return;
    }
    last_error = r.error().describe();
    if (r.error().errc == client::client_errc::bad_token || r.error().errc == client::client_errc::hello_refused) {
        enter(failed_state(r.error()));
        return;
    }
    delay = std::min(delay * 2, std::max(options.reconnect_max_delay, options.reconnect_delay));
    next_attempt = clock::now() + delay;
}

// A connection was made (first or again): record the hello, then fetch what
// the charts need to show the past. The arrival is queued after the
// transition, so the UI sees "connected" first.
void node_connection::shared::connected(std::unique_lock<std::mutex>& lock) {
    const auto info = client->info();
    node_name = std::string(info.node.name());
    access = info.access;
    protocol_version = info.version;
    traces.clear(); // the node forgot them with the old connection; their pushes end there
    ++generation;
    enter(connection_state::connected);
    arrival a{generation, std::nullopt, {}};
    if (options.fetch_history_on_connect) {
        auto c = client;
        lock.unlock();
        if (auto sys = c->system()) {
            a.system = *sys;
            // A node's word is bounded here: no node has more schedulers than this.
            const auto names = history_series_names(static_cast<std::size_t>(std::min<std::uint64_t>(sys->schedulers, max_schedulers)));
            if (auto h = c->history(names)) a.history = std::move(*h);
        }
        lock.lock();
    }
    arrivals.push_back(std::move(a));
}

bool node_connection::shared::reconcile_due() const {
    for (const auto& [id, spec] : active)
        if (std::find(wanted.begin(), wanted.end(), spec) == wanted.end()) return true;
    for (const auto& spec : wanted) {
        const bool held = std::any_of(active.begin(), active.end(), [&](const auto& a) { return a.second == spec; });
        if (!held && std::find(refused.begin(), refused.end(), spec) == refused.end()) return true;
    }
    return false;
}

// One step towards `wanted`: unsubscribing first, so a changed interval
// never holds two subscriptions of one kind against the node's limit.
void node_connection::shared::reconcile(std::unique_lock<std::mutex>& lock) {
    auto c = client;
    for (auto it = active.begin(); it != active.end(); ++it) {
        if (std::find(wanted.begin(), wanted.end(), it->second) != wanted.end()) continue;
        const auto id = it->first;
        active.erase(it); // its pushes are dropped from here on
        lock.unlock();
        (void)c->unsubscribe(id); // the client forgets it whatever the node says
        lock.lock();
        return;
    }
    for (const auto& spec : wanted) {
        const bool held = std::any_of(active.begin(), active.end(), [&](const auto& a) { return a.second == spec; });
        if (held || std::find(refused.begin(), refused.end(), spec) != refused.end()) continue;
        const subscription_spec s = spec; // `wanted` may change while mu is released
        subscribing = true;
        lock.unlock();
        auto id = c->subscribe(s.what, s.interval);
        lock.lock();
        subscribing = false;
        if (id) {
            active.emplace(*id, s);
        } else if (id.error().errc != client::client_errc::connection_lost) {
            last_error = id.error().describe();
            refused.push_back(s);
        } // lost: asked again once reconnected
        return;
    }
}

// One request, or a trace started or stopped, with mu released while it waits.
void node_connection::shared::serve(std::unique_lock<std::mutex>& lock, job j) {
    auto c = client;
    if (j.stop) {
        auto it = std::find_if(traces.begin(), traces.end(), [&](const auto& t) { return t.second == j.ticket; });
        if (it == traces.end()) return; // ended already
        const auto id = it->first;
        traces.erase(it); // its pushes are dropped from here on
        lock.unlock();
        (void)c->unsubscribe(id);
        lock.lock();
        return;
    }
    if (j.trace) {
        subscribing = true; // its first rows may come before trace() returns
        lock.unlock();
        auto id = c->trace(j.request, *j.trace);
        lock.lock();
        subscribing = false;
        if (id) {
            traces.emplace(*id, j.ticket);
            replies.push_back({j.ticket, term(atoms::ok)});
        } else {
            replies.push_back({j.ticket, unexpected(std::move(id.error()))});
        }
        return;
    }
    lock.unlock();
    auto value = c->request(j.request);
    lock.lock();
    replies.push_back({j.ticket, std::move(value)});
}

void node_connection::shared::close(std::unique_lock<std::mutex>& lock) {
    auto c = std::move(client);
    active.clear();
    traces.clear();
    refused.clear();
    if (!c) return;
    lock.unlock();
    c->close(); // poll() may still hold a copy; closing ends the connection now
    c.reset();
    lock.lock();
}

// [public] ----------------------------------------------------------------------

node_connection::node_connection(connection_options options) : shared_(std::make_shared<shared>(std::move(options))), where_(shared_->options.where) {
    shared_->worker = std::jthread([s = shared_.get()](std::stop_token stop) { s->run(stop); });
}

node_connection::~node_connection() {
    shared_->worker.request_stop();
    shared_->worker.join();
}

void node_connection::connect() {
    {
        std::lock_guard lock(shared_->mu);
        shared_->connect_asked = true;
        shared_->disconnect_asked = false;
    }
    shared_->wake.notify_all();
}

void node_connection::disconnect() {
    {
        std::lock_guard lock(shared_->mu);
        shared_->disconnect_asked = true;
        shared_->connect_asked = false;
    }
    shared_->wake.notify_all();
}

void node_connection::set_subscriptions(std::vector<subscription_spec> wanted) {
    {
        std::lock_guard lock(shared_->mu);
        if (wanted == shared_->wanted) return;
        shared_->wanted = std::move(wanted);
        shared_->refused.clear();
    }
    shared_->wake.notify_all();
}

std::uint64_t node_connection::request(term request) {
    std::uint64_t ticket = 0;
    {
        std::lock_guard lock(shared_->mu);
        ticket = shared_->next_ticket++;
        shared_->requests.push_back({ticket, std::move(request), std::nullopt, false});
    }
    shared_->wake.notify_all();
    return ticket;
}

std::uint64_t node_connection::start_trace(term who, protocol::trace_options options) {
    std::uint64_t ticket = 0;
    {
        std::lock_guard lock(shared_->mu);
        ticket = shared_->next_ticket++;
        shared_->requests.push_back({ticket, std::move(who), options, false});
    }
    shared_->wake.notify_all();
    return ticket;
}

void node_connection::stop_trace(std::uint64_t ticket) {
    {
        std::lock_guard lock(shared_->mu);
        shared_->requests.push_back({ticket, term(), std::nullopt, true});
    }
    shared_->wake.notify_all();
}

node_update node_connection::poll() {
    shared& s = *shared_;
    node_update u;
    std::shared_ptr<client::client> c;
    {
        std::lock_guard lock(s.mu);
        u.transitions = std::exchange(s.transitions, {});
        u.arrivals = std::exchange(s.arrivals, {});
        u.replies = std::exchange(s.replies, {});
        state_ = s.state;
        last_error_ = s.last_error;
        node_name_ = s.node_name;
        access_ = s.access;
        protocol_version_ = s.protocol_version;
        generation_ = s.generation;
        c = s.client;
    }
    std::vector<client::push> pushes = std::exchange(held_, {});
    if (c) c->take_pushes(pushes); // the client's own lock only: quick
    bool wake = false;
    {
        std::lock_guard lock(s.mu);
        for (auto& p : pushes) {
            if (auto t = s.traces.find(p.subscription); t != s.traces.end()) {
                const std::uint64_t ticket = t->second;
                // A push that could not be read is one lost row; anything
                // else with an error, or `ended`, is the trace's end.
                const bool unreadable = p.error && p.error->errc == client::client_errc::bad_reply;
                if (p.ended || (p.error && !unreadable)) s.traces.erase(t);
                u.pushes.push_back({subscription_spec{}, std::move(p), ticket});
                continue;
            }
            auto it = s.active.find(p.subscription);
            if (it == s.active.end()) {
                // Not recorded yet (its subscribe or trace is still
                // returning: even its end may come first) or already
                // unsubscribed: keep the first, drop the second.
                if (s.subscribing) held_.push_back(std::move(p));
                continue;
            }
            subscription_spec spec = it->second;
            const bool gone = p.ended || (p.error && p.error->errc == client::client_errc::server_error);
            if (gone) { // the node ended it, or refused to renew it: not asked again until `wanted` changes
                if (p.error) s.last_error = p.error->describe();
                s.refused.push_back(spec);
                s.active.erase(it);
                wake = true;
            }
            u.pushes.push_back({std::move(spec), std::move(p)});
        }
    }
    if (wake) s.wake.notify_all();
    return u;
}

} // namespace ember::observer
