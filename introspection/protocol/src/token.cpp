// Constant-time token comparison.

#include <algorithm>
#include <cstdint>

#include "ember/protocol/token.hpp"

namespace ember::protocol {

bool tokens_equal(std::span<const std::byte> a, std::span<const std::byte> b) noexcept {
    const std::size_t n = std::max(a.size(), b.size());
    // Differences are OR-ed together, never tested inside the loop. The
    // empty asm makes `diff` opaque to the optimiser at each step, so it
    // cannot turn the loop into an early exit once diff is non-zero.
    unsigned diff = a.size() == b.size() ? 0U : 1U;
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned x = i < a.size() ? static_cast<unsigned>(a[i]) : 0U;
        const unsigned y = i < b.size() ? static_cast<unsigned>(b[i]) : 0U;
        diff |= x ^ y;
#if defined(__GNUC__) || defined(__clang__)
        __asm__ volatile("" : "+r"(diff));
#endif
    }
    return diff == 0;
}

} // namespace ember::protocol
