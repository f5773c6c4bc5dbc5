// Request kinds and the shape check of a Request.

#include <array>

#include "ember/protocol/request.hpp"
#include "ember/term/print.hpp"

namespace ember::protocol {
namespace {

struct kind_row {
    std::string_view name;
    request_arity arity;
};

// In request_kind order.
constexpr kind_row kind_table[] = {
    {"processes", {0, 1}}, {"process_info", {1, 1}}, {"schedulers", {0, 0}}, {"system", {0, 0}},
    {"applications", {0, 0}}, {"events", {0, 0}}, {"warnings", {0, 0}}, {"history", {1, 1}},
    {"kill", {1, 1}}, {"exit", {2, 2}}, {"suspend", {1, 1}}, {"resume", {1, 1}},
    {"send", {2, 2}}, {"trace", {2, 2}}, {"subscribe", {2, 2}}, {"unsubscribe", {1, 1}},
};
static_assert(std::size(kind_table) == request_kind_count, "one row per request_kind");

// The kinds' atoms, interned once (thread-safe static initialisation);
// request_kind_of then compares indexes.
const std::array<atom, request_kind_count>& kind_atoms() {
    static const std::array<atom, request_kind_count> atoms = [] {
        std::array<atom, request_kind_count> out;
        for (std::size_t i = 0; i < request_kind_count; ++i) out[i] = atom(kind_table[i].name);
        return out;
    }();
    return atoms;
}

std::string short_text(const term& t) { return to_string(t, {.max_depth = 4, .max_chars = 80}); }

std::string arity_text(request_arity a) {
    if (a.min == a.max) return std::to_string(a.min) + (a.min == 1 ? " argument" : " arguments");
    return std::to_string(a.min) + " to " + std::to_string(a.max) + " arguments";
}

} // namespace

std::string_view request_kind_name(request_kind kind) noexcept {
    const auto i = static_cast<std::size_t>(kind);
    return i < request_kind_count ? kind_table[i].name : std::string_view("unknown");
}

request_arity arguments_of(request_kind kind) noexcept {
    const auto i = static_cast<std::size_t>(kind);
    return i < request_kind_count ? kind_table[i].arity : request_arity{};
}

expected<request_kind, error_reason> request_kind_of(atom name) {
    const auto& atoms = kind_atoms();
    for (std::size_t i = 0; i < request_kind_count; ++i)
        if (atoms[i] == name) return static_cast<request_kind>(i);
    return unexpected(make_reason("unknown_request", "unknown request '" + std::string(name.name()) + "'"));
}

expected<parsed_request, error_reason> parse_request(const term& request) {
    if (!request.is_tuple() || request.size() == 0 || !request[0].is_atom())
        return unexpected(make_reason("bad_request", "a request is a tuple led by an atom, found " + short_text(request)));
    auto kind = request_kind_of(request[0].as_atom());
    if (!kind) return unexpected(std::move(kind).error());
    const request_arity arity = arguments_of(*kind);
    const std::size_t args = request.size() - 1;
    if (args < arity.min || args > arity.max)
        return unexpected(make_reason("bad_request", std::string(request_kind_name(*kind)) + " takes " + arity_text(arity) + ", found " +
                                                         short_text(request)));
    return parsed_request{*kind, request};
}

} // namespace ember::protocol
