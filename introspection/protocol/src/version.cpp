// The protocol's vocabulary: every atom a peer may send, interned up front
// (see version.hpp for why).

#include <atomic>

#include "ember/protocol/frame.hpp"
#include "ember/protocol/replies.hpp"
#include "ember/protocol/request.hpp"
#include "ember/protocol/version.hpp"

namespace ember::protocol {
namespace {

// Atoms not named by an enum below: message tags, map keys, access levels,
// and the reason codes that are not frame_errc names.
constexpr std::string_view fixed_atoms[] = {
    "hello", "event", "version", "node", "access", "admin", "read_only",        // handshake and pushes
    "sort", "limit", "offset", "filter",                                        // processes options
    "bad_request", "bad_hello", "bad_version", "bad_token", "needs_admin",      // reason codes
    // values of reply fields
    "runnable", "running", "waiting", "suspended", "exiting", "zombie",         // process status
    "complete", "time_budget", "size_budget",                                   // processes_page cut
    "long_schedule", "long_message_queue", "large_memory", "restart_limit_near", // event kinds
    "mailbox_growing", "old_message",                                            // warning kinds
    "in", "out", "worker", "supervisor", "permanent", "transient", "temporary",
    "one_for_one", "one_for_all", "rest_for_one", "simple_one_for_one", "low", "normal", "high", "max",
    "noproc", "timeout", "exited", "refused", "calling_self", "busy", "overloaded", "too_many_requests",
    "max_messages", "max_rate", "minute",
    "all", "ended", "too_many_connections", "internal_error",                 // the agent's pushes and errors
};

bool intern(std::string_view name) noexcept {
    try {
        return atom::intern(name).has_value();
    } catch (...) { // std::bad_alloc: as a full table, the next call tries again
        return false;
    }
}

// The map keys of every reply struct (replies.hpp).
template <class... Ts>
bool intern_fields() {
    bool ok = true;
    auto each = [&](const auto&... f) { ((ok = intern(f.name) && ok), ...); };
    (std::apply(each, term_traits<Ts>::fields), ...);
    return ok;
}

} // namespace

bool intern_atoms() noexcept {
    static std::atomic<bool> done{false};
    if (done.load(std::memory_order_acquire)) return true;
    // Two threads may both get here; interning is idempotent and thread-safe.
    bool ok = true;
    for (std::string_view name : fixed_atoms) ok = intern(name) && ok;
    for (std::size_t i = 0; i < request_kind_count; ++i) ok = intern(request_kind_name(static_cast<request_kind>(i))) && ok;
    for (std::size_t i = 0; i < process_sort_count; ++i) ok = intern(process_sort_name(static_cast<process_sort>(i))) && ok;
    for (auto code : {frame_errc::frame_too_large, frame_errc::empty_frame, frame_errc::bad_term, frame_errc::too_deep,
                      frame_errc::unknown_atom, frame_errc::unknown_request})
        ok = intern(frame_errc_name(code)) && ok;
    ok = intern_fields<process_row, processes_page, child_row, restart_row, supervisor_row, process_info_reply, scheduler_row,
                       system_info, tree_node, application_row, event_row, warning_row, series, trace_options, trace_row>() && ok;
    if (ok) done.store(true, std::memory_order_release);
    return ok;
}

} // namespace ember::protocol
