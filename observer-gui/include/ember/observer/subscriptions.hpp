#pragma once
// Only the visible view subscribes, at the interval the user picked (1, 2,
// 5, 10 s, or paused): Erlang's Observer refreshes only its visible tab, and
// the agent's costly figures are computed only while someone watches.
//
//   view_subscriptions subs(connection);
//   subs.set_interval(refresh_interval::s2);
//   subs.set_view(view_kind::load);   // -> {subscribe, history, 2000}; the last view's go
//
// What each view asks for (subscriptions_for):
//   system        system, schedulers
//   load          history (every series; merged by time, history.hpp)
//   processes     warnings (to colour rows); the rows themselves are paged
//                 requests (process_table.hpp), since a subscription per
//                 scroll position would be unsubscribed every frame
//   applications  applications
//   events        events, warnings
//   none          nothing
// Paused subscribes to nothing at all; what is on screen stays.
//
// Thread-safety: view_subscriptions belongs to the UI thread; the free
// functions are pure (any thread).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "ember/observer/export.hpp"
#include "ember/observer/node_connection.hpp"

namespace ember::observer {

enum class view_kind : std::uint8_t { none, system, load, processes, applications, events };
enum class refresh_interval : std::uint8_t { paused, s1, s2, s5, s10 };

/// "none", "system", ... / "paused", "1 s", ... Any thread.
EMBER_OBSERVER_EXPORT std::string_view view_kind_name(view_kind v) noexcept;
EMBER_OBSERVER_EXPORT std::string_view refresh_interval_name(refresh_interval r) noexcept;
/// The interval in milliseconds; nullopt when paused. Any thread.
EMBER_OBSERVER_EXPORT std::optional<std::chrono::milliseconds> interval_of(refresh_interval r) noexcept;
/// The subscriptions a view wants at an interval (the table above). Any thread.
EMBER_OBSERVER_EXPORT std::vector<subscription_spec> subscriptions_for(view_kind v, refresh_interval r);

/// Keeps a node_connection's subscriptions to those of the visible view.
/// UI thread; the connection must outlive it.
class view_subscriptions {
public:
    /// Starts with no view, at 1 s (nothing subscribed).
    EMBER_OBSERVER_EXPORT explicit view_subscriptions(node_connection& connection);
    EMBER_OBSERVER_EXPORT void set_view(view_kind v);
    EMBER_OBSERVER_EXPORT void set_interval(refresh_interval r);
    view_kind view() const noexcept { return view_; }
    refresh_interval interval() const noexcept { return interval_; }
    /// What was last handed to the connection.
    const std::vector<subscription_spec>& wanted() const noexcept { return wanted_; }

private:
    void apply();
    node_connection& connection_;
    view_kind view_ = view_kind::none;
    refresh_interval interval_ = refresh_interval::s1;
    std::vector<subscription_spec> wanted_;
};

} // namespace ember::observer
