// top: the node at a glance, refreshed every second. Each frame is three
// requests ({system}, {schedulers}, and a page of {processes} sorted by
// --sort, reduction_rate by default) and the same ps table the `ps`
// command prints, under a two-line header of node-wide figures.
//
// On an interactive console a frame clears the screen and redraws in
// place (ANSI home + clear), with as many processes as fit its rows, until
// the user cancels or --count frames were shown. Elsewhere (a pipe, a log)
// nothing is redrawn: one frame, or --count frames a blank line apart, a
// second between them, so `top --count 3 > file` gives a readable record.
// With --json each frame is one line of JSON (JSON Lines).

#include <algorithm>
#include <chrono>

#include "arguments.hpp"
#include "session.hpp"

namespace ember::commands::detail {
namespace {

using protocol::request_kind;

constexpr std::string_view home_and_clear = "\x1b[H\x1b[2J";
constexpr std::chrono::seconds refresh{1};
// Processes shown when the console cannot say how many rows it has.
constexpr std::size_t rows_unknown = 20;
// Lines of a frame besides the process rows: the two header lines, a blank
// line, the table's header and summary, a possible note, and the line the
// cursor rests on (so the top line never scrolls away).
constexpr std::size_t frame_overhead = 7;

struct frame {
    protocol::system_info system;
    std::vector<protocol::scheduler_row> schedulers;
    protocol::processes_page page;
};

std::optional<frame> ask_frame(session& s, const protocol::processes_options& o) {
    frame f;
    auto system = s.ask<protocol::system_info>(request(request_kind::system));
    if (!system) return std::nullopt;
    auto schedulers = s.ask<std::vector<protocol::scheduler_row>>(request(request_kind::schedulers));
    if (!schedulers) return std::nullopt;
    auto page = s.ask<protocol::processes_page>(request(request_kind::processes, {to_term(o)}));
    if (!page) return std::nullopt;
    return frame{std::move(*system), std::move(*schedulers), std::move(*page)};
}

std::string header(const frame& f, std::size_t width) {
    const protocol::system_info& s = f.system;
    std::uint64_t run_queue = 0;
    double utilization = 0;
    for (const auto& r : f.schedulers) run_queue += r.run_queue, utilization += r.utilization;
    if (!f.schedulers.empty()) utilization /= static_cast<double>(f.schedulers.size());
    std::string out = fit_line("node " + std::string(s.node.name()) + "  up " + render::ms_text(s.uptime_ms) + "  processes " +
                                   render::count_text(s.process_count) + "  memory " + render::bytes_text(s.memory),
                               width);
    std::string second = "reductions " + render::rate_text(s.reduction_rate) + "/s  messages " + render::rate_text(s.message_rate) + "/s";
    if (!f.schedulers.empty())
        second += "  run queue " + render::count_text(run_queue) + "  utilization " + render::percent_text(utilization) + " of " +
                  std::to_string(f.schedulers.size()) + (f.schedulers.size() == 1 ? " scheduler" : " schedulers");
    return out + fit_line(second, width) + "\n";
}

term frame_term(const frame& f) {
    return term::map({{atom("system"), to_term(f.system)}, {atom("schedulers"), to_term(f.schedulers)}, {atom("processes"), to_term(f.page)}});
}

} // namespace

int run_top(session& s) {
    const bool redraw = s.out.interactive() && !s.inv.json;
    const std::size_t count = size_option(s.inv, "--count", 0); // 0: until cancelled (interactive), else one
    protocol::processes_options o;
    o.sort = sort_option(s.inv, protocol::process_sort::reduction_rate);
    for (std::size_t shown = 0;;) {
        // Asked each frame: the terminal may have been resized.
        const std::size_t rows = s.out.rows();
        o.limit = std::clamp<std::size_t>(rows ? (rows > frame_overhead ? rows - frame_overhead : 1) : rows_unknown, 1,
                                          protocol::processes_options::max_limit);
        auto f = ask_frame(s, o);
        if (!f) return exit_failed;
        if (s.inv.json) {
            s.out.write(render::json(frame_term(*f)) + "\n");
        } else {
            const render::text_options text = s.text();
            std::string out = redraw ? std::string(home_and_clear) : shown ? std::string("\n") : std::string();
            out += header(*f, text.width) + render::text(f->page, text);
            s.out.write(out);
        }
        ++shown;
        if (count ? shown >= count : !s.out.interactive()) return exit_ok;
        if (s.out.wait_cancelled(refresh)) return exit_ok;
    }
}

} // namespace ember::commands::detail
