#pragma once
// The end of a process (finish.cpp).

#include "process/process.hpp"

namespace ember::detail {

class scheduler;

/// Runs when a process's coroutine has finished or been unwound: signals
/// links and monitors, frees its name and its block.
void finish_process(process* p, scheduler* s);

} // namespace ember::detail
