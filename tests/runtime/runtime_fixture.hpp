#pragma once
// Runs a semantics test at 1, 2 and 4 schedulers: a node, and a probe (a
// mailbox for the test thread) that processes report to.

#include <gtest/gtest.h>

#include <chrono>

#include "ember/runtime/block_on.hpp"
#include "ember/runtime/node.hpp"
#include "ember/term/convert.hpp"
#include "ember/term/parse.hpp"
#include "ember/term/print.hpp"

namespace ember::testing {

using namespace std::chrono_literals;

class runtime_test : public ::testing::TestWithParam<unsigned> {
protected:
    node n{{.schedulers = GetParam()}};
    probe me{n};

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
    return std::to_string(info.param) + "_schedulers";
}

#define EMBER_RUNTIME_TEST_SUITE(suite) \
    INSTANTIATE_TEST_SUITE_P(schedulers, suite, ::testing::Values(1u, 2u, 4u), ::ember::testing::scheduler_count_name)

} // namespace ember::testing
