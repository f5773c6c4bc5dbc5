#pragma once
// Runs a semantics test in deterministic mode and at 1, 2 and 4
// schedulers (marl runs every test single-threaded too): a node, and a
// probe (a mailbox for the test thread) that processes report to. At
// teardown every process the test left is killed and the fixture checks
// that the process count comes back to where it started: a block that is
// never given back is a leaked process.

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "ember/runtime/block_on.hpp"
#include "ember/runtime/gen_server.hpp"
#include "ember/runtime/node.hpp"
#include "ember/term/convert.hpp"
#include "ember/term/parse.hpp"
#include "ember/term/print.hpp"

namespace ember::testing {

using namespace std::chrono_literals;

/// The suites' parameter: a scheduler count, 0 for deterministic mode.
inline constexpr unsigned deterministic = 0;

inline node_options options_for(unsigned schedulers) {
    return schedulers == deterministic ? node_options{.deterministic = true} : node_options{.schedulers = schedulers};
}

class runtime_test : public ::testing::TestWithParam<unsigned> {
protected:
    node n{options_for(GetParam())};
    probe me{n};
    const std::size_t baseline_ = n.process_count();

    bool is_deterministic() const { return GetParam() == deterministic; }

    void TearDown() override {
        // Kill what is left (supervisors may restart children meanwhile:
        // go on until nothing is), then wait for the blocks to come back.
        const bool back = eventually([&] {
            n.for_each_process([&](const process_stats& p) {
                if (p.id != me.self()) n.exit(p.id, atoms::kill);
            });
            if (is_deterministic()) n.run_until_idle(std::chrono::milliseconds(100));
            return n.process_count() == baseline_;
        }, std::chrono::milliseconds(20000));
        EXPECT_TRUE(back) << "leaked processes: " << n.process_count() - baseline_ << " still hold a block after being killed";
    }

    /// True once `condition()` holds, false if it never did within
    /// `limit`: for states no message announces (a block given back, a
    /// status shown). Checks often, and the limit only bounds a failure.
    template <class Condition>
    bool eventually(Condition condition, std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        for (;;) {
            if (condition()) return true;
            if (std::chrono::steady_clock::now() >= deadline) return false;
            if (is_deterministic()) n.run_until_idle(std::chrono::milliseconds(1));
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    }

    /// The next message to the test, or a failure after 5 s.
    term next(std::chrono::milliseconds timeout = 5000ms) {
        auto m = me.receive(timeout);
        EXPECT_TRUE(m.has_value()) << "no message within " << timeout.count() << " ms";
        return m ? *m : term(atom("no_message"));
    }
    /// The reason in the next message, which must be a DOWN.
    term next_down_reason() {
        term m = next();
        const bool down = m.is_tuple() && m.size() == 5 && m[0] == term(atoms::DOWN);
        EXPECT_TRUE(down) << "expected a DOWN, got " << to_string(m);
        return down ? m[4] : term();
    }
    /// Asserts nothing arrives within `wait`.
    void expect_silence(std::chrono::milliseconds wait = 50ms) {
        auto m = me.receive(wait);
        EXPECT_FALSE(m.has_value()) << "unexpected " << (m ? to_string(*m) : "");
    }
    static term t(std::string_view text) { return parse(text).value(); }
    /// Runs a process-side call (a task) from the test thread with
    /// block_on and returns what it returned; fails the test when the
    /// helper died or 10 s passed.
    template <class F>
    auto run(F fn) {
        auto r = block_on(n, std::move(fn), std::chrono::milliseconds(10000));
        if (!r) ADD_FAILURE() << "block_on: " << r.error().message();
        return std::move(r).value();
    }
    /// gen_server::call from the test thread; a failure (and undefined)
    /// when the call fails.
    term call(server_ref to, term req, std::chrono::milliseconds timeout = gen_server::default_timeout) {
        auto r = run([&] { return gen_server::call(to, std::move(req), timeout); });
        EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
        return r ? *r : term();
    }
    /// The running child `id` of supervisor `sup`, asked of it (a call, so
    /// a restart it is making is done); pid{} when none runs.
    pid child_pid(pid sup, const char* id) {
        const term children = call(sup, atom("which_children"));
        for (const term& c : children.elements())
            if (c[0] == atom(id) && c[1].is_pid()) return c[1].as_pid();
        return {};
    }
    /// Kills child `id` of `sup` and waits for its DOWN (killed).
    void kill_child(pid sup, const char* id) {
        const pid c = child_pid(sup, id);
        const term ref = term::from_reference(me.monitor(c));
        n.exit(c, atoms::kill);
        const auto down = me.receive([&](const term& m) { return m.is_tuple() && m.size() == 5 && m[1] == ref; }, std::chrono::milliseconds(5000));
        EXPECT_TRUE(down && (*down)[4] == atoms::killed) << "child " << id << " did not die killed: " << (down ? to_string(*down) : "no DOWN");
    }
    /// The next `count` messages, printed and joined by spaces.
    std::string next_n(int count) {
        std::string out;
        for (int i = 0; i < count; ++i) out += (i ? " " : "") + to_string(next());
        return out;
    }
};

/// Answers {From, X} with X to From; ends on 'shutdown'.
inline process_task echo() {
    for (;;) {
        term m = co_await receive();
        if (m == term(atoms::shutdown)) co_return;
        send(m[0].as_pid(), m[1]);
    }
}

inline std::string scheduler_count_name(const ::testing::TestParamInfo<unsigned>& info) {
    return info.param == deterministic ? std::string("deterministic") : std::to_string(info.param) + "_schedulers";
}

/// Every case in deterministic mode and at 1, 2 and 4 schedulers.
#define EMBER_RUNTIME_TEST_SUITE(suite) \
    INSTANTIATE_TEST_SUITE_P(schedulers, suite, ::testing::Values(0u, 1u, 2u, 4u), ::ember::testing::scheduler_count_name)
/// For suites that need real threads (runaways, the watchdog, the dirty
/// pool): deterministic mode has one scheduler on the test's thread and no
/// watchdog, so they run at 1, 2 and 4 schedulers only.
#define EMBER_THREADED_TEST_SUITE(suite) \
    INSTANTIATE_TEST_SUITE_P(schedulers, suite, ::testing::Values(1u, 2u, 4u), ::ember::testing::scheduler_count_name)

} // namespace ember::testing
