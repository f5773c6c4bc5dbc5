// EMBER_ASSERT's failure path (assert.hpp).

#include "platform/assert.hpp"

#include <cstdio>
#include <cstdlib>

namespace ember::detail {

void assert_failed(const char* condition, const char* message, const char* file, int line) noexcept {
    std::fprintf(stderr, "ember: %s (%s failed at %s:%d)\n", message, condition, file, line);
    std::fflush(stderr);
    std::abort();
}

} // namespace ember::detail
