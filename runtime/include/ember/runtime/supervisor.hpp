#pragma once
// Supervisors: processes that start children, watch them, and restart them
// by a strategy, as Erlang's supervisor does.
//
//   namespace sup = ember::supervisor;
//   sup::spec tree{.flags = {.strategy = sup::strategy::one_for_one, .intensity = 3, .period = 5s},
//                  .children = {sup::worker<cache>(ember::atom("cache"), 1000),
//                               sup::worker<db>(ember::atom("db"), {.name = ember::atom("db")}, url),
//                               sup::process_child(ember::atom("ticker"), ticker),
//                               sup::supervisor_child(ember::atom("pool"), pool_spec)}};
//   auto top = co_await sup::start_link(tree);
//
// A supervisor is a gen_server: it answers sys requests, and these calls
// (request terms as in OTP, usable with gen_server::call from a probe too):
//   which_children               [{Id, Pid | undefined, worker | supervisor, []}], the last added first
//   ('$which_children_stats' answers [{Id, Pid | undefined, Type, Restart}], same order: which_children(sup))
//   count_children               [{specs,N},{active,N},{supervisors,N},{workers,N}]
//   {start_child, Args}          {ok, Pid} | {error, R}   (simple_one_for_one only)
//   ('$start_child_spec' carries a C++ spec by reference: start_child(sup, spec))
//   {terminate_child, Id}        ok | {error, not_found}  (a pid is no id: not_found)
//   {terminate_child, Pid}       ok | {error, not_found}  (simple_one_for_one; an Id: {error, simple_one_for_one})
//   {restart_child, Id}          {ok, Pid} | {error, running | not_found | simple_one_for_one | R}
//   {delete_child, Id}           ok | {error, running | not_found | simple_one_for_one}
// Under simple_one_for_one the children's id is undefined and count_children
// counts one spec, the template, as OTP's. The term lists are in OTP's
// order, the last added first (by the spec list, then start_child; a
// restart keeps a child's place); the C++ vector of which_children and
// node::supervisor_info are in start order, the first added first. The
// supervisor publishes its children and restart history for the tools
// (node::supervisor_info).
//
// Sections: [specs] [starting] [calls]

#include <chrono>
#include <functional>
#include <vector>

#include "ember/runtime/gen_server.hpp"
#include "ember/runtime/stats.hpp"

