// The shell's port: requests to query::dispatch, traces to the engine's
// trace sessions (query_port.hpp).

#include "query_port.hpp"

#include <thread>

namespace ember::remsh {
namespace {

// What a read-only key is told when it asks for a command that acts.
protocol::error_reason read_only_refusal(std::string_view what) {
    return protocol::make_reason("needs_admin", std::string(what) +
                                                    " needs an admin key; this key is read-only "
                                                    "(give its authorized_keys line the admin option)");
}

// A trace session of the engine as the commands read it: rows as they are
// taken, the end when the session has stopped and every row was taken.
class session_feed final : public commands::trace_feed {
public:
    explicit session_feed(std::shared_ptr<query::trace_session> s) : session_(std::move(s)) {}

    expected<commands::trace_news, protocol::error_reason> poll(std::chrono::milliseconds wait) override {
        // The session has no wait of its own: look every few milliseconds,
        // which is far below what a person watching a trace notices.
        constexpr auto step = std::chrono::milliseconds(20);
        const auto until = std::chrono::steady_clock::now() + wait;
        commands::trace_news news;
        for (;;) {
            session_->take(news.rows);
            if (!news.rows.empty()) return news;
            if (session_->finished()) {
                news.ended = true;
                news.end_message = "the trace ended (it gave its messages, or the process is gone)";
                return news;
            }
            if (std::chrono::steady_clock::now() >= until) return news;
            std::this_thread::sleep_for(step);
        }
    }

private:
    std::shared_ptr<query::trace_session> session_;
};

} // namespace

expected<term, protocol::error_reason> query_port::request(const term& request) {
    auto parsed = protocol::parse_request(request);
    if (!parsed) return unexpected(parsed.error());
    if (protocol::needs_admin(parsed->kind) && access_ != protocol::access_level::admin)
        return unexpected(read_only_refusal(protocol::request_kind_name(parsed->kind)));
    return query::dispatch(engine_, *parsed, access_);
}

expected<std::unique_ptr<commands::trace_feed>, protocol::error_reason> query_port::trace(const term& who,
                                                                                         const protocol::trace_options& options) {
    if (access_ != protocol::access_level::admin) return unexpected(read_only_refusal("trace"));
    auto p = engine_.resolve(who);
    if (!p) return unexpected(p.error());
    auto session = engine_.trace(*p, options);
    if (!session) return unexpected(session.error());
    return std::unique_ptr<commands::trace_feed>(std::make_unique<session_feed>(std::move(*session)));
}

} // namespace ember::remsh
