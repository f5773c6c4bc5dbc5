// The dirty pool: blocking work off the schedulers, results and exceptions
// back to the waiting process, kills while waiting.
#include "runtime_fixture.hpp"

#include <atomic>
#include <thread>

#include "ember/runtime/dirty.hpp"

namespace ember::testing {
namespace {

class dirty : public runtime_test {};
EMBER_THREADED_TEST_SUITE(dirty); // the dirty pool's threads

TEST_P(dirty, a_result_comes_back_to_the_process) {
    n.spawn([](pid report) -> process_task {
        const int v = co_await run_dirty([] { return 6 * 7; });
        send(report, term::integer(v));
    }, me.self());
    EXPECT_EQ(next(), term::integer(42));
    EXPECT_EQ(n.system().dirty_completed, 1u);
}

TEST_P(dirty, an_exception_is_rethrown_in_the_process) {
    n.spawn([](pid report) -> process_task {
        try {
            co_await run_dirty([]() -> int { throw std::runtime_error("disk on fire"); });
        } catch (const std::runtime_error& e) {
            send(report, term::binary(e.what()));
        }
    }, me.self());
    EXPECT_EQ(next().text(), "disk on fire");
}

TEST_P(dirty, the_schedulers_stay_free_while_a_dirty_job_blocks) {
    static std::atomic<bool> release{false};
    release = false;
    n.spawn([](pid report) -> process_task {
        co_await run_dirty([] {
            while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        });
        send(report, atom("dirty_done"));
    }, me.self());
    for (int i = 0; i < 1000 && n.system().dirty_running == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    // One scheduler or four: an echo still answers while the job blocks.
    pid e = n.spawn(echo);
    me.send(e, term::tuple({term::from_pid(me.self()), atom("ping")}));
    EXPECT_EQ(next(), term(atom("ping")));
    EXPECT_EQ(n.system().dirty_running, 1u);
    release = true;
    EXPECT_EQ(next(), term(atom("dirty_done")));
}

TEST_P(dirty, a_process_killed_while_it_waits_exits_at_once) {
    static std::atomic<bool> release{false};
    release = false;
    pid p = n.spawn([]() -> process_task {
        co_await run_dirty([] {
            while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        });
    });
    me.monitor(p);
    for (int i = 0; i < 1000 && n.system().dirty_running == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    n.exit(p, atoms::kill);
    EXPECT_EQ(next_down_reason(), term(atoms::killed));
    release = true; // the job ends; its result goes nowhere
}

} // namespace
} // namespace ember::testing
