// The Opts map of {processes, Opts}: atom keys, each optional, each value
// checked against its bounds before it is used.

#include "ember/protocol/request.hpp"
#include "ember/term/print.hpp"

namespace ember::protocol {
namespace {

// In process_sort order.
constexpr std::string_view sort_names[] = {"reductions", "reduction_rate", "memory", "message_queue_len", "message_rate", "run_time", "age"};
static_assert(std::size(sort_names) == process_sort_count, "one name per process_sort");

unexpected<error_reason> bad(std::string message) { return unexpected(make_reason("bad_request", "processes: " + std::move(message))); }

std::string short_text(const term& t) { return to_string(t, {.max_depth = 4, .max_chars = 80}); }

expected<std::size_t, error_reason> bounded(const term& v, std::string_view key, std::size_t min, std::size_t max) {
    if (!v.is_integer() || v.as_integer() < 0 || static_cast<std::uint64_t>(v.as_integer()) < min ||
        static_cast<std::uint64_t>(v.as_integer()) > max)
        return bad(std::string(key) + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max) + ", found " +
                   short_text(v));
    return static_cast<std::size_t>(v.as_integer());
}

std::optional<process_sort> sort_of(const term& v) {
    if (!v.is_atom()) return std::nullopt;
    const std::string_view name = v.as_atom().name();
    for (std::size_t i = 0; i < process_sort_count; ++i)
        if (sort_names[i] == name) return static_cast<process_sort>(i);
    return std::nullopt;
}

std::string sort_list() {
    std::string out;
    for (std::string_view n : sort_names) out += (out.empty() ? "" : ", ") + std::string(n);
    return out;
}

} // namespace

std::string_view process_sort_name(process_sort key) noexcept {
    const auto i = static_cast<std::size_t>(key);
    return i < process_sort_count ? sort_names[i] : std::string_view("reductions");
}

expected<processes_options, error_reason> parse_processes_options(const term& opts) {
    if (!opts.is_map()) return bad("Opts is a map such as #{sort => memory, limit => 20}, found " + short_text(opts));
    processes_options out;
    for (const map_entry& e : opts.entries()) {
        if (!e.key.is_atom()) return bad("option keys are atoms, found " + short_text(e.key));
        const std::string_view key = e.key.as_atom().name();
        if (key == "sort") {
            auto s = sort_of(e.value);
            if (!s) return bad("sort is one of " + sort_list() + ", found " + short_text(e.value));
            out.sort = *s;
        } else if (key == "limit") {
            auto n = bounded(e.value, key, 1, processes_options::max_limit);
            if (!n) return unexpected(std::move(n).error());
            out.limit = *n;
        } else if (key == "offset") {
            auto n = bounded(e.value, key, 0, processes_options::max_offset);
            if (!n) return unexpected(std::move(n).error());
            out.offset = *n;
        } else if (key == "filter") {
            if (!e.value.is_binary()) return bad("filter is a binary such as <<\"worker\">>, found " + short_text(e.value));
            if (e.value.size() > processes_options::max_filter_bytes)
                return bad("filter of " + std::to_string(e.value.size()) + " bytes is over the limit of " +
                           std::to_string(processes_options::max_filter_bytes));
            out.filter = std::string(e.value.text());
        } else {
            return bad("unknown option " + quote_atom(e.key.as_atom()) + "; the options are sort, limit, offset and filter");
        }
    }
    return out;
}

expected<processes_options, error_reason> processes_options_of(const parsed_request& r) {
    if (r.kind != request_kind::processes) return unexpected(make_reason("bad_request", "not a processes request"));
    const auto args = r.args();
    if (args.empty()) return processes_options{};
    return parse_processes_options(args[0]);
}

} // namespace ember::protocol

namespace ember {

term term_traits<protocol::process_sort>::to_term(protocol::process_sort key) { return atom(protocol::process_sort_name(key)); }

expected<protocol::process_sort, term_error> term_traits<protocol::process_sort>::from_term(const term& t) {
    if (auto s = protocol::sort_of(t)) return *s;
    return unexpected(conversion_error("a sort key (" + protocol::sort_list() + ")", t));
}

term term_traits<protocol::processes_options>::to_term(const protocol::processes_options& o) {
    return term::map({{"sort"_atom, ember::to_term(o.sort)},
                      {"limit"_atom, term::integer(static_cast<std::int64_t>(o.limit))},
                      {"offset"_atom, term::integer(static_cast<std::int64_t>(o.offset))},
                      {"filter"_atom, term::binary(o.filter)}});
}

expected<protocol::processes_options, term_error> term_traits<protocol::processes_options>::from_term(const term& t) {
    auto o = protocol::parse_processes_options(t);
    if (!o) return unexpected(term_error{term_errc::conversion, 0, o.error().message});
    return std::move(*o);
}

} // namespace ember
