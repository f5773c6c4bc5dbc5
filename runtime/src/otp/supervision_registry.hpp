#pragma once
// What supervisors and applications publish for the tools: each
// supervisor's children and restart history, and the applications. Written
// by supervisors on every change (rare: a start, an exit, a restart), read
// by the tools without talking to the supervisor, so a busy or suspended
// supervisor still shows. Thread-safe.

#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "ember/runtime/stats.hpp"

namespace ember::detail {

class supervision_registry {
public:
    void publish(supervisor_stats s);
    void withdraw(const pid& supervisor);
    std::optional<supervisor_stats> find(const pid& supervisor) const;
    std::vector<pid> supervisors() const;

    /// Reserves `name` for an application about to start: false when one of
    /// that name is running (or starting) already.
    bool claim_application(atom name);
    /// Adds the application, or updates the one of that name.
    void set_application(application_stats a);
    std::vector<application_stats> applications() const;

private:
    static std::uint64_t key(const pid& p) noexcept { return std::uint64_t{p.id} << 32 | p.serial; }

    mutable std::mutex mutex_;
    std::unordered_map<std::uint64_t, supervisor_stats> supervisors_;
    std::vector<application_stats> applications_;
};

} // namespace ember::detail
