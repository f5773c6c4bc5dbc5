#pragma once
// Thread identity and priority, for handing a runaway's thread over at idle
// priority. One file per platform: thread_priority_linux.cpp.

namespace ember::detail {

/// The calling thread's kernel id.
int current_thread_id() noexcept;

/// Lowers thread `tid` to the idle class (SCHED_IDLE), or to nice 19 where
/// that is refused; the kernel then runs it only when nothing else wants
/// the core. True when either took effect.
bool demote_thread(int tid) noexcept;

} // namespace ember::detail
