// client_port: commands' requests over ember::client. A trace is a client
// subscription: its pushes are read back as trace rows, its last push
// ({ended, {complete, Message}}) as the end, any other end as an error;
// dropping the feed early unsubscribes, which stops the trace on the node.

#include "client_port.hpp"

namespace ember::ctl {
namespace {

using client::client_errc;
using client::client_error;

class client_trace_feed final : public commands::trace_feed {
public:
    client_trace_feed(const client_port& port, client::client& node, client::subscription_id id) : port_(port), node_(node), id_(id) {}
    ~client_trace_feed() override {
        if (!over_) (void)node_.unsubscribe(id_); // an error here changes nothing: the program is leaving the trace
    }

    expected<commands::trace_news, protocol::error_reason> poll(std::chrono::milliseconds wait) override {
        commands::trace_news news;
        // Waits for the first push only; then takes what is already queued,
        // so a burst of rows is one poll.
        for (auto p = node_.wait_push(wait); p && !over_; p = node_.wait_push(std::chrono::milliseconds(0))) {
            if (p->subscription != id_) continue;
            if (p->error) {
                if (p->error->errc == client_errc::bad_reply) continue; // one unreadable row; the trace goes on
                over_ = true; // the connection went, and the trace with it
                return unexpected(port_.reason(*p->error));
            }
            if (p->ended) {
                over_ = true; // the node forgot it; nothing to stop
                // `complete`: it gave its messages or its process is gone.
                if (p->ended->code != "complete"_atom)
                    return unexpected(port_.reason(client_error{client_errc::server_error, p->ended->code, p->ended->message}));
                news.ended = true;
                news.end_message = p->ended->message;
                break;
            }
            auto row = from_term<protocol::trace_row>(p->value);
            if (row) news.rows.push_back(std::move(*row)); // else a row this ember-ctl cannot read (a newer node?): skipped
        }
        return news;
    }

private:
    const client_port& port_;
    client::client& node_;
    client::subscription_id id_;
    bool over_ = false;
};

} // namespace

std::string failure_line(const client_error& e, std::string_view token_file) {
    std::string line = e.describe();
    if (e.errc == client_errc::server_error && e.code == "needs_admin"_atom)
        line += " (the token in " + std::string(token_file) + " is read-only; use the node's admin.token)";
    if (e.errc == client_errc::bad_token) line += " (token file " + std::string(token_file) + ")";
    if (e.errc == client_errc::server_error && e.code == "unknown_atom"_atom)
        line += " (a node makes no atoms from the network: use atoms it knows, or binaries)";
    return line;
}

protocol::error_reason client_port::reason(const client_error& e) const {
    const atom code = e.errc == client_errc::server_error ? e.code : atom(client::client_errc_name(e.errc));
    return protocol::error_reason{code, failure_line(e, token_file_)};
}

expected<term, protocol::error_reason> client_port::request(const term& request) {
    auto r = node_.request(request);
    if (!r) return unexpected(reason(r.error()));
    return std::move(*r);
}

expected<std::unique_ptr<commands::trace_feed>, protocol::error_reason> client_port::trace(const term& who, const protocol::trace_options& options) {
    auto id = node_.trace(who, options);
    if (!id) return unexpected(reason(id.error()));
    return std::unique_ptr<commands::trace_feed>(std::make_unique<client_trace_feed>(*this, node_, *id));
}

} // namespace ember::ctl
