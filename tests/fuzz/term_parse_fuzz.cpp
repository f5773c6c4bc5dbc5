// libFuzzer target: any text given to ember::parse gives a term or an error;
// a parsed term prints to text that parses back to it, and survives an
// encode/decode round trip.
#include <cstdlib>
#include <string_view>

#include "ember/term/etf.hpp"
#include "ember/term/parse.hpp"
#include "ember/term/print.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto t = ember::parse(text, {.max_depth = 64});
    if (!t) {
        if (t.error().message.empty()) std::abort();
        return 0;
    }
    auto printed = ember::parse(ember::to_string(*t), {.max_depth = 64});
    if (!printed || !(*printed == *t)) std::abort();
    auto decoded = ember::etf::decode(ember::etf::encode(*t));
    if (!decoded || !(*decoded == *t)) std::abort();
    return 0;
}
