// libFuzzer target: any bytes given to etf::decode give a term or an error,
// and any term decoded encodes and decodes back to itself.
#include <cstdlib>

#include "ember/term/etf.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const std::byte> in(reinterpret_cast<const std::byte*>(data), size);
    auto t = ember::etf::decode(in, {.max_depth = 64, .max_bytes = 1 << 20});
    if (!t) {
        if (t.error().message.empty()) std::abort(); // every error explains itself
        return 0;
    }
    auto again = ember::etf::decode(ember::etf::encode(*t));
    if (!again || !(*again == *t)) std::abort();
    return 0;
}
