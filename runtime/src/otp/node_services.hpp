#pragma once
// What the OTP layer (gen_server, supervisor, application) may use of the
// node it runs on: its clock, its event log and its supervision registry.
// The OTP layer never sees node_impl; a behaviour is a process like any
// other, and this is the whole of what it needs beyond the public API.

#include <cstdint>

#include "ember/runtime/node.hpp"
#include "ember/runtime/stats.hpp"

namespace ember::detail {

class supervision_registry;

class node_services {
public:
    /// The node of the running process (asserts inside a process).
    static node_services running();
    /// A node seen from a thread that is not one of its processes.
    static node_services of(node& n);

    /// The node's clock (virtual in deterministic mode), and uptime by it.
    std::int64_t now_ns() const;
    std::uint64_t uptime_ms() const { return static_cast<std::uint64_t>(now_ns() / 1'000'000); }
    /// node_options::restart_limit_margin.
    unsigned restart_limit_margin() const;
    /// Adds an event for the tools (node::events).
    void record_event(const runtime_event& e) const;
    /// Supervisors' and applications' published state (thread-safe).
    supervision_registry& supervision() const;

private:
    explicit node_services(node_impl& n) : node_(&n) {}
    node_impl* node_;
};

} // namespace ember::detail
