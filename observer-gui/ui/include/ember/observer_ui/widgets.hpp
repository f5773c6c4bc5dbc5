#pragma once
// Small pieces every view draws with: a pid as a link, the colours of
// warnings and states, a property row, the banner a view shows instead of
// its figures while its node is not connected. Dear ImGui calls: UI thread,
// inside a frame.

#include <cstdint>
#include <string_view>

#include <imgui.h>

#include "ember/observer/node_session.hpp"

namespace ember::observer::ui {

/// A pid drawn as a link (underlined on hover); true when clicked. The
/// ImGui id is the pid's text plus `salt`, so one pid may appear twice in a
/// window with two salts.
bool pid_link(const ember::pid& p, int salt = 0);

/// The colour of a warning kind (mailbox_growing, old_message,
/// long_schedule, zombie, restart_limit_near) and of event kinds alike.
ImU32 warning_colour(std::string_view kind);
inline ImU32 warning_colour(atom kind) { return warning_colour(kind.name()); }
/// The worst warning of several (zombie > long_schedule > mailbox_growing >
/// old_message > restart_limit_near); nullptr for none.
const protocol::warning_row* worst_warning(const std::vector<const protocol::warning_row*>& warnings);

/// Text greyed out in the style's disabled colour.
void dim_text(std::string_view text);
/// The one colour of errors (a refused action, a parse error, a lost node).
inline const ImVec4 error_colour{0.95f, 0.35f, 0.3f, 1.0f};
/// Text in error_colour, wrapped at the window's edge.
void error_text(std::string_view text);
/// A "(?)" whose tooltip is `text`.
void help_marker(std::string_view text);

/// Inside a two-column table: one key and its value.
void property_row(std::string_view key, std::string_view value);

/// True when `s` is connected. Otherwise draws what the node is doing
/// (connecting, refused, unreachable, mismatch, lost: reconnecting) with
/// its last error and a Connect button, and returns false, so a view draws
/// only `if (connected_or_banner(s))`. A view with figures from before a
/// loss (lost) still draws them under the banner: the return is true then.
bool connected_or_banner(node_session& s);

} // namespace ember::observer::ui
