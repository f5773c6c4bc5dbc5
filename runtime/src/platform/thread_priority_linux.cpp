// Thread priority on Linux: SCHED_IDLE, falling back to nice 19.

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/thread_priority.hpp"

namespace ember::detail {

int current_thread_id() noexcept { return static_cast<int>(::syscall(SYS_gettid)); }

bool demote_thread(int tid) noexcept {
    sched_param param{};
    param.sched_priority = 0;
    if (::sched_setscheduler(tid, SCHED_IDLE, &param) == 0) return true;
    return ::setpriority(PRIO_PROCESS, static_cast<id_t>(tid), 19) == 0;
}

} // namespace ember::detail
