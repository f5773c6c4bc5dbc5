#pragma once
// What ember-node runs, so a tool connected to it has something to look
// at: the application `shop`, a one_for_one supervisor over three servers
// that keep busy in a small, visible way, plus idle processes for scale.
//
//   counter     ticks every 100 ms (its state is the count); call `count`
//   front_desk  answers `ping` -> pong and `count` -> {count, N} (it asks
//               counter); its state is how many calls it answered
//   customer    calls front_desk `count` every 250 ms; its state is how
//               many answers it got
//
// Each is registered under its name, so `ember-ctl info front_desk` finds
// it, and `ember-ctl kill counter` shows the supervisor restarting it.
// Called from main's thread (no process).

#include <cstddef>

#include "ember/runtime/node.hpp"

namespace ember::node_tool {

/// Starts the application `shop`; returns its top supervisor, or the
/// start's error (as application::start gives it).
expected<pid, term> start_shop(node& n);

/// Stops `shop` in order (customer, front_desk, counter); an error when it
/// is not running (its supervisor gave up).
expected<void, term> stop_shop(node& n);

/// Spawns `count` processes that wait for a message for ever (initial call
/// "idle/0"), and returns once all of them exist. They are not stopped:
/// the node destroys them when it goes.
void spawn_idle(node& n, std::size_t count);

} // namespace ember::node_tool
