// trace: one line per message the process sends or receives, as the rows
// come, until the trace has given --max messages, the node ends it (it
// gave its messages, or the process is gone: "-- trace ended: ..."), or
// the user cancels. Leaving early drops the feed, which stops the trace on
// the node. With --json each row is one line of JSON and nothing else is
// printed, so the output is JSON Lines.

#include <chrono>

#include "arguments.hpp"
#include "session.hpp"

namespace ember::commands::detail {
namespace {

// How long one poll waits for rows: short, so a cancel is seen soon.
constexpr std::chrono::milliseconds poll_wait{100};

} // namespace

int run_trace(session& s) {
    protocol::trace_options o;
    o.max_messages = size_option(s.inv, "--max", o.max_messages);
    o.max_rate = size_option(s.inv, "--rate", o.max_rate);
    auto feed = s.node.trace(process_term(s.inv.args.at(0)), o);
    if (!feed) return s.fail(feed.error());
    std::uint64_t seen = 0;
    while (!s.out.cancelled()) {
        auto news = (*feed)->poll(poll_wait);
        if (!news) return s.fail(news.error());
        for (const auto& row : news->rows) {
            s.out.write(s.inv.json ? render::json(row) + "\n" : render::text(row, s.text()));
            // A row stands for itself and the messages dropped before it.
            seen += 1 + row.dropped;
            if (seen >= o.max_messages) return exit_ok;
        }
        if (news->ended) {
            if (!s.inv.json) s.out.write("-- trace ended: " + news->end_message + "\n");
            return exit_ok;
        }
    }
    return exit_ok;
}

} // namespace ember::commands::detail
