#pragma once
// Exit signals, links and monitors: what a process does when a signal
// reaches it (on_*), and the signals it sends when it exits.

#include <cstdint>

#include "process/process.hpp"

namespace ember::detail {

void on_exit_signal(process* p, std::uint32_t from_index, std::uint32_t from_serial, const term& reason, bool linked);
void on_link(process* p, std::uint32_t from_index, std::uint32_t from_serial);
void on_unlink(process* p, std::uint32_t from_index, std::uint32_t from_serial);
void on_monitor(process* p, std::uint32_t from_index, std::uint32_t from_serial, const term& ref);
void on_demonitor(process* p, const term& ref);

/// Marks `p` to exit with `reason` at its next receive or checkpoint.
void mark_exit(process* p, term reason);

/// A kill was sent to `p` (still the process `serial` names): node::is_alive
/// says false from now on, as Erlang's is_process_alive does for the
/// killer, though `p` unwinds only at its next checkpoint. Any thread.
void mark_doomed(process* p, std::uint32_t serial);

/// {'DOWN', Ref, process, Pid, Reason}
term down_message(const term& ref, const pid& who, const term& reason);

/// Sends the signals of `p`'s exit with `reason` to everything it is
/// related to, and clears its relations.
void signal_exit(process* p, const term& reason);

/// link/1 and monitor/1 for `self` (a process or a probe, on its own
/// thread). A dead `other` gives noproc at once: an exit signal, or a DOWN.
void link_to(process* self, const pid& other);
reference monitor_of(process* self, const pid& other);
/// demonitor/2 for `self`; with `flush`, drops its DOWN if queued (after
/// `from`, a mark_queue link, when given).
void demonitor_of(process* self, const reference& ref, bool flush, void* from = nullptr);

/// Adds or removes a relation under the relation lock.
void add_relation(process* p, relation r);
bool remove_relation(process* p, relation::kind_t kind, std::uint32_t index, std::uint32_t serial);
bool remove_monitor(process* p, relation::kind_t kind, const term& ref, relation* removed = nullptr);

} // namespace ember::detail
