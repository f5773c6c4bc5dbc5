#pragma once
// The Observer's model in one include, for the views: everything a view
// draws from, with no GL, no ImGui and no runtime in it
// (docs/observer.md#model); the sources are in observer-gui/model/.
//
//   node_connection   one node: connect, reconnect, poll() once a frame
//   view_subscriptions  only the visible view subscribes, at the chosen interval
//   history_store     rings of (time, value) per metric, windows for charts
//   process_table     pages of a server-sorted process table, selection by pid
//   chart_scale       the line chart's maths (axes, ticks, mapping, hover)

#include "ember/observer/chart_scale.hpp"
#include "ember/observer/history.hpp"
#include "ember/observer/node_connection.hpp"
#include "ember/observer/process_table.hpp"
#include "ember/observer/subscriptions.hpp"
