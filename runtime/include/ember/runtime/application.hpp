#pragma once
// Applications: named top-level supervision trees the node lists, so the
// tools can draw each tree (node::applications, then node::supervisor_info
// down the tree).
//
//   auto sup = ember::application::start(node, ember::atom("shop"), shop_tree);
//   ...
//   ember::application::stop(node, ember::atom("shop"));
//
// Each application runs under a small master process that traps exits: if
// its top supervisor gives up (its restart intensity was exceeded), the
// application is marked ended with that reason and the node goes on.
// Called from a thread that is not a process (main, a test, the agent).

#include "ember/runtime/node.hpp"
#include "ember/runtime/supervisor.hpp"

namespace ember::application {

/// Starts the tree `s` as application `name`; returns its top supervisor
/// once every child has started. Errors: {already_started, Name}, or the
/// supervisor's start error.
EMBER_RUNTIME_EXPORT expected<pid, term> start(node& n, atom name, supervisor::spec s);

/// Stops the application's tree in order (children in reverse start order)
/// and waits until it is down. Error: not_running.
EMBER_RUNTIME_EXPORT expected<void, term> stop(node& n, atom name);

} // namespace ember::application