namespace ember::supervisor {

// [specs] ---------------------------------------------------------------------

enum class strategy : std::uint8_t {
    one_for_one,        ///< restart the child that died
    one_for_all,        ///< stop the others too, then restart all in order
    rest_for_one,       ///< stop the ones started after it, then restart those and it
    simple_one_for_one, ///< one_for_one over children of one template, added by start_child
};
enum class restart : std::uint8_t {
    permanent, ///< always restarted
    transient, ///< restarted unless it exits normal, shutdown or {shutdown, _}
    temporary, ///< never restarted (and forgotten when it exits)
};
enum class child_type : std::uint8_t { worker, supervisor };

/// How a child is stopped: the shutdown exit signal then, after `timeout`,
/// kill; or kill at once (brutal_kill); or shutdown and wait for ever
/// (the default for supervisors, which stop their own children first).
struct shutdown {
    enum class kind : std::uint8_t { timeout, brutal_kill, infinity } what = kind::timeout;
    std::chrono::milliseconds timeout{5000};
    static shutdown after(std::chrono::milliseconds t) { return {kind::timeout, t}; }
    static shutdown brutal_kill() { return {kind::brutal_kill, {}}; }
    static shutdown infinity() { return {kind::infinity, {}}; }
};

/// Starts a child linked to the supervisor and returns its pid once it is
/// ready (gen_server::start_link has that shape). `args` is the spec's
/// args, or start_child's for simple_one_for_one. Must not be a coroutine
/// lambda with captures: return the task of a coroutine function instead.
using start_function = std::function<task<expected<pid, term>>(term args)>;

struct child_spec {
    atom id;
    start_function start;
    term args;
    restart restart_type = restart::permanent;
    shutdown stop = {};
    child_type type = child_type::worker;
};

struct flags {
    supervisor::strategy strategy = supervisor::strategy::one_for_one;
    /// More than `intensity` restarts within `period` and the supervisor
    /// gives up: it stops all children and exits with reason shutdown.
    /// A start that fails during a restart counts as one more restart, and
    /// the failing child's group is restarted again, as OTP does: under
    /// one_for_all all children (those already restarted are stopped
    /// first), under rest_for_one it and those after it. So a child that
    /// can never start makes the supervisor give up.
    unsigned intensity = 1;
    std::chrono::milliseconds period{5000};
};

struct spec {
    struct flags flags;
    /// Started in this order, stopped in the reverse. For simple_one_for_one,
    /// exactly one: the template of the dynamic children.
    std::vector<child_spec> children;
};

/// A gen_server child: Server(args...) started with gen_server::start_link.
/// The spec may be used from any thread; the start runs in the supervisor.
template <class Server, class... Args>
child_spec worker(atom id, Args... args) {
    return {id, [args...](term) { return gen_server::start_link<Server>({}, args...); }, {}, restart::permanent, {}, child_type::worker};
}

/// As above, started with `options` (a registered name, a label for the
/// tools, an init timeout, a priority), each time it is (re)started:
///   sup::worker<pricer>(atom("pricer_eu"), {.name = atom("pricer_eu")}, spin)
/// A restart registers the name again; the process that exited freed it.
/// A name still taken fails that start with {already_started, Pid}.
template <class Server, class... Args>
child_spec worker(atom id, gen_server::start_options options, Args... args) {
    return {id, [options, args...](term) { return gen_server::start_link<Server>(options, args...); }, {}, restart::permanent, {}, child_type::worker};
}

namespace detail {
/// spawn_link of `fn(args...)` as a start function result.
template <class F, class... Args>
task<expected<pid, term>> spawn_linked(F fn, Args... args) {
    auto spawned = spawn_opt({.link = true}, fn, args...);
    if (!spawned) co_return unexpected(term::tuple({atom("spawn_failed"), term::binary(spawned.error().message)}));
    co_return *spawned;
}
} // namespace detail

/// A plain process child: `fn(args...)` spawned linked. It counts as
/// started at once (a process has no init to wait for).
template <class F, class... Args>
child_spec process_child(atom id, F fn, Args... args) {
    return {id, [fn, args...](term) -> task<expected<pid, term>> { return detail::spawn_linked(fn, args...); }, {}, restart::permanent, {}, child_type::worker};
}

// [starting] ------------------------------------------------------------------

/// Starts a supervisor linked to the calling process; returns once every
/// child is started. When a child fails to start, the ones started are
/// stopped and the error is {shutdown, {failed_to_start_child, Id, Reason}}.
EMBER_RUNTIME_EXPORT task<expected<pid, term>> start_link(spec s, gen_server::start_options o = {});
/// As start_link, from a thread that is not a process; unlinked.
EMBER_RUNTIME_EXPORT expected<pid, term> start(node& n, spec s, gen_server::start_options o = {});

/// A nested supervisor as a child (type supervisor, shutdown infinity).
EMBER_RUNTIME_EXPORT child_spec supervisor_child(atom id, spec s);

// [calls] ---------------------------------------------------------------------

/// simple_one_for_one: starts a child of the template with `args`.
EMBER_RUNTIME_EXPORT task<expected<pid, term>> start_child(server_ref sup, term args);
/// The other strategies: adds `spec` as the last child and starts it, as
/// OTP's start_child(Sup, ChildSpec). Errors: {already_started, Pid},
/// already_present (a stopped child has that id), {bad_spec, ...},
/// simple_one_for_one, or the start's own reason (then the spec is not
/// kept; after `ignore` it is, not running).
EMBER_RUNTIME_EXPORT task<expected<pid, term>> start_child(server_ref sup, child_spec spec);
/// Stops a child; it stays down (a stopped one: ok again). By id; under
/// simple_one_for_one by pid only, as OTP. Errors: not_found (an unknown
/// id, any pid unless simple_one_for_one, a running process that is no
/// child), simple_one_for_one (an id given to one). Under
/// simple_one_for_one a pid that no longer runs is ok.
EMBER_RUNTIME_EXPORT task<expected<void, term>> terminate_child(server_ref sup, term id_or_pid);
/// Starts again a child stopped by terminate_child. Errors: running,
/// not_found, simple_one_for_one (always, there), or the start's reason.
EMBER_RUNTIME_EXPORT task<expected<pid, term>> restart_child(server_ref sup, atom id);
/// Forgets a stopped child's spec. Errors: running, not_found,
/// simple_one_for_one (always, there).
EMBER_RUNTIME_EXPORT task<expected<void, term>> delete_child(server_ref sup, atom id);
/// The children as child_stats (id, pid or nullopt when not running, type,
/// restart type; a simple_one_for_one child's id is undefined), in start
/// order: the first added first, as node::supervisor_info. The term
/// lists (the `which_children` request's and '$which_children_stats', which
/// this sends) are in OTP's order, the last added first: this is that
/// list reversed. Asks the supervisor, so a restart it is making is done
/// first. Errors: as gen_server::call (no timeout); refused when `sup` is
/// no supervisor (reason {unknown_call, _}, or {bad_reply, Answer}).
/// Inside a process (co_await), as every call here.
EMBER_RUNTIME_EXPORT task<expected<std::vector<child_stats>, call_error>> which_children(server_ref sup);
/// [{specs, N}, {active, N}, {supervisors, N}, {workers, N}]; under
/// simple_one_for_one specs is 1 (the template) and the others count the
/// dynamic children.
EMBER_RUNTIME_EXPORT task<expected<term, call_error>> count_children(server_ref sup);

/// Stable lower-case names, as the tools and OTP print them.
EMBER_RUNTIME_EXPORT atom strategy_name(strategy s);
EMBER_RUNTIME_EXPORT atom restart_name(restart r);

} // namespace ember::supervisor
