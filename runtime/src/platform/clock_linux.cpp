// fast_now_ns on Linux: CLOCK_MONOTONIC_COARSE (see fast_clock.hpp).

#include <time.h>

#include "platform/fast_clock.hpp"

namespace ember::detail {

std::int64_t fast_now_ns() noexcept {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

} // namespace ember::detail
