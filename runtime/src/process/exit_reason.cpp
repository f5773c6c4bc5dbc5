// Exceptions as exit reasons, and type names as labels for the tools.

#include <cxxabi.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <typeindex>

#include "ember/runtime/process.hpp"

namespace ember::detail {

namespace {

std::string demangled(const char* mangled) {
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
    return status == 0 && name ? std::string(name.get()) : std::string(mangled);
}

term exception_tuple(const char* what) {
    const std::type_info* type = abi::__cxa_current_exception_type();
    return term::tuple({atom("exception"), term::binary(type ? demangled(type->name()) : "unknown"), term::binary(what)});
}

} // namespace

term current_exception_reason() {
    try {
        throw;
    } catch (const std::exception& x) {
        return exception_tuple(x.what());
    } catch (...) {
        return exception_tuple("");
    }
}

const char* type_label(const std::type_info& type) {
    // Few types ever ask (one per server class): a locked map is plenty.
    static std::mutex mutex;
    static std::map<std::type_index, std::string> labels;
    std::lock_guard lock(mutex);
    auto [it, fresh] = labels.try_emplace(std::type_index(type));
    if (fresh) it->second = demangled(type.name());
    return it->second.c_str();
}

} // namespace ember::detail
