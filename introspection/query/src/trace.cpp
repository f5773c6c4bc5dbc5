// A bounded message trace of one process: a message_tracer (node::trace)
// that prints each message within the print limit on the sender's thread,
// keeps at most max_rate a second (the rest are counted as dropped), stops
// after max_messages, and ends the node's trace when its owner drops it.

#include <deque>
#include <mutex>

#include "engine_state.hpp"

namespace ember::query {

namespace {

/// Rows waiting to be taken, at most: a subscriber that stops reading
/// loses rows (counted), it never grows this.
constexpr std::size_t max_queued_rows = 1000;

class tracer final : public message_tracer {
public:
    /// `uptime_ms`: the node's uptime now, so rows carry node uptime.
    tracer(const pid& traced, const protocol::trace_options& o, std::size_t print_limit, std::uint64_t uptime_ms)
        : traced_(traced), options_(o), print_limit_(print_limit), started_ms_(now_ms()), uptime_at_start_ms_(uptime_ms) {}

    void on_message(const pid& from, const pid& to, const term& message) noexcept override {
        try {
            const std::uint64_t now = now_ms();
            std::lock_guard lock(mutex_);
            if (ended_) return;
            if (now / 1000 != second_) { // a new second: a new rate budget
                second_ = now / 1000;
                in_second_ = 0;
            }
            if (in_second_ >= options_.max_rate || rows_.size() >= max_queued_rows) {
                ++dropped_;
                return;
            }
            ++in_second_;
            protocol::trace_row row;
            row.at_ms = uptime_at_start_ms_ + (now - started_ms_);
            row.direction = atom(from == traced_ ? "out" : "in");
            row.from = from;
            row.to = to;
            row.message = print_bounded(message, print_limit_);
            row.dropped = dropped_;
            dropped_ = 0;
            rows_.push_back(std::move(row));
            if (++given_ >= options_.max_messages) ended_ = true;
        } catch (...) { // std::bad_alloc: the row is lost, the sender goes on
        }
    }
    void on_end() noexcept override {
        std::lock_guard lock(mutex_);
        ended_ = true;
    }
    void take(std::vector<protocol::trace_row>& out) {
        std::lock_guard lock(mutex_);
        for (auto& r : rows_) out.push_back(std::move(r));
        rows_.clear();
    }
    bool finished() const {
        std::lock_guard lock(mutex_);
        return ended_ && rows_.empty();
    }

private:
    const pid traced_;
    const protocol::trace_options options_;
    const std::size_t print_limit_;
    const std::uint64_t started_ms_;
    const std::uint64_t uptime_at_start_ms_;
    mutable std::mutex mutex_;
    std::deque<protocol::trace_row> rows_;
    std::uint64_t second_ = 0, in_second_ = 0, dropped_ = 0, given_ = 0;
    bool ended_ = false;
};

class session final : public trace_session {
public:
    session(node& n, const pid& p, std::shared_ptr<tracer> t) : node_(n), traced_(p), tracer_(std::move(t)) {}
    ~session() override { node_.untrace(traced_, tracer_.get()); }
    void take(std::vector<protocol::trace_row>& out) override { tracer_->take(out); }
    bool finished() const override { return tracer_->finished(); }

private:
    node& node_;
    const pid traced_;
    std::shared_ptr<tracer> tracer_;
};

} // namespace

expected<protocol::trace_options, protocol::error_reason> parse_trace_options(const term& opts) {
    protocol::trace_options o;
    if (!opts.is_map()) return unexpected(protocol::make_reason("bad_request", "trace options are a map, not " + print_bounded(opts, 80)));
    for (const auto& [key, value] : opts.entries()) {
        const bool count = key == atom("max_messages"), rate = key == atom("max_rate");
        if (!count && !rate)
            return unexpected(protocol::make_reason("bad_request", "unknown trace option " + print_bounded(key, 80) +
                                                                       " (max_messages, max_rate)"));
        if (!value.is_integer() || value.as_integer() < 1 ||
            static_cast<std::uint64_t>(value.as_integer()) > protocol::trace_options::max_max_messages)
            return unexpected(protocol::make_reason("bad_request", print_bounded(key, 80) + " must be an integer in 1.." +
                                                                       std::to_string(protocol::trace_options::max_max_messages)));
        (count ? o.max_messages : o.max_rate) = static_cast<std::uint64_t>(value.as_integer());
    }
    return o;
}

expected<std::shared_ptr<trace_session>, protocol::error_reason> engine::trace(const pid& p, const protocol::trace_options& o) {
    auto t = std::make_shared<tracer>(p, o, state_->options.print_limit, node_uptime_ms(*state_));
    if (!state_->target.is_alive(p) || !state_->target.trace(p, t)) return unexpected(no_process(p));
    return std::shared_ptr<trace_session>(std::make_shared<session>(state_->target, p, std::move(t)));
}

} // namespace ember::query
