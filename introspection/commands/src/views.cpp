// The views this layer makes of a reply that render prints whole: a
// process's mailbox and its state (the two parts of process_info an
// operator asks for most, without the rest), and the memory figures of
// system. Their JSON keeps the reply's own keys (docs/protocol.md), so a
// script reads `messages --json` as it reads `info --json`.

#include <algorithm>

#include "session.hpp"

namespace ember::commands::detail {
namespace {

bool continuation(char c) noexcept { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::string label(const protocol::process_row& p) {
    return render::pid_text(p.pid) + (p.registered_name != atoms::undefined ? "  " + std::string(p.registered_name.name()) : "");
}

// The part of state_error about `what` ("mailbox", "state"): the engine
// joins them as "mailbox: ...; state: ...".
std::string error_part(std::string_view errors, std::string_view what) {
    const std::string lead = std::string(what) + ": ";
    for (std::size_t from = 0; from < errors.size();) {
        std::size_t end = errors.find("; ", from);
        if (end == std::string_view::npos) end = errors.size();
        const std::string_view part = errors.substr(from, end - from);
        if (part.starts_with(lead)) return std::string(part.substr(lead.size()));
        from = end + 2;
    }
    return {};
}

term key(std::string_view name) { return atom(name); }

} // namespace

std::string fit_line(std::string_view line, std::size_t width) {
    std::string clean(line);
    for (char& c : clean)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    std::size_t cols = 0, cut_at = std::string::npos;
    for (std::size_t i = 0; width && i < clean.size(); ++i) {
        if (continuation(clean[i])) continue;
        if (++cols == width) cut_at = i; // where "…" goes if more follows
        if (cols > width) {
            clean = clean.substr(0, cut_at) + "\u2026";
            break;
        }
    }
    return clean + "\n";
}

std::string messages_text(const protocol::process_info_reply& info, const render::text_options& options) {
    const protocol::process_row& p = info.process;
    std::string out;
    if (p.message_queue_len == 0) return fit_line(label(p) + ": no messages waiting", options.width);
    out += fit_line(label(p) + ": " + std::to_string(p.message_queue_len) + (p.message_queue_len == 1 ? " message" : " messages") +
                        " waiting, the oldest for " + render::ms_text(p.oldest_message_age_ms),
                    options.width);
    for (const auto& m : info.messages) out += fit_line("  " + m, options.width);
    if (info.messages.empty()) {
        const std::string why = error_part(info.state_error, "mailbox");
        out += fit_line("  (not read" + (why.empty() ? std::string() : ": " + why) + ")", options.width);
    } else if (info.messages.size() < p.message_queue_len) {
        out += fit_line("  ... and " + std::to_string(p.message_queue_len - info.messages.size()) + " more (the node shows the first " +
                            std::to_string(info.messages.size()) + ")",
                        options.width);
    }
    return out;
}

term messages_term(const protocol::process_info_reply& info) {
    const protocol::process_row& p = info.process;
    return term::map({{key("pid"), to_term(p.pid)},
                      {key("registered_name"), p.registered_name},
                      {key("message_queue_len"), to_term(p.message_queue_len)},
                      {key("oldest_message_age_ms"), to_term(p.oldest_message_age_ms)},
                      {key("messages"), to_term(info.messages)}});
}

std::string state_text(const protocol::process_info_reply& info, const render::text_options& options) {
    const std::string who = label(info.process);
    if (info.state) return fit_line("state of " + who + ":", options.width) + fit_line("  " + *info.state, options.width);
    const std::string why = error_part(info.state_error, "state");
    if (why.empty() || why == "not a behaviour")
        return fit_line(who + " has no behaviour state: it is not a gen_server or other behaviour", options.width);
    return fit_line(who + ": its state could not be read: " + why, options.width);
}

term state_term(const protocol::process_info_reply& info) {
    return term::map({{key("pid"), to_term(info.process.pid)},
                      {key("registered_name"), info.process.registered_name},
                      {key("state"), to_term(info.state)},
                      {key("state_error"), to_term(info.state_error)}});
}

std::string mem_text(const protocol::system_info& s, const render::text_options& options) {
    const std::uint64_t each = s.process_count ? s.memory / s.process_count : 0;
    const std::pair<std::string, std::string> rows[] = {
        {"process memory", render::bytes_text(s.memory) + " (process frames and queued messages)"},
        {"processes", render::count_text(s.process_count) + " of " + render::count_text(s.process_limit)},
        {"per process", render::bytes_text(each) + " on average"},
        {"atoms", render::count_text(s.atom_count)},
    };
    std::size_t w = 0;
    for (const auto& [k, v] : rows) w = std::max(w, k.size());
    std::string out;
    for (const auto& [k, v] : rows) out += fit_line(k + std::string(w - k.size() + 2, ' ') + v, options.width);
    return out;
}

term mem_term(const protocol::system_info& s) {
    return term::map({{key("memory"), to_term(s.memory)},
                      {key("process_count"), to_term(s.process_count)},
                      {key("process_limit"), to_term(s.process_limit)},
                      {key("atom_count"), to_term(s.atom_count)}});
}

} // namespace ember::commands::detail
