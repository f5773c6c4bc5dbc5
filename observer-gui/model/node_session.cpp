// node_session: one node as the views see it. update() is the only place
// where what the node said becomes state: pushes by their subscription,
// replies by their ticket, then the requests now due (table pages, process
// windows). Everything else here is bookkeeping the views call into.
//
// Sections: [actions] [term input] [session] [routing] [requests] [windows and actions] [trace]

#include "ember/observer/node_session.hpp"

#include <algorithm>
#include <utility>

#include "ember/client/decode.hpp"
#include "ember/render/text.hpp"
#include "ember/term/parse.hpp"
#include "ember/term/print.hpp"

namespace ember::observer {

namespace {

using clock = std::chrono::steady_clock;

term kind_atom(std::string_view name) { return term(atom(name)); }

bool is_noproc(const client::client_error& e) { return e.errc == client::client_errc::server_error && e.code.name() == "noproc"; }

} // namespace

// [actions] -------------------------------------------------------------------------

std::string_view action_kind_name(action_kind k) noexcept {
    switch (k) {
    case action_kind::kill: return "kill";
    case action_kind::exit: return "exit";
    case action_kind::suspend: return "suspend";
    case action_kind::resume: return "resume";
    case action_kind::send: return "send";
    }
    return "unknown";
}

term action::request() const {
    const term who = term::from_pid(pid);
    switch (kind) {
    case action_kind::exit:
    case action_kind::send: return term::tuple({kind_atom(action_kind_name(kind)), who, argument});
    default: return term::tuple({kind_atom(action_kind_name(kind)), who});
    }
}

// [term input] ----------------------------------------------------------------------

expected<term, term_input_error> parse_term_input(std::string_view text) {
    // Atoms typed here are the operator's: new ones are fine (the node
    // bounds its own atom table when it decodes them).
    auto t = parse(text);
    if (!t) return unexpected(term_input_error{t.error().offset, t.error().message});
    return std::move(*t);
}

// [session] -------------------------------------------------------------------------

node_session::node_session(connection_options options) : connection_(std::move(options)), subscriptions_(connection_) {
    table_.set_refresh(interval_of(subscriptions_.interval()));
}

std::string node_session::title() const {
    const std::string& name = connection_.node_name();
    return name.empty() ? connection_.where() : name;
}

void node_session::set_view(view_kind v) { subscriptions_.set_view(v); }

void node_session::set_interval(refresh_interval r) {
    subscriptions_.set_interval(r);
    table_.set_refresh(interval_of(r));
}

void node_session::update(clock::time_point now) {
    node_update u = connection_.poll();
    for (connection_state t : u.transitions)
        if (t == connection_state::lost || t == connection_state::disconnected) on_lost();
    for (const arrival& a : u.arrivals) on_connected(a);
    for (const tagged_push& p : u.pushes) {
        if (p.trace != 0) route_trace(p);
        else route_push(p);
    }
    for (request_result& r : u.replies) route_reply(r, now);
    if (connection_.state() == connection_state::connected) ask_due(now);
}

void node_session::fail(std::string message) { last_error_ = std::move(message); }

std::vector<const protocol::warning_row*> node_session::warnings_for(const ember::pid& p) const {
    std::vector<const protocol::warning_row*> out;
    for (const auto& w : warnings_)
        if (w.pid == p) out.push_back(&w);
    return out;
}

// [routing] -------------------------------------------------------------------------

void node_session::on_connected(const arrival& a) {
    if (a.generation > 1) history_.mark_gap();
    // A node that restarted numbers its events from 1 again.
    if (a.system && system_ && a.system->uptime_ms < system_->uptime_ms) events_.clear();
    if (a.system) system_ = a.system;
    history_.merge(a.history);
    updated_at_ = clock::now();
}

// The connection is gone: what was in flight will be answered with
// connection_lost (the worker does that); a trace ends with it.
void node_session::on_lost() {
    if (trace_ && (trace_->running || trace_->starting)) {
        trace_->running = trace_->starting = false;
        trace_->ended = "the connection to the node was lost";
    }
}

void node_session::route_push(const tagged_push& p) {
    if (p.push.error) {
        fail(p.push.error->describe());
        return;
    }
    const term& value = p.push.value;
    const std::string_view what = p.spec.what.is_atom() ? p.spec.what.as_atom().name() : std::string_view{};
    auto take = [&](auto& into) { // a push that does not read changes nothing
        using T = std::remove_reference_t<decltype(into)>;
        auto v = client::decode_reply<T>(what, value);
        if (!v) return fail(v.error().describe());
        into = std::move(*v);
        updated_at_ = clock::now();
    };
    if (what == "system") {
        auto v = client::decode_reply<protocol::system_info>(what, value);
        if (!v) return fail(v.error().describe());
        system_ = std::move(*v);
        updated_at_ = clock::now();
    } else if (what == "schedulers") {
        take(schedulers_);
    } else if (what == "history") {
        if (!history_.merge_push(value)) fail("push of history: not a list of series");
    } else if (what == "applications") {
        take(applications_);
    } else if (what == "warnings") {
        take(warnings_);
        events_arrived_ = true;
    } else if (what == "events") {
        events_arrived_ = true;
        // Each push holds the engine's recent events (oldest first); keep
        // the ones newer than the newest held, newest first.
        auto v = client::decode_reply<std::vector<protocol::event_row>>(what, value);
        if (!v) return fail(v.error().describe());
        const std::uint64_t newest = events_.empty() ? 0 : events_.front().seq;
        for (const auto& e : *v)
            if (events_.empty() || e.seq > newest) events_.push_front(e);
        std::stable_sort(events_.begin(), events_.end(), [](const auto& a, const auto& b) { return a.seq > b.seq; });
        while (events_.size() > max_events) events_.pop_back();
        updated_at_ = clock::now();
    }
}

void node_session::route_reply(request_result& r, clock::time_point now) {
    if (trace_ && trace_->ticket == r.ticket) { // the trace's start: taken, or why not
        if (!trace_->starting) return; // stopped meanwhile
        trace_->starting = false;
        trace_->running = r.value.has_value();
        if (!r.value) trace_->ended = r.value.error().describe();
        return;
    }
    auto it = tickets_.find(r.ticket);
    if (it == tickets_.end()) return; // asked before a reset, or the trace's start
    const pending p = std::move(it->second);
    tickets_.erase(it);
    switch (p.kind) {
    case ticket_kind::page: {
        if (!r.value) {
            table_.on_error(p.page, now);
            if (r.value.error().errc != client::client_errc::connection_lost) fail(r.value.error().describe());
            return;
        }
        auto page = client::decode_reply<protocol::processes_page>("processes", *r.value);
        if (!page) {
            table_.on_error(p.page, now);
            return fail(page.error().describe());
        }
        table_.on_page(p.page, *page, now);
        return;
    }
    case ticket_kind::window: {
        auto w = std::find_if(windows_.begin(), windows_.end(), [&](const process_window& x) { return x.pid == p.pid; });
        if (w == windows_.end() || w->ticket != r.ticket) return; // closed, or asked again since
        w->ticket = 0;
        w->fetched = now;
        if (!r.value) {
            w->error = r.value.error().describe();
            w->gone = is_noproc(r.value.error());
            return;
        }
        auto info = client::decode_reply<protocol::process_info_reply>("process_info", *r.value);
        if (!info) {
            w->error = info.error().describe();
            return;
        }
        w->info = std::move(*info);
        w->error.clear();
        w->gone = false;
        return;
    }
    case ticket_kind::action: {
        if (p.outcome < outcomes_base_) return; // dropped from the log
        action_outcome& o = outcomes_[p.outcome - outcomes_base_];
        o.done = true;
        o.ok = r.value.has_value();
        if (!r.value) o.error = r.value.error().describe();
        refresh_window(o.what.pid);
        return;
    }
    }
}

// [requests] ------------------------------------------------------------------------

void node_session::ask_due(clock::time_point now) {
    if (subscriptions_.view() == view_kind::processes) {
        for (const page_request& r : table_.take_requests(now)) {
            const std::uint64_t ticket = connection_.request(r.request());
            tickets_[ticket] = pending{ticket_kind::page, r, {}, 0};
        }
    }
    // Windows of a node not on screen (view none) keep what they show.
    const auto every = subscriptions_.view() == view_kind::none ? std::nullopt : interval_of(subscriptions_.interval());
    for (process_window& w : windows_) {
        if (w.ticket != 0 || w.gone) continue;
        const bool never = w.fetched == clock::time_point{};
        if (never || (every && now - w.fetched >= *every)) ask_window(w);
    }
}

void node_session::ask_window(process_window& w) {
    w.ticket = connection_.request(term::tuple({kind_atom("process_info"), term::from_pid(w.pid)}));
    tickets_[w.ticket] = pending{ticket_kind::window, {}, w.pid, 0};
}

// [windows and actions] -------------------------------------------------------------

void node_session::open_window(const ember::pid& p) {
    auto w = std::find_if(windows_.begin(), windows_.end(), [&](const process_window& x) { return x.pid == p; });
    if (w != windows_.end()) { // raise it: last is drawn on top
        process_window keep = std::move(*w);
        windows_.erase(w);
        windows_.push_back(std::move(keep));
        return;
    }
    if (windows_.size() >= max_windows) windows_.erase(windows_.begin());
    process_window n;
    n.pid = p;
    windows_.push_back(std::move(n));
    if (connection_.state() == connection_state::connected) ask_window(windows_.back());
}

void node_session::close_window(const ember::pid& p) {
    std::erase_if(windows_, [&](const process_window& x) { return x.pid == p; });
}

void node_session::refresh_window(const ember::pid& p) {
    auto w = std::find_if(windows_.begin(), windows_.end(), [&](const process_window& x) { return x.pid == p; });
    if (w == windows_.end()) return;
    w->gone = false;
    ask_window(*w); // a reply to the older ticket is ignored
}

void node_session::act(action a) {
    action_outcome o;
    o.text = std::string(action_kind_name(a.kind));
    o.text += ' ';
    o.text += render::pid_text(a.pid);
    if (a.kind == action_kind::exit || a.kind == action_kind::send) {
        o.text += ' ';
        o.text += to_string(a.argument);
    }
    const std::uint64_t ticket = connection_.request(a.request());
    o.what = std::move(a);
    outcomes_.push_back(std::move(o));
    tickets_[ticket] = pending{ticket_kind::action, {}, {}, outcomes_base_ + outcomes_.size() - 1};
    while (outcomes_.size() > max_outcomes) {
        outcomes_.pop_front();
        ++outcomes_base_;
    }
}

// [trace] ---------------------------------------------------------------------------

void node_session::start_trace(const ember::pid& p, protocol::trace_options options) {
    stop_trace();
    trace_session t;
    t.pid = p;
    t.options = options;
    t.starting = true;
    t.ticket = connection_.start_trace(term::from_pid(p), options);
    trace_ = std::move(t);
}

void node_session::stop_trace() {
    if (!trace_ || (!trace_->running && !trace_->starting)) return;
    connection_.stop_trace(trace_->ticket);
    trace_->running = trace_->starting = false;
    trace_->ended = "stopped";
}

void node_session::clear_trace() {
    stop_trace();
    trace_.reset();
}

void node_session::route_trace(const tagged_push& p) {
    if (!trace_ || trace_->ticket != p.trace) return; // an older trace's last rows
    trace_session& t = *trace_;
    if (p.push.ended) { // {ended, {complete, _}}: it gave its messages, or its process is gone
        t.running = t.starting = false;
        t.ended = std::string(p.push.ended->code.name());
        if (!p.push.ended->message.empty()) t.ended += ": " + p.push.ended->message;
        return;
    }
    if (p.push.error) {
        if (p.push.error->errc == client::client_errc::bad_reply) return fail(p.push.error->describe());
        t.running = t.starting = false;
        t.ended = p.push.error->describe();
        return;
    }
    auto row = client::decode_reply<protocol::trace_row>("trace", p.push.value);
    if (!row) return fail(row.error().describe());
    t.running = true;
    t.starting = false;
    t.dropped += row->dropped;
    t.rows.push_back(std::move(*row));
    while (t.rows.size() > trace_session::max_rows) t.rows.pop_front();
}

} // namespace ember::observer
