// Which subscriptions the visible view wants.

#include "ember/observer/subscriptions.hpp"

namespace ember::observer {

std::string_view view_kind_name(view_kind v) noexcept {
    switch (v) {
    case view_kind::none: return "none";
    case view_kind::system: return "system";
    case view_kind::load: return "load";
    case view_kind::processes: return "processes";
    case view_kind::applications: return "applications";
    case view_kind::events: return "events";
    }
    return "unknown";
}

std::string_view refresh_interval_name(refresh_interval r) noexcept {
    switch (r) {
    case refresh_interval::paused: return "paused";
    case refresh_interval::s1: return "1 s";
    case refresh_interval::s2: return "2 s";
    case refresh_interval::s5: return "5 s";
    case refresh_interval::s10: return "10 s";
    }
    return "unknown";
}

std::optional<std::chrono::milliseconds> interval_of(refresh_interval r) noexcept {
    using std::chrono::milliseconds;
    switch (r) {
    case refresh_interval::paused: return std::nullopt;
    case refresh_interval::s1: return milliseconds(1000);
    case refresh_interval::s2: return milliseconds(2000);
    case refresh_interval::s5: return milliseconds(5000);
    case refresh_interval::s10: return milliseconds(10'000);
    }
    return std::nullopt;
}

std::vector<subscription_spec> subscriptions_for(view_kind v, refresh_interval r) {
    const auto every = interval_of(r);
    if (!every) return {};
    auto spec = [&](atom what) { return subscription_spec{term(what), *every}; };
    switch (v) {
    case view_kind::none: return {};
    case view_kind::system: return {spec("system"_atom), spec("schedulers"_atom)};
    case view_kind::load: return {spec("history"_atom)};
    case view_kind::processes: return {spec("warnings"_atom)};
    case view_kind::applications: return {spec("applications"_atom)};
    case view_kind::events: return {spec("events"_atom), spec("warnings"_atom)};
    }
    return {};
}

view_subscriptions::view_subscriptions(node_connection& connection) : connection_(connection) {}

void view_subscriptions::set_view(view_kind v) {
    if (v == view_) return;
    view_ = v;
    apply();
}

void view_subscriptions::set_interval(refresh_interval r) {
    if (r == interval_) return;
    interval_ = r;
    apply();
}

void view_subscriptions::apply() {
    wanted_ = subscriptions_for(view_, interval_);
    connection_.set_subscriptions(wanted_);
}

} // namespace ember::observer
