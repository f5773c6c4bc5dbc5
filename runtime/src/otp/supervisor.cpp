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
const atom simple_one_for_one_atom("simple_one_for_one");
const atom start_child_spec("$start_child_spec");
// supervisor::which_children's request; answered [{Id, Pid | undefined, Type, Restart}].
const atom which_children_stats_request("$which_children_stats");
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
    return r == atoms::normal || r == atoms::shutdown || (r.is_tuple() && r.size() == 2 && r[0] == atoms::shutdown);
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
    task<gs::step> terminate_child(term which);
    task<gs::step> handle_info(term message) override;
    task<void> terminate(term reason) override;
    term state_term() const override;

private:
    bool simple() const { return flags_.strategy == strategy::simple_one_for_one; }
    // [children]
    task<expected<pid, term>> start_one(child& c);
    task<void> stop_one(child& c);
    task<void> stop_all();
    std::optional<std::size_t> find_child(const term& id) const;
    std::optional<std::size_t> find_child(const pid& p) const;
    std::vector<child_stats> child_list() const;
    term which_children() const;
    term which_children_stats() const;
    term count_children() const;
    // [restarts]
    bool allow_restart(const child& c, const pid& old, const term& reason);
    task<bool> restart_with_retries(std::size_t i, pid old, term reason);
    task<std::optional<std::size_t>> restart_group(std::size_t i);
    void forget_stopped_temporaries();
    void publish() const;

    flags flags_;
    std::vector<child_spec> specs_; // as given; for simple_one_for_one, [template]
    std::vector<child> children_;   // in start order (OTP keeps the reverse)
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
    unlink(p);
    // An 'EXIT' it sent before the unlink would read as a crash later.
    const auto its_exit = [&p](const term& m) { return is_exit_from(m, p); };
    co_await receive(its_exit, std::chrono::milliseconds(0));
    const auto is_down = [&watch](const term& m) { return is_down_of(m, watch); };
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

// Whether `p` runs, as erlang:is_process_alive: monitoring a process that
// has ended answers DOWN noproc at once (a process closes its mailbox
// before anyone hears of its end).
task<bool> is_running(pid p) {
    const reference watch = monitor(p);
    const auto is_down = [&watch](const term& m) { return is_down_of(m, watch); };
    if (co_await receive(is_down, std::chrono::milliseconds(0))) co_return false;
    demonitor(watch, true);
    co_return true;
}

task<void> supervisor_server::stop_all() {
    for (auto it = children_.rbegin(); it != children_.rend(); ++it) co_await stop_one(*it);
}

// By id: a pid is no id (ids are atoms), so it is never found, as in OTP.
std::optional<std::size_t> supervisor_server::find_child(const term& id) const {
    for (std::size_t i = 0; i < children_.size(); ++i)
        if (id == children_[i].spec.id) return i;
    return std::nullopt;
}

std::optional<std::size_t> supervisor_server::find_child(const pid& p) const {
    for (std::size_t i = 0; i < children_.size(); ++i)
        if (children_[i].process == p) return i;
    return std::nullopt;
}

atom type_name(child_type t) { return t == child_type::supervisor ? "supervisor"_atom : "worker"_atom; }

// In start order, the first started first: the order of the published
// stats and of supervisor::which_children's vector. A dynamic child has no
// id of its own: undefined, as OTP shows it.
std::vector<child_stats> supervisor_server::child_list() const {
    std::vector<child_stats> out;
    out.reserve(children_.size());
    for (const child& c : children_)
        out.push_back({simple() ? atoms::undefined : c.spec.id, c.process, type_name(c.spec.type), restart_name(c.spec.restart_type)});
    return out;
}

term pid_or_undefined(const std::optional<pid>& p) { return p ? term::from_pid(*p) : term(atoms::undefined); }

// The term forms list the children in OTP's order, the last added first
// (OTP keeps its ids newest first and lists them so); under
// simple_one_for_one, where OTP's order is a map's, the same.

// OTP's form: [{Id, Pid | undefined, Type, Modules}], Modules always [].
term supervisor_server::which_children() const {
    std::vector<term> out;
    const std::vector<child_stats> list = child_list();
    for (auto c = list.rbegin(); c != list.rend(); ++c) out.push_back(term::tuple({c->id, pid_or_undefined(c->process), c->type, term()}));
    return term::list(out);
}

