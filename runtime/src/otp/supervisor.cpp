// The supervisor: a gen_server that starts its children in order, restarts
// them by its strategy within its intensity, stops them in reverse order,
// and publishes its tree and restart history for the tools.
// Sections: [children] [restarts] [callbacks] [public API]

#include "ember/runtime/supervisor.hpp"

#include <algorithm>
#include <deque>
#include <mutex>

#include "otp/node_services.hpp"
#include "otp/supervision_registry.hpp"

namespace ember::supervisor {

namespace {

namespace gs = gen_server;

const atom failed_to_start_child("failed_to_start_child");
const atom not_found("not_found");
const atom running_atom("running");
const atom ignore_atom("ignore");
const atom start_child_spec("$start_child_spec");
constexpr std::size_t history_length = 32;

// Child specs on their way to a running supervisor (start_child with a
// spec). A spec holds C++ functions, which a message cannot carry, so the
// caller leaves it here under a fresh reference and sends the reference;
// the supervisor takes it. The caller withdraws it once its call ends,
// however it ends, so nothing stays if the supervisor never reads it.
class spec_handoff {
public:
    void leave(const term& ref, child_spec s) {
        std::lock_guard lock(mutex_);
        specs_.emplace_back(ref, std::move(s));
    }
    std::optional<child_spec> take(const term& ref) {
        std::lock_guard lock(mutex_);
        auto it = std::ranges::find(specs_, ref, &std::pair<term, child_spec>::first);
        if (it == specs_.end()) return std::nullopt;
        child_spec s = std::move(it->second);
        specs_.erase(it);
        return s;
    }

private:
    std::mutex mutex_;
    std::vector<std::pair<term, child_spec>> specs_; // few at once, briefly
};

spec_handoff& handoff() {
    static spec_handoff h;
    return h;
}

/// Leaves a spec for the duration of one start_child call.
class spec_on_loan {
public:
    explicit spec_on_loan(child_spec s) : ref_(term::from_reference(make_reference())) { handoff().leave(ref_, std::move(s)); }
    ~spec_on_loan() { handoff().take(ref_); }
    spec_on_loan(const spec_on_loan&) = delete;
    spec_on_loan& operator=(const spec_on_loan&) = delete;
    term request() const { return term::tuple({start_child_spec, ref_}); }

private:
    term ref_;
};

struct child {
    child_spec spec;
    term args;                  // what start gets
    std::optional<pid> process; // nullopt while not running
};

bool is_shutdown_reason(const term& r) {
    return r == term(atoms::normal) || r == term(atoms::shutdown) || (r.is_tuple() && r.size() == 2 && r[0] == term(atoms::shutdown));
}

bool should_restart(restart how, const term& reason) {
    switch (how) {
    case restart::permanent: return true;
    case restart::transient: return !is_shutdown_reason(reason);
    case restart::temporary: return false;
    }
    return false;
}

class supervisor_server final : public gs::server {
public:
    explicit supervisor_server(spec s) : flags_(s.flags), specs_(std::move(s.children)) {}

    task<gs::init_result> init() override;
    task<gs::step> handle_call(term request, gs::from caller) override;
    task<gs::step> add_child(const term& ref);
    task<gs::step> start_new(child c);
    task<gs::step> handle_info(term message) override;
    task<void> terminate(term reason) override;
    term state_term() const override;

private:
    bool simple() const { return flags_.strategy == strategy::simple_one_for_one; }
    // [children]
    task<expected<pid, term>> start_one(child& c);
    task<void> stop_one(child& c);
    task<void> stop_all();
    std::optional<std::size_t> find_child(const term& id_or_pid) const;
    term which_children() const;
    term count_children() const;
    // [restarts]
    bool allow_restart(const child& c, const pid& old, const term& reason);
    task<bool> restart_group(std::size_t failed);
    void forget_stopped_temporaries();
    void publish() const;

