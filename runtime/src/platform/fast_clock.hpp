#pragma once
// fast_now_ns(): a cheap clock for charging run time to processes at every
// switch. A precise clock costs a third of a message round trip here
// (clock_gettime 20-60 ns in a VM, and RDTSC traps to the hypervisor on
// some), so this reads the kernel's coarse clock: a vDSO memory read,
// advancing once per scheduler tick (1-4 ms). A run is charged the ticks
// that passed during it, so short runs mostly count 0 and now and then a
// whole tick: the sum is an unbiased sample of the real run time, as the
// kernel's own tick accounting is. One file per platform: clock_linux.cpp.

#include <cstdint>

namespace ember::detail {

std::int64_t fast_now_ns() noexcept;

} // namespace ember::detail
