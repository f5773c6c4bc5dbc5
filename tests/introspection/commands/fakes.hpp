#pragma once
// A fake port and a fake console for ember::commands' tests: no node, no
// terminal, no time. The port answers each request kind with the sample
// replies (tests/introspection/render/sample_replies.hpp, the values the
// render tests print), built with the protocol structs' to_term, and keeps
// every request; a test swaps one kind's answer. Its trace plays a script
// of news. The console keeps what was written and says it was cancelled
// when the test's script says, so `top` and `trace` end without waiting.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ember/commands/commands.hpp"
#include "ember/protocol/request.hpp"
#include "introspection/render/sample_replies.hpp"

namespace ember::testing {

using reply = expected<term, protocol::error_reason>;

class fake_port final : public commands::port {
public:
    fake_port() {
        answers["processes"] = [](const term&) -> reply { return to_term(sample_page()); };
        answers["process_info"] = [](const term& r) -> reply {
            const term& who = r[1];
            if (who.is_binary() && (who.text() == "<0.42.0>" || who.text() == "front_desk")) return to_term(sample_info());
            // As the fake node of the client tests answers: the term, printed.
            return unexpected(protocol::make_reason("noproc", "noproc: no process " + to_string(who)));
        };
        answers["schedulers"] = [](const term&) -> reply { return to_term(sample_schedulers()); };
        answers["system"] = [](const term&) -> reply { return to_term(sample_system()); };
        answers["applications"] = [](const term&) -> reply { return to_term(sample_apps()); };
        answers["events"] = [](const term&) -> reply { return to_term(sample_events()); };
        answers["warnings"] = [](const term&) -> reply { return to_term(sample_warnings()); };
        answers["history"] = [](const term&) -> reply { return to_term(sample_series()); };
        for (const char* control : {"kill", "exit", "suspend", "resume", "send"})
            answers[control] = [](const term&) -> reply { return term(atoms::ok); };
    }

    reply request(const term& r) override {
        requests.push_back(r);
        auto it = answers.find(r[0].as_atom().name());
        if (it == answers.end()) return unexpected(protocol::make_reason("unknown_request", "not served"));
        return it->second(r);
    }

    /// The requests of one kind, in order.
    std::vector<term> sent(std::string_view kind) const {
        std::vector<term> out;
        for (const term& r : requests)
            if (r[0] == atom(kind)) out.push_back(r);
        return out;
    }

    // --- trace ---

    class feed final : public commands::trace_feed {
    public:
        explicit feed(fake_port& p) : port_(p) {}
        ~feed() override { port_.feed_dropped = true; }
        expected<commands::trace_news, protocol::error_reason> poll(std::chrono::milliseconds wait) override {
            port_.poll_waits.push_back(wait);
            if (port_.script.empty()) return commands::trace_news{};
            auto next = std::move(port_.script.front());
            port_.script.erase(port_.script.begin());
            return next;
        }

    private:
        fake_port& port_;
    };

    expected<std::unique_ptr<commands::trace_feed>, protocol::error_reason> trace(const term& who, const protocol::trace_options& o) override {
        traced = who;
        trace_opts = o;
        if (trace_refusal) return unexpected(*trace_refusal);
        return std::unique_ptr<commands::trace_feed>(std::make_unique<feed>(*this));
    }

    std::map<std::string, std::function<reply(const term&)>, std::less<>> answers;
    std::vector<term> requests;

    std::vector<expected<commands::trace_news, protocol::error_reason>> script; ///< one per poll; then empty news
    std::optional<protocol::error_reason> trace_refusal;
    std::optional<term> traced;
    protocol::trace_options trace_opts;
    std::vector<std::chrono::milliseconds> poll_waits;
    bool feed_dropped = false;
};

class fake_console final : public commands::console {
public:
    void write(std::string_view t) override {
        text += t;
        ++writes;
    }
    void error(std::string_view line) override { errors.emplace_back(line); }
    std::size_t columns() const override { return cols; }
    std::size_t rows() const override { return rows_; }
    bool interactive() const override { return interactive_; }
    bool cancelled() const override {
        ++checks;
        if (cancel_at_check && checks >= *cancel_at_check) cancelled_ = true;
        return cancelled_;
    }
    bool wait_cancelled(std::chrono::milliseconds wait) override {
        waits.push_back(wait);
        if (cancel_at_wait && waits.size() >= *cancel_at_wait) cancelled_ = true;
        return cancelled_;
    }

    std::string text;
    std::size_t writes = 0;
    std::vector<std::string> errors;
    std::vector<std::chrono::milliseconds> waits;
    std::size_t cols = 0, rows_ = 0;
    bool interactive_ = false;
    std::optional<std::size_t> cancel_at_wait;  ///< the Nth wait_cancelled sees a cancel
    std::optional<std::size_t> cancel_at_check; ///< the Nth cancelled() says true
    mutable std::size_t checks = 0;
    mutable bool cancelled_ = false;
};

/// split_line, parse and run, as a front door does; parse and split errors
/// go to the console as run's would, with exit_usage.
inline int run_line(fake_port& port, fake_console& console, std::string_view line) {
    auto words = commands::split_line(line);
    if (!words) {
        console.error(words.error());
        return commands::exit_usage;
    }
    auto inv = commands::parse(*words);
    if (!inv) {
        console.error(inv.error());
        return commands::exit_usage;
    }
    return commands::run(port, *inv, console);
}

} // namespace ember::testing