    flags flags_;
    std::vector<child_spec> specs_; // as given; for simple_one_for_one, [template]
    std::vector<child> children_;   // in start order
    std::deque<std::int64_t> restart_times_ns_;
    std::deque<restart_record> history_;
    std::uint64_t restarts_total_ = 0;
};

ember::detail::node_services this_node() { return ember::detail::node_services::running(); }
std::uint64_t uptime_ms() { return this_node().uptime_ms(); }

// [children] ---------------------------------------------------------------------

task<expected<pid, term>> supervisor_server::start_one(child& c) {
    expected<pid, term> started = unexpected(term());
    try {
        started = co_await c.spec.start(c.args);
    } catch (const process_exit&) {
        throw;
    } catch (...) {
        started = unexpected(ember::detail::current_exception_reason());
    }
    if (started) c.process = *started;
    co_return started;
}

task<void> supervisor_server::stop_one(child& c) {
    if (!c.process) co_return;
    const pid p = *c.process;
    c.process.reset();
    const reference watch = monitor(p);
    const term ref = term::from_reference(watch), from = term::from_pid(p);
    unlink(p);
    // An 'EXIT' it sent before the unlink would read as a crash later.
    co_await receive([&](const term& m) { return m.is_tuple() && m.size() == 3 && m[0] == term(atoms::EXIT) && m[1] == from; },
                     std::chrono::milliseconds(0));
    const auto is_down = [&](const term& m) { return m.is_tuple() && m.size() == 5 && m[0] == term(atoms::DOWN) && m[1] == ref; };
    switch (c.spec.stop.what) {
    case shutdown::kind::brutal_kill:
        ember::exit(p, atoms::kill);
        co_await receive(is_down);
        break;
    case shutdown::kind::infinity:
        ember::exit(p, atoms::shutdown);
        co_await receive(is_down);
        break;
    case shutdown::kind::timeout:
        ember::exit(p, atoms::shutdown);
        if (!co_await receive(is_down, c.spec.stop.timeout)) {
            ember::exit(p, atoms::kill);
            co_await receive(is_down);
        }
        break;
    }
}

task<void> supervisor_server::stop_all() {
    for (auto it = children_.rbegin(); it != children_.rend(); ++it) co_await stop_one(*it);
}

std::optional<std::size_t> supervisor_server::find_child(const term& id_or_pid) const {
    for (std::size_t i = 0; i < children_.size(); ++i) {
        const child& c = children_[i];
        if (id_or_pid.is_pid() ? c.process && *c.process == id_or_pid.as_pid() : term(c.spec.id) == id_or_pid) return i;
    }
    return std::nullopt;
}

atom type_name(child_type t) { return t == child_type::supervisor ? atom("supervisor") : atom("worker"); }

term supervisor_server::which_children() const {
    std::vector<term> out;
    for (const child& c : children_)
        out.push_back(term::tuple({c.spec.id, c.process ? term::from_pid(*c.process) : term(atoms::undefined), type_name(c.spec.type), term()}));
    return term::list(out);
}

term supervisor_server::count_children() const {
    std::int64_t active = 0, supervisors = 0;
    for (const child& c : children_) {
        active += c.process ? 1 : 0;
        supervisors += c.spec.type == child_type::supervisor ? 1 : 0;
    }
    const auto pair = [](const char* k, std::int64_t v) { return term::tuple({atom(k), term::integer(v)}); };
    const auto specs = static_cast<std::int64_t>(children_.size());
    return term::list({pair("specs", specs), pair("active", active), pair("supervisors", supervisors), pair("workers", specs - supervisors)});
}

// [restarts] -------------------------------------------------------------------------

// Counts a restart against the intensity and records it. False when it is
// one too many: the supervisor must give up.
bool supervisor_server::allow_restart(const child& c, const pid& old, const term& reason) {
    const ember::detail::node_services n = this_node();
    const std::int64_t now = n.now_ns();
    const std::int64_t period_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(flags_.period).count();
    restart_times_ns_.push_back(now);
    while (!restart_times_ns_.empty() && now - restart_times_ns_.front() > period_ns) restart_times_ns_.pop_front();
    history_.push_back({uptime_ms(), c.spec.id, old, reason});
    if (history_.size() > history_length) history_.pop_front();
    ++restarts_total_;
    const std::size_t in_period = restart_times_ns_.size();
    if (in_period > flags_.intensity) return false;
    if (flags_.intensity - in_period <= n.restart_limit_margin())
        n.record_event({event_kind::restart_limit_near, self(), 0, uptime_ms(), in_period, flags_.intensity});
    return true;
}

// Restarts the child at `failed` and, by the strategy, its group: false
// when a start failed (the caller counts that as one more restart).
task<bool> supervisor_server::restart_group(std::size_t failed) {
    std::size_t first = failed, last = failed + 1;
    if (flags_.strategy == strategy::one_for_all) first = 0, last = children_.size();
    if (flags_.strategy == strategy::rest_for_one) last = children_.size();
    for (std::size_t i = last; i-- > first;)
        if (i != failed) co_await stop_one(children_[i]);
    for (std::size_t i = first; i < last; ++i) {
        child& c = children_[i];
        if (c.process || c.spec.restart_type == restart::temporary) continue; // temporaries stay down
        auto started = co_await start_one(c);
        if (!started && started.error() != term(ignore_atom)) co_return false;
    }
    co_return true;
}

// Temporary children, and dynamic ones, are forgotten once they are down.
void supervisor_server::forget_stopped_temporaries() {
    std::erase_if(children_, [this](const child& c) { return !c.process && (simple() || c.spec.restart_type == restart::temporary); });
}

void supervisor_server::publish() const {
    supervisor_stats s;
    s.id = self();
    s.strategy = strategy_name(flags_.strategy);
    s.intensity = flags_.intensity;
    s.period_ms = static_cast<std::uint64_t>(flags_.period.count());
    for (const child& c : children_) s.children.push_back({c.spec.id, c.process, type_name(c.spec.type), restart_name(c.spec.restart_type)});
    s.restarts.assign(history_.begin(), history_.end());
    s.restarts_total = restarts_total_;
    this_node().supervision().publish(std::move(s));
}

// [callbacks] ---------------------------------------------------------------------------

term bad_spec(const char* why, term detail = atoms::undefined) { return term::tuple({atom("bad_spec"), atom(why), std::move(detail)}); }
gs::step reply_error(term why) { return gs::reply(term::tuple({atoms::error, std::move(why)})); }
gs::step reply_started(const expected<pid, term>& started) {
    if (!started) return reply_error(started.error());
    return gs::reply(term::tuple({atoms::ok, term::from_pid(*started)}));
}

task<gs::init_result> supervisor_server::init() {
    trap_exit(true);
    if (simple() && specs_.size() != 1) co_return gs::init_stop(bad_spec("simple_one_for_one_needs_one_template"));
    for (std::size_t i = 0; i < specs_.size(); ++i) {
        if (!specs_[i].start) co_return gs::init_stop(bad_spec("no_start_function", specs_[i].id));
        for (std::size_t j = 0; j < i; ++j)
            if (specs_[j].id == specs_[i].id) co_return gs::init_stop(bad_spec("duplicate_child_id", specs_[i].id));
    }
    if (!simple()) {
        for (const child_spec& s : specs_) children_.push_back({s, s.args, std::nullopt});
        for (child& c : children_) {
            auto started = co_await start_one(c);
            if (started || started.error() == term(ignore_atom)) continue;
            co_await stop_all();
            co_return gs::init_stop(term::tuple({atoms::shutdown, term::tuple({failed_to_start_child, c.spec.id, started.error()})}));
        }
        forget_stopped_temporaries();
    }
    publish();
    co_return gs::init_ok();
}

task<gs::step> supervisor_server::handle_info(term m) {
    if (!(m.is_tuple() && m.size() == 3 && m[0] == term(atoms::EXIT) && m[1].is_pid())) co_return gs::noreply();
    const std::optional<std::size_t> found = find_child(m[1]);
    if (!found) co_return gs::noreply(); // a process we already let go of
    child& c = children_[*found];
    const pid old = *c.process;
    const term reason = m[2];
    c.process.reset();
    if (!should_restart(c.spec.restart_type, reason)) {
        forget_stopped_temporaries();
        publish();
        co_return gs::noreply();
    }
    // A start that fails counts as one more restart, until the intensity
    // says give up; then terminate stops the children.
    const std::size_t failed = *found;
    if (!allow_restart(c, old, reason)) {
        publish();
        co_return gs::stop(atoms::shutdown);
    }
    while (!co_await restart_group(failed)) {
        if (!allow_restart(children_[failed], old, atom("restart_failed"))) {
            publish();
            co_return gs::stop(atoms::shutdown);
        }
    }
    forget_stopped_temporaries();
    publish();
    co_return gs::noreply();
}

task<gs::step> supervisor_server::handle_call(term r, gs::from caller) {
    const auto tagged = [&r](const char* name) { return r.is_tuple() && r.size() == 2 && r[0] == term(atom(name)); };
    if (r == term(atom("which_children"))) co_return gs::reply(which_children());
    if (r == term(atom("count_children"))) co_return gs::reply(count_children());
    if (tagged("start_child")) {
        if (!simple()) co_return reply_error(atom("not_simple_one_for_one"));
        child c{specs_.front(), r[1], std::nullopt}; // named: GCC 12 and temporaries in co_await
        co_return co_await start_new(std::move(c));
    }
    if (r.is_tuple() && r.size() == 2 && r[0] == term(start_child_spec)) co_return co_await add_child(r[1]);
    if (tagged("terminate_child")) {
        const auto i = find_child(r[1]);
        if (!i || (simple() && !r[1].is_pid())) co_return reply_error(not_found);
        co_await stop_one(children_[*i]);
        forget_stopped_temporaries();
        publish();
        co_return gs::reply(atoms::ok);
    }
    if (tagged("restart_child") || tagged("delete_child")) {
        const auto i = simple() ? std::nullopt : find_child(r[1]);
        if (!i) co_return reply_error(not_found);
        if (children_[*i].process) co_return reply_error(running_atom);
        if (tagged("delete_child")) {
            children_.erase(children_.begin() + static_cast<std::ptrdiff_t>(*i));
            publish();
            co_return gs::reply(atoms::ok);
        }
        auto started = co_await start_one(children_[*i]);
        publish();
        co_return reply_started(started);
    }
    co_return co_await gs::server::handle_call(std::move(r), caller);
}

// Adds `c` last (so it stops first) and starts it. A failed start leaves
// no trace; an ignored one keeps its spec, not running, except under
// simple_one_for_one, where a child is nothing but its process.
task<gs::step> supervisor_server::start_new(child c) {
    children_.push_back(std::move(c));
    auto started = co_await start_one(children_.back());
    const bool kept = started || (started.error() == term(ignore_atom) && !simple());
    if (!kept) children_.pop_back();
    forget_stopped_temporaries();
    publish();
    co_return reply_started(started);
}

// start_child with a spec, as OTP's start_child(Sup, ChildSpec).
task<gs::step> supervisor_server::add_child(const term& ref) {
    std::optional<child_spec> s = handoff().take(ref);
    if (!s) co_return reply_error(atom("spec_withdrawn")); // its caller is gone
    if (simple()) co_return reply_error(atom("simple_one_for_one"));
    if (!s->start) co_return reply_error(bad_spec("no_start_function", s->id));
    if (const auto i = find_child(term(s->id))) {
        if (const auto& running = children_[*i].process) co_return reply_error(term::tuple({atom("already_started"), term::from_pid(*running)}));
        co_return reply_error(atom("already_present"));
    }
    child c{*s, s->args, std::nullopt}; // named: GCC 12 and temporaries in co_await
    co_return co_await start_new(std::move(c));
}

task<void> supervisor_server::terminate(term) {
    co_await stop_all();
    this_node().supervision().withdraw(self());
}

term supervisor_server::state_term() const {
    return term::map({{atom("strategy"), strategy_name(flags_.strategy)},
                      {atom("intensity"), term::integer(flags_.intensity)},
                      {atom("period_ms"), term::integer(flags_.period.count())},
                      {atom("children"), which_children()},
                      {atom("restarts"), term::integer(static_cast<std::int64_t>(restarts_total_))}});
}

} // namespace

// [public API] ------------------------------------------------------------------------------

atom strategy_name(strategy s) {
    switch (s) {
    case strategy::one_for_one: return atom("one_for_one");
    case strategy::one_for_all: return atom("one_for_all");
    case strategy::rest_for_one: return atom("rest_for_one");
    case strategy::simple_one_for_one: return atom("simple_one_for_one");
    }
    return atoms::undefined;
}

atom restart_name(restart r) {
    switch (r) {
    case restart::permanent: return atom("permanent");
    case restart::transient: return atom("transient");
    case restart::temporary: return atom("temporary");
    }
    return atoms::undefined;
}

namespace {
gs::start_options with_label(gs::start_options o) {
    if (!o.label) o.label = "supervisor";
    return o;
}
} // namespace

task<expected<pid, term>> start_link(spec s, gs::start_options o) { return gs::start_link<supervisor_server>(with_label(o), std::move(s)); }

expected<pid, term> start(node& n, spec s, gs::start_options o) { return gs::start<supervisor_server>(n, with_label(o), std::move(s)); }

child_spec supervisor_child(atom id, spec s) {
    return {id, [s](term) { return start_link(s); }, {}, restart::permanent, shutdown::infinity(), child_type::supervisor};
}

namespace {
// A reply of {ok, Pid} / ok / {error, R} as a value.
expected<pid, term> as_started(const expected<term, call_error>& r) {
    if (!r) return unexpected(r.error().reason);
    if (r->is_tuple() && r->size() == 2 && (*r)[0] == term(atoms::ok)) return (*r)[1].as_pid();
    return unexpected(r->is_tuple() && r->size() == 2 ? (*r)[1] : *r);
}
expected<void, term> as_done(const expected<term, call_error>& r) {
    if (!r) return unexpected(r.error().reason);
    if (*r == term(atoms::ok)) return {};
    return unexpected(r->is_tuple() && r->size() == 2 ? (*r)[1] : *r);
}
} // namespace

// (Requests are built before the co_await: GCC 12 cannot put an
// initializer list's array in a coroutine frame.)
task<expected<pid, term>> start_child(server_ref sup, term args) {
    const term request = term::tuple({atom("start_child"), std::move(args)});
    co_return as_started(co_await gs::call(sup, request, gs::infinity));
}
task<expected<pid, term>> start_child(server_ref sup, child_spec spec) {
    const spec_on_loan loan(std::move(spec));
    const term request = loan.request();
    co_return as_started(co_await gs::call(sup, request, gs::infinity));
}
task<expected<void, term>> terminate_child(server_ref sup, term id_or_pid) {
    const term request = term::tuple({atom("terminate_child"), std::move(id_or_pid)});
    co_return as_done(co_await gs::call(sup, request, gs::infinity));
}
task<expected<pid, term>> restart_child(server_ref sup, atom id) {
    const term request = term::tuple({atom("restart_child"), id});
    co_return as_started(co_await gs::call(sup, request, gs::infinity));
}
task<expected<void, term>> delete_child(server_ref sup, atom id) {
    const term request = term::tuple({atom("delete_child"), id});
    co_return as_done(co_await gs::call(sup, request, gs::infinity));
}
task<expected<term, call_error>> which_children(server_ref sup) { return gs::call(sup, atom("which_children"), gs::infinity); }
task<expected<term, call_error>> count_children(server_ref sup) { return gs::call(sup, atom("count_children"), gs::infinity); }

} // namespace ember::supervisor