// Ember's form, for supervisor::which_children: [{Id, Pid | undefined, Type, Restart}].
term supervisor_server::which_children_stats() const {
    std::vector<term> out;
    const std::vector<child_stats> list = child_list();
    for (auto c = list.rbegin(); c != list.rend(); ++c) out.push_back(term::tuple({c->id, pid_or_undefined(c->process), c->type, c->restart}));
    return term::list(out);
}

// simple_one_for_one has one spec, its template, however many children.
term supervisor_server::count_children() const {
    std::int64_t active = 0, supervisors = 0;
    for (const child& c : children_) {
        active += c.process ? 1 : 0;
        supervisors += c.spec.type == child_type::supervisor ? 1 : 0;
    }
    const auto pair = [](atom k, std::int64_t v) { return term::tuple({k, term::integer(v)}); };
    const auto children = static_cast<std::int64_t>(children_.size());
    const std::int64_t specs = simple() ? 1 : children;
    return term::list({pair("specs"_atom, specs), pair("active"_atom, active), pair("supervisors"_atom, supervisors),
                       pair("workers"_atom, children - supervisors)});
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

// OTP's restart/2 and its try_again: counts the restart of the child at
// `i` and restarts its group. When a start in the group fails, that counts
// as one more restart, and the failing child's group is restarted: under
// one_for_all every child again (those restarted in this round are stopped
// first), under rest_for_one the failing child and those after it (the ones
// before it stay up). So a child that can never start makes the supervisor
// give up once the intensity is spent. False: give up.
// (OTP leaves each retry to a message to itself, so calls can come in
// between; here the retries follow one another.)
task<bool> supervisor_server::restart_with_retries(std::size_t i, pid old, term reason) {
    if (!allow_restart(children_[i], old, reason)) co_return false;
    for (;;) {
        const std::optional<std::size_t> failed = co_await restart_group(i);
        if (!failed) co_return true;
        i = *failed;
        if (!allow_restart(children_[i], old, "restart_failed"_atom)) co_return false;
    }
}

// Stops the group of the child at `i`, by the strategy, in reverse order,
// then starts it in order, as OTP's restart_multiple_children; temporaries
// in it are stopped and stay down. Stops at the first start that fails
// (`ignore` is no failure) and returns that child. Indices stay valid: no
// child is forgotten here.
task<std::optional<std::size_t>> supervisor_server::restart_group(std::size_t i) {
    std::size_t first = i, last = i + 1;
    if (flags_.strategy == strategy::one_for_all) first = 0, last = children_.size();
    if (flags_.strategy == strategy::rest_for_one) last = children_.size();
    for (std::size_t k = last; k-- > first;) co_await stop_one(children_[k]);
    for (std::size_t k = first; k < last; ++k) {
        child& c = children_[k];
        if (c.spec.restart_type == restart::temporary) continue;
        auto started = co_await start_one(c);
        if (!started && started.error() != ignore_atom) co_return k;
    }
    co_return std::nullopt;
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
    s.children = child_list();
    s.restarts.assign(history_.begin(), history_.end());
    s.restarts_total = restarts_total_;
    this_node().supervision().publish(std::move(s));
}

// [callbacks] ---------------------------------------------------------------------------

term bad_spec(atom why, term detail = atoms::undefined) { return term::tuple({"bad_spec"_atom, why, std::move(detail)}); }
gs::step reply_error(term why) { return gs::reply(term::tuple({atoms::error, std::move(why)})); }
gs::step reply_started(const expected<pid, term>& started) {
    if (!started) return reply_error(started.error());
    return gs::reply(term::tuple({atoms::ok, term::from_pid(*started)}));
}

task<gs::init_result> supervisor_server::init() {
    trap_exit(true);
    if (simple() && specs_.size() != 1) co_return gs::init_stop(bad_spec("simple_one_for_one_needs_one_template"_atom));
    for (std::size_t i = 0; i < specs_.size(); ++i) {
        if (!specs_[i].start) co_return gs::init_stop(bad_spec("no_start_function"_atom, specs_[i].id));
        for (std::size_t j = 0; j < i; ++j)
            if (specs_[j].id == specs_[i].id) co_return gs::init_stop(bad_spec("duplicate_child_id"_atom, specs_[i].id));
    }
    if (!simple()) {
        for (const child_spec& s : specs_) children_.push_back({s, s.args, std::nullopt});
        for (child& c : children_) {
            auto started = co_await start_one(c);
            if (started || started.error() == ignore_atom) continue;
            co_await stop_all();
            co_return gs::init_stop(term::tuple({atoms::shutdown, term::tuple({failed_to_start_child, c.spec.id, started.error()})}));
        }
        forget_stopped_temporaries();
    }
    publish();
    co_return gs::init_ok();
}

task<gs::step> supervisor_server::handle_info(term m) {
    const std::optional<exit_message> exited = as<exit_message>(m);
    if (!exited) co_return gs::noreply();
    const std::optional<std::size_t> found = find_child(exited->from);
    if (!found) co_return gs::noreply(); // a process we already let go of
    child& c = children_[*found];
    const pid old = *c.process;
    const term reason = exited->reason;
    c.process.reset();
    if (!should_restart(c.spec.restart_type, reason)) {
        forget_stopped_temporaries();
        publish();
        co_return gs::noreply();
    }
    // Giving up, terminate stops the children still running.
    const bool restarted = co_await restart_with_retries(*found, old, reason);
    if (!restarted) {
        publish();
        co_return gs::stop(atoms::shutdown);
    }
    forget_stopped_temporaries();
    publish();
    co_return gs::noreply();
}

task<gs::step> supervisor_server::handle_call(term r, gs::from caller) {
    const auto tagged = [&r](atom name) { return r.is_tuple() && r.size() == 2 && r[0] == name; };
    if (r == "which_children"_atom) co_return gs::reply(which_children());
    if (r == which_children_stats_request) co_return gs::reply(which_children_stats());
    if (r == "count_children"_atom) co_return gs::reply(count_children());
    if (tagged("start_child"_atom)) {
        if (!simple()) co_return reply_error("not_simple_one_for_one"_atom);
        child c{specs_.front(), r[1], std::nullopt}; // named: GCC 12 and temporaries in co_await
        co_return co_await start_new(std::move(c));
    }
    if (tagged(start_child_spec)) co_return co_await add_child(r[1]);
    if (tagged("terminate_child"_atom)) co_return co_await terminate_child(r[1]);
    if (tagged("restart_child"_atom) || tagged("delete_child"_atom)) {
        if (simple()) co_return reply_error(simple_one_for_one_atom); // as OTP: only start and terminate
        const auto i = find_child(r[1]);
        if (!i) co_return reply_error(not_found);
        if (children_[*i].process) co_return reply_error(running_atom);
        if (tagged("delete_child"_atom)) {
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

// As OTP: by id, and a pid is never found; under simple_one_for_one by pid
// only (an id is {error, simple_one_for_one}), and a pid that no longer
// runs is ok, whoever ended it: the caller wanted it stopped.
task<gs::step> supervisor_server::terminate_child(term which) {
    std::optional<std::size_t> i;
    if (simple()) {
        if (!which.is_pid()) co_return reply_error(simple_one_for_one_atom);
        const pid p = which.as_pid();
        i = find_child(p);
        if (!i) {
            const bool running = co_await is_running(p);
            co_return running ? reply_error(not_found) : gs::reply(atoms::ok);
        }
    } else {
        i = find_child(which);
        if (!i) co_return reply_error(not_found);
    }
    co_await stop_one(children_[*i]);
    forget_stopped_temporaries();
    publish();
    co_return gs::reply(atoms::ok);
}

// Adds `c` last (so it stops first) and starts it. A failed start leaves
// no trace; an ignored one keeps its spec, not running, except under
// simple_one_for_one, where a child is nothing but its process.
task<gs::step> supervisor_server::start_new(child c) {
    children_.push_back(std::move(c));
    auto started = co_await start_one(children_.back());
    const bool kept = started || (started.error() == ignore_atom && !simple());
    if (!kept) children_.pop_back();
    forget_stopped_temporaries();
    publish();
    co_return reply_started(started);
}

// start_child with a spec, as OTP's start_child(Sup, ChildSpec).
task<gs::step> supervisor_server::add_child(const term& ref) {
    std::optional<child_spec> s = handoff().take(ref);
    if (!s) co_return reply_error("spec_withdrawn"_atom); // its caller is gone
    if (simple()) co_return reply_error("simple_one_for_one"_atom);
    if (!s->start) co_return reply_error(bad_spec("no_start_function"_atom, s->id));
    if (const auto i = find_child(term(s->id))) {
        if (const auto& running = children_[*i].process) co_return reply_error(term::tuple({"already_started"_atom, term::from_pid(*running)}));
        co_return reply_error("already_present"_atom);
    }
    child c{*s, s->args, std::nullopt}; // named: GCC 12 and temporaries in co_await
    co_return co_await start_new(std::move(c));
}

task<void> supervisor_server::terminate(term) {
    co_await stop_all();
    this_node().supervision().withdraw(self());
}

term supervisor_server::state_term() const {
    return term::map({{"strategy"_atom, strategy_name(flags_.strategy)},
                      {"intensity"_atom, term::integer(flags_.intensity)},
                      {"period_ms"_atom, term::integer(flags_.period.count())},
                      {"children"_atom, which_children()},
                      {"restarts"_atom, term::integer(static_cast<std::int64_t>(restarts_total_))}});
}

} // namespace

// [public API] ------------------------------------------------------------------------------

atom strategy_name(strategy s) {
    switch (s) {
    case strategy::one_for_one: return "one_for_one"_atom;
    case strategy::one_for_all: return "one_for_all"_atom;
    case strategy::rest_for_one: return "rest_for_one"_atom;
    case strategy::simple_one_for_one: return "simple_one_for_one"_atom;
    }
    return atoms::undefined;
}

atom restart_name(restart r) {
    switch (r) {
    case restart::permanent: return "permanent"_atom;
    case restart::transient: return "transient"_atom;
    case restart::temporary: return "temporary"_atom;
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
    if (r->is_tuple() && r->size() == 2 && (*r)[0] == atoms::ok) return (*r)[1].as_pid();
    return unexpected(r->is_tuple() && r->size() == 2 ? (*r)[1] : *r);
}
expected<void, term> as_done(const expected<term, call_error>& r) {
    if (!r) return unexpected(r.error().reason);
    if (*r == atoms::ok) return {};
    return unexpected(r->is_tuple() && r->size() == 2 ? (*r)[1] : *r);
}
// The answer to '$which_children_stats', [{Id, Pid | undefined, Type,
// Restart}] the last added first, as child_stats in start order (the
// list read backwards). Anything else is refused: with R for {error, R}
// (a server that is no supervisor answers {error, {unknown_call, _}}), with
// {bad_reply, Answer} otherwise.
expected<std::vector<child_stats>, call_error> as_child_list(const expected<term, call_error>& r) {
    if (!r) return unexpected(r.error());
    const term& answer = *r;
    const auto refused = [&answer] {
        const bool error = answer.is_tuple() && answer.size() == 2 && answer[0] == atoms::error;
        return unexpected(call_error{call_errc::refused, error ? answer[1] : term::tuple({"bad_reply"_atom, answer})});
    };
    if (!answer.is_proper_list()) return refused();
    std::vector<child_stats> out;
    out.reserve(answer.size());
    for (const term& c : answer.elements()) {
        if (!c.is_tuple() || c.size() != 4) return refused();
        const auto id = as<atom>(c[0]), type = as<atom>(c[2]), restart = as<atom>(c[3]);
        const auto process = as<pid>(c[1]);
        if (!id || !type || !restart || (!process && c[1] != atoms::undefined)) return refused();
        out.push_back({*id, process, *type, *restart});
    }
    std::ranges::reverse(out);
    return out;
}
} // namespace

// (Requests are built before the co_await: GCC 12 cannot put an
// initializer list's array in a coroutine frame.)
task<expected<pid, term>> start_child(server_ref sup, term args) {
    const term request = term::tuple({"start_child"_atom, std::move(args)});
    co_return as_started(co_await gs::call(sup, request, gs::infinity));
}
task<expected<pid, term>> start_child(server_ref sup, child_spec spec) {
    const spec_on_loan loan(std::move(spec));
    const term request = loan.request();
    co_return as_started(co_await gs::call(sup, request, gs::infinity));
}
task<expected<void, term>> terminate_child(server_ref sup, term id_or_pid) {
    const term request = term::tuple({"terminate_child"_atom, std::move(id_or_pid)});
    co_return as_done(co_await gs::call(sup, request, gs::infinity));
}
task<expected<pid, term>> restart_child(server_ref sup, atom id) {
    const term request = term::tuple({"restart_child"_atom, id});
    co_return as_started(co_await gs::call(sup, request, gs::infinity));
}
task<expected<void, term>> delete_child(server_ref sup, atom id) {
    const term request = term::tuple({"delete_child"_atom, id});
    co_return as_done(co_await gs::call(sup, request, gs::infinity));
}
task<expected<std::vector<child_stats>, call_error>> which_children(server_ref sup) {
    const term request = which_children_stats_request;
    co_return as_child_list(co_await gs::call(sup, request, gs::infinity));
}
task<expected<term, call_error>> count_children(server_ref sup) { return gs::call(sup, "count_children"_atom, gs::infinity); }

} // namespace ember::supervisor
