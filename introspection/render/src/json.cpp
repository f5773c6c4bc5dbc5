// Terms as JSON, one mapping for every reply (see json.hpp). nlohmann/json
// builds the document; it stays out of the public header (render links it
// privately), so users of ember::render need not have it.

#include <nlohmann/json.hpp>

#include "ember/render/json.hpp"
#include "ember/term/print.hpp"

namespace ember::render {
namespace {

// Replies nest shallowly (the frame reader bounds depth at 128); a term
// made in this process could be deeper, and is printed as text past this.
constexpr std::size_t max_json_depth = 256;

std::string key_text(const term& k) {
    if (k.is_atom()) return std::string(k.as_atom().name());
    if (k.is_binary()) return std::string(k.text());
    return to_string(k);
}

nlohmann::json to_json(const term& t, std::size_t depth) {
    if (depth > max_json_depth) return to_string(t);
    switch (t.type()) {
    case term_type::integer: return t.as_integer();
    case term_type::float64: return t.as_float();
    case term_type::atom:
        if (t == atoms::true_) return true;
        if (t == atoms::false_) return false;
        if (t == atoms::undefined) return nullptr;
        return std::string(t.as_atom().name());
    case term_type::binary: return std::string(t.text());
    case term_type::pid:
    case term_type::reference: return to_string(t);
    case term_type::nil: return nlohmann::json::array();
    case term_type::tuple:
    case term_type::list: {
        if (t.type() == term_type::list && !t.is_proper_list()) return to_string(t);
        auto out = nlohmann::json::array();
        for (const term& e : t.elements()) out.push_back(to_json(e, depth + 1));
        return out;
    }
    case term_type::map: {
        auto out = nlohmann::json::object();
        for (const map_entry& e : t.entries()) out[key_text(e.key)] = to_json(e.value, depth + 1);
        return out;
    }
    }
    return to_string(t);
}

} // namespace

std::string json(const term& t, const json_options& options) {
    // `replace`: a binary that is not UTF-8 still gives valid JSON.
    return to_json(t, 0).dump(options.indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace ember::render
