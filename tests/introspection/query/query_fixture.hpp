#pragma once
// A threaded node (two schedulers), a probe, and an engine without its
// sampler thread: tests call sample() themselves, so what a sample sees is
// what the test arranged.

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "ember/query/engine.hpp"
#include "ember/runtime/node.hpp"
#include "ember/term/print.hpp"

namespace ember::testing {

using namespace std::chrono_literals;

class query_test : public ::testing::Test {
protected:
    query_test() : query_test(node_options{.schedulers = 2}, query::engine_options{.sampler_thread = false}) {}
    query_test(node_options node_config, query::engine_options engine_config) : n(node_config), me(n), q(n, engine_config) {}

    node n;
    probe me;
    query::engine q;

    /// True once `condition()` holds; false after `limit` (which bounds a
    /// failure only).
    template <class Condition>
    bool eventually(Condition condition, std::chrono::milliseconds limit = 5000ms) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!condition()) {
            if (std::chrono::steady_clock::now() >= deadline) return false;
            std::this_thread::sleep_for(200us);
        }
        return true;
    }
    term next(std::chrono::milliseconds timeout = 5000ms) {
        auto m = me.receive(timeout);
        EXPECT_TRUE(m.has_value()) << "no message within " << timeout.count() << " ms";
        return m ? *m : term(atom("no_message"));
    }
    /// Waits for `p` to be waiting with `queued` messages.
    bool settled(const pid& p, std::uint64_t queued = 0) {
        return eventually([&] {
            auto i = n.process_info(p);
            return i && i->stats.status == process_status::waiting && i->stats.mailbox_length == queued;
        });
    }
};

/// processes_options with every field named (GCC warns on a designated
/// initializer that leaves out the string).
inline protocol::processes_options sorted_by(protocol::process_sort sort, std::size_t limit = 100, std::size_t offset = 0, std::string filter = {}) {
    protocol::processes_options o;
    o.sort = sort;
    o.limit = limit;
    o.offset = offset;
    o.filter = std::move(filter);
    return o;
}

/// Waits for `shutdown`, ignoring everything else.
inline process_task idle() {
    co_await receive([](const term& m) { return m == term(atoms::shutdown); });
}

/// Burns `n` reductions (n checkpoints), then waits.
inline process_task busy(int n) {
    for (int i = 0; i < n; ++i) co_await checkpoint();
    co_await receive([](const term& m) { return m == term(atoms::shutdown); });
}

} // namespace ember::testing
