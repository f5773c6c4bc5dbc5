// Subscriptions: reading `{subscribe, What, IntervalMs}` and evaluating one
// push. Only requests that read may be subscribed to: a kill every second
// is not a dashboard, and trace has its own stream.

#include "subscription.hpp"

#include <string>
#include <utility>
#include <vector>

#include "ember/term/print.hpp"

namespace ember::agent::detail {
namespace {

using protocol::error_reason;
using protocol::make_reason;
using protocol::request_kind;

// Untrusted terms are printed in messages with a bound, so an error reply
// is never as big as the request that caused it.
std::string shown(const term& t) { return to_string(t, {.max_depth = 8, .max_chars = 80}); }

unexpected<error_reason> bad(std::string message) { return unexpected(make_reason("bad_request", std::move(message))); }

bool subscribable(request_kind kind) {
    return !protocol::needs_admin(kind) && kind != request_kind::subscribe && kind != request_kind::unsubscribe && kind != request_kind::trace;
}

constexpr const char* what_help = "system, schedulers, events, warnings, processes, applications, history, all, or a Request tuple";

expected<subscription_spec, error_reason> spec_of_atom(atom what) {
    subscription_spec spec;
    if (what == "all"_atom) {
        spec.kind = subscription_kind::all;
        return spec;
    }
    auto kind = protocol::request_kind_of(what);
    if (!kind || !subscribable(*kind)) return bad("subscribe: What must be one of " + std::string(what_help) + ", found " + quote_atom(what));
    if (*kind == request_kind::events) {
        spec.kind = subscription_kind::events;
        return spec;
    }
    if (*kind == request_kind::history) {
        spec.kind = subscription_kind::history;
        return spec;
    }
    if (protocol::arguments_of(*kind).min > 0)
        return bad("subscribe: " + quote_atom(what) + " takes arguments: subscribe to the Request tuple, e.g. {" + quote_atom(what) + ", ...}");
    auto request = protocol::parse_request(term::tuple({term(what)}));
    if (!request) return unexpected(std::move(request).error());
    spec.request = std::move(*request);
    return spec;
}

expected<subscription_spec, error_reason> spec_of_tuple(const term& what) {
    auto request = protocol::parse_request(what);
    if (!request) return unexpected(std::move(request).error());
    if (!subscribable(request->kind))
        return bad("subscribe: " + std::string(protocol::request_kind_name(request->kind)) +
                   " cannot be subscribed to (only requests that read the node can)");
    subscription_spec spec;
    if (request->kind == request_kind::events) {
        spec.kind = subscription_kind::events; // {events} reads as events: only new ones after the first push
        return spec;
    }
    spec.request = std::move(*request);
    return spec;
}

std::vector<atom> every_series(query::engine& engine) {
    std::vector<atom> names;
    for (std::string_view name : query::node_series) names.emplace_back(name);
    // Per-scheduler series: as many atoms as schedulers, made once each.
    const std::size_t schedulers = engine.schedulers().size();
    for (std::size_t i = 0; i < schedulers; ++i) {
        names.emplace_back("utilization_" + std::to_string(i));
        names.emplace_back("run_queue_" + std::to_string(i));
    }
    return names;
}

// Events after the last pushed one, moving the mark on.
std::vector<protocol::event_row> new_events(query::engine& engine, subscription_spec& spec) {
    auto events = engine.events(spec.last_event_seq);
    if (!events.empty()) spec.last_event_seq = events.back().seq;
    return events;
}

} // namespace

expected<subscription_spec, error_reason> parse_subscription(const protocol::parsed_request& subscribe) {
    const auto args = subscribe.args();
    if (args.size() != 2) return bad("subscribe takes What and IntervalMs: {subscribe, What, IntervalMs}");
    const term& what = args[0];
    const term& interval = args[1];
    const bool in_bounds = interval.is_integer() && interval.as_integer() >= min_interval_ms && interval.as_integer() <= max_interval_ms;
    if (!in_bounds)
        return bad("subscribe: IntervalMs must be an integer from " + std::to_string(min_interval_ms) + " to " + std::to_string(max_interval_ms) +
                   ", found " + shown(interval));
    expected<subscription_spec, error_reason> spec = what.is_atom() ? spec_of_atom(what.as_atom())
                                                     : what.is_tuple()
                                                         ? spec_of_tuple(what)
                                                         : bad("subscribe: What must be one of " + std::string(what_help) + ", found " + shown(what));
    if (spec) spec->interval = std::chrono::milliseconds(interval.as_integer());
    return spec;
}

expected<std::optional<term>, error_reason> evaluate(query::engine& engine, subscription_spec& spec, protocol::access_level access) {
    switch (spec.kind) {
    case subscription_kind::request: {
        auto value = query::dispatch(engine, spec.request, access);
        if (!value) return unexpected(std::move(value).error());
        return std::optional<term>(std::move(*value));
    }
    case subscription_kind::events: {
        auto events = new_events(engine, spec);
        if (events.empty() && spec.pushed_once) return std::optional<term>();
        spec.pushed_once = true;
        return std::optional<term>(to_term(events));
    }
    case subscription_kind::history: {
        const auto names = every_series(engine);
        auto series = engine.history(names, query::resolution::second);
        if (!series) return unexpected(std::move(series).error());
        return std::optional<term>(to_term(*series));
    }
    case subscription_kind::all: {
        std::vector<std::pair<term, term>> entries;
        entries.emplace_back("system"_atom, to_term(engine.system()));
        entries.emplace_back("schedulers"_atom, to_term(engine.schedulers()));
        entries.emplace_back("events"_atom, to_term(new_events(engine, spec)));
        entries.emplace_back("warnings"_atom, to_term(engine.warnings()));
        return std::optional<term>(term::map(std::move(entries)));
    }
    }
    return unexpected(make_reason("bad_request", "subscribe: unknown subscription kind"));
}

} // namespace ember::agent::detail
