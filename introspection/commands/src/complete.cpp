// complete: what Tab offers. The line before the cursor is read leniently
// (an unclosed quote or bracket just runs to the end, as the user is still
// typing it), then the word under the cursor is completed from what its
// place calls for: a command name, an option, an option's value, or an
// argument of the kind the table says (asking the node for process and
// application names). Nothing here fails: a node that cannot answer gives
// no candidates.
//
// Sections: [words] [candidates] [complete]

#include <algorithm>
#include <cctype>

#include "arguments.hpp"
#include "session.hpp"

namespace ember::commands {
namespace {

using protocol::request_kind;

// [words] ---------------------------------------------------------------------

struct word {
    std::size_t start = 0;
    std::string text; // quotes removed outside brackets
};

// The words of `line`; the last is the one under the cursor (empty when
// the line ends in a blank).
std::vector<word> words_of(std::string_view line) {
    std::vector<word> out;
    word w;
    bool in_word = false;
    char quote = 0;
    int depth = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (!in_word) {
            if (c == ' ' || c == '\t') continue;
            in_word = true;
            w = word{i, {}};
        }
        if (quote) {
            if (c == quote) quote = 0;
            else if (c == '\\' && quote == '"' && i + 1 < line.size()) w.text += line[++i];
            else w.text += c;
            continue;
        }
        if (depth > 0) {
            w.text += c;
            if (c == '{' || c == '[') ++depth;
            if (c == '}' || c == ']') --depth;
            continue;
        }
        if (c == ' ' || c == '\t') {
            out.push_back(std::move(w));
            in_word = false;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '\\' && i + 1 < line.size()) {
            w.text += line[++i];
        } else {
            if (c == '{' || c == '[') ++depth;
            w.text += c;
        }
    }
    if (in_word) out.push_back(std::move(w));
    else out.push_back(word{line.size(), {}});
    return out;
}

// [candidates] ----------------------------------------------------------------

class offer {
public:
    offer(std::string_view prefix, std::size_t max) : prefix_(prefix), max_(max) {}
    void add(std::string_view candidate) {
        if (candidate.starts_with(prefix_)) all_.emplace_back(candidate);
    }
    std::vector<std::string> take() && {
        std::sort(all_.begin(), all_.end());
        all_.erase(std::unique(all_.begin(), all_.end()), all_.end());
        if (all_.size() > max_) all_.resize(max_);
        return std::move(all_);
    }

private:
    std::string_view prefix_;
    std::size_t max_;
    std::vector<std::string> all_;
};

void command_names(offer& o) {
    for (const command_spec& c : table()) o.add(c.name);
}

// One page of the process table, filtered on the node by the word when it
// can be a name (the node's filter matches names, not pids).
void process_names(port& node, std::string_view typed, std::size_t max, offer& o) {
    const bool pid_like = !typed.empty() && (typed[0] == '<' || std::isdigit(static_cast<unsigned char>(typed[0])));
    std::vector<std::pair<term, term>> opts{{"limit"_atom, term::integer(static_cast<std::int64_t>(
                                                               std::clamp<std::size_t>(max, 1, protocol::processes_options::max_limit)))}};
    if (!pid_like && !typed.empty()) {
        if (typed.size() > protocol::processes_options::max_filter_bytes) return;
        opts.emplace_back("filter"_atom, term::binary(typed));
    }
    auto reply = node.request(detail::request(request_kind::processes, {term::map(std::move(opts))}));
    if (!reply) return;
    auto page = from_term<protocol::processes_page>(*reply);
    if (!page) return;
    const bool bare = !typed.empty() && typed[0] != '<' && pid_like; // "0.4" completes to "0.42.0"
    for (const auto& row : page->rows) {
        if (row.registered_name != atoms::undefined) o.add(row.registered_name.name());
        const std::string pid = render::pid_text(row.pid);
        o.add(bare ? pid.substr(1, pid.size() - 2) : pid);
    }
}

void application_names(port& node, offer& o) {
    auto reply = node.request(detail::request(request_kind::applications));
    if (!reply) return;
    auto apps = from_term<std::vector<protocol::application_row>>(*reply);
    if (!apps) return;
    for (const auto& a : *apps) o.add(a.name.name());
}

// The node-wide series, and the per-scheduler ones of the schedulers it has.
void series_names(port& node, offer& o) {
    for (std::string_view n : {"process_count", "memory", "reduction_rate", "message_rate", "events"}) o.add(n);
    auto reply = node.request(detail::request(request_kind::schedulers));
    if (!reply) return;
    auto rows = from_term<std::vector<protocol::scheduler_row>>(*reply);
    if (!rows) return;
    for (const auto& r : *rows) {
        o.add("utilization_" + std::to_string(r.id));
        o.add("run_queue_" + std::to_string(r.id));
    }
}

void option_values(std::string_view option, std::string_view lead, offer& o) {
    if (option == "--sort")
        for (const sort_alias& a : sort_aliases()) o.add(std::string(lead) + std::string(a.alias));
    if (option == "--resolution")
        for (std::string_view r : {"second", "minute"}) o.add(std::string(lead) + std::string(r));
}

bool takes(const command_spec& c, std::string_view option) { return std::find(c.options.begin(), c.options.end(), option) != c.options.end(); }

} // namespace

// [complete] --------------------------------------------------------------------

completion complete(port& node, std::string_view line, std::size_t max_candidates) {
    const std::vector<word> words = words_of(line);
    const word& current = words.back();
    completion result{current.start, {}};
    if (max_candidates == 0) return result;
    offer o(current.text, max_candidates);

    // Where the cursor is: after which command, option or argument.
    const command_spec* command = nullptr;
    std::size_t positional = 0;
    std::string_view pending_option; // an option waiting for its value
    bool options_done = false;
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
        const std::string& w = words[i].text;
        if (!pending_option.empty()) {
            pending_option = {};
        } else if (!options_done && w == "--") {
            options_done = true;
        } else if (!options_done && w.starts_with("--")) {
            if (command && takes(*command, w)) pending_option = w; // `words` outlives the loop
        } else if (!command) {
            command = find(w);
            if (!command) return result; // an unknown command: nothing fits
        } else {
            ++positional;
        }
    }

    const std::string& typed = current.text;
    if (!pending_option.empty()) {
        option_values(pending_option, "", o);
    } else if (!options_done && typed.starts_with("--")) {
        if (auto eq = typed.find('='); eq != std::string::npos) {
            if (command && takes(*command, typed.substr(0, eq))) option_values(typed.substr(0, eq), typed.substr(0, eq + 1), o);
        } else {
            o.add("--json");
            o.add("--help");
            if (command)
                for (auto opt : command->options) o.add(opt);
        }
    } else if (!command) {
        command_names(o);
    } else {
        const argument_kind kind = command->name == "history" ? argument_kind::series : positional == 0 ? command->first_argument : argument_kind::none;
        if (positional < command->max_args) {
            switch (kind) {
            case argument_kind::command: command_names(o); break;
            case argument_kind::process: process_names(node, typed, max_candidates, o); break;
            case argument_kind::application: application_names(node, o); break;
            case argument_kind::series: series_names(node, o); break;
            case argument_kind::none:
            case argument_kind::term: break;
            }
        }
    }
    result.candidates = std::move(o).take();
    return result;
}

} // namespace ember::commands
