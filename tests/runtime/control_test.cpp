// What the front doors use to watch and operate a node from a thread that
// is not a process: visiting processes in bounded chunks, suspending and
// resuming, peeking at a mailbox, block_on, and the release-build check
// that process functions are called from a process.
#include "runtime_fixture.hpp"

#include <unordered_set>

#include "ember/runtime/block_on.hpp"
#include "ember/runtime/gen_server.hpp"
#include "ember/runtime/sys.hpp"

namespace ember::testing {
namespace {

namespace gs = gen_server;

class control : public runtime_test {};
EMBER_RUNTIME_TEST_SUITE(control);

// Answers each pid it receives with `{self, count}`; ignores anything else.
process_task counter_loop() {
    for (std::int64_t count = 1;;) {
        term m = co_await receive();
        if (m == term(atoms::shutdown)) co_return;
        if (m.is_pid()) send(m.as_pid(), make_tuple(self(), count++));
    }
}

// Never takes a message: waits for one that never comes, so its mailbox
// only grows (what an operator peeks at).
process_task hoarder(pid report) {
    send(report, atom("ready"));
    co_await receive([](const term& m) { return m == term(atom("never_sent")); });
}

std::uint64_t key(const pid& p) { return std::uint64_t{p.id} << 32 | p.serial; }

std::vector<pid> spawn_idle(node& n, int count) {
    std::vector<pid> out;
    for (int i = 0; i < count; ++i) out.push_back(n.spawn(counter_loop));
    return out;
}

// [visit] ----------------------------------------------------------------------

TEST_P(control, a_visit_sees_every_process_once_and_stops_when_told) {
    const std::vector<pid> mine = spawn_idle(n, 300);
    std::unordered_set<std::uint64_t> seen;
    const visit_result all = n.visit_processes([&](const process_stats& p) { EXPECT_TRUE(seen.insert(key(p.id)).second); });
    EXPECT_TRUE(all.complete);
    EXPECT_FALSE(all.stopped);
    for (const pid& p : mine) EXPECT_TRUE(seen.contains(key(p)));

    std::size_t calls = 0;
    const visit_result early = n.visit_processes([&](const process_stats&) { return ++calls == 10 ? visit_next::stop : visit_next::go_on; });
    EXPECT_EQ(calls, 10u);
    EXPECT_EQ(early.visited, 10u);
    EXPECT_TRUE(early.stopped);
    EXPECT_FALSE(early.complete);
}

TEST_P(control, a_visit_in_chunks_goes_on_where_the_last_one_ended) {
    const std::vector<pid> mine = spawn_idle(n, 300);
    std::unordered_set<std::uint64_t> seen;
    visit_options o{.max_blocks = 64};
    int chunks = 0;
    for (;;) {
        const visit_result r = n.visit_processes([&](const process_stats& p) { EXPECT_TRUE(seen.insert(key(p.id)).second) << "seen twice"; }, o);
        ++chunks;
        EXPECT_LE(r.next - o.from, 64u);
        if (r.complete) break;
        o.from = r.next;
        ASSERT_LT(chunks, 1000);
    }
    EXPECT_GE(chunks, 5);
    for (const pid& p : mine) EXPECT_TRUE(seen.contains(key(p)));
}

// [suspend and resume] -----------------------------------------------------------

TEST_P(control, a_held_process_runs_nothing_until_resumed_and_its_messages_wait) {
    const pid c = n.spawn(counter_loop);
    me.send(c, term::from_pid(me.self()));
    EXPECT_EQ(next()[1], term::integer(1));
    // Held from its next wake-up: let it reach its receive first.
    ASSERT_TRUE(eventually([&] { return n.process_info(c)->stats.status == process_status::waiting; }));

    ASSERT_TRUE(n.suspend(c).has_value());
    EXPECT_EQ(n.process_info(c)->stats.status, process_status::suspended);
    me.send(c, term::from_pid(me.self()));
    me.send(c, term::from_pid(me.self()));
    expect_silence();
    EXPECT_EQ(n.process_info(c)->stats.status, process_status::suspended);

    ASSERT_TRUE(n.resume(c).has_value());
    EXPECT_EQ(next()[1], term::integer(2));
    EXPECT_EQ(next()[1], term::integer(3));
    EXPECT_EQ(to_string(term(n.resume(c).error().reason)), "not_suspended");
}

TEST_P(control, a_held_process_can_still_be_killed) {
    const pid c = n.spawn(counter_loop);
    me.monitor(c);
    ASSERT_TRUE(n.suspend(c).has_value());
    n.exit(c, atoms::kill); // wakes it: held, yet the kill is taken in

    EXPECT_EQ(next_down_reason(), term(atoms::killed));
}

TEST_P(control, suspend_and_resume_of_a_dead_process_say_noproc) {
    const pid c = n.spawn(counter_loop);
    me.monitor(c);
    me.send(c, atoms::shutdown);
    next_down_reason();
    EXPECT_EQ(n.suspend(c).error().code, call_errc::noproc);
    EXPECT_EQ(n.resume(c).error().code, call_errc::noproc);
    EXPECT_EQ(n.suspend(me.self()).error().code, call_errc::refused); // a probe is a thread
}

class echo_server : public gs::stateful_server<std::int64_t> {
public:
    task<gs::step> handle_call(term request, gs::from) override { co_return gs::reply(request); }
};

TEST_P(control, a_behaviour_is_suspended_through_sys_and_still_answers_sys) {
    const pid s = gs::start<echo_server>(n).value();
    ASSERT_TRUE(n.suspend(s).has_value());
    EXPECT_EQ(n.process_info(s)->stats.status, process_status::suspended);
    // sys still answers while suspended; an ordinary call waits.
    EXPECT_EQ(run([s] { return sys::get_state(s); }).value(), term::integer(0));
    auto waiting = run([s] { return gs::call(s, atom("hello"), std::chrono::milliseconds(30)); });
    EXPECT_EQ(waiting.error().code, call_errc::timeout);
    ASSERT_TRUE(n.resume(s).has_value());
    EXPECT_EQ(run([s] { return gs::call(s, atom("hello")); }).value(), term(atom("hello")));
}

TEST_P(control, a_state_through_sys_from_a_thread_is_bounded_by_its_timeout) {
    const pid s = gs::start<echo_server>(n).value();
    EXPECT_EQ(run([s] { return sys::get_state(s, std::chrono::milliseconds(1000)); }).value(), term::integer(0));
    // A process that is no behaviour never answers sys: the timeout ends it.
    const pid plain = n.spawn(counter_loop);
    auto none = run([plain] { return sys::get_state(plain, std::chrono::milliseconds(30)); });
    ASSERT_FALSE(none.has_value());
    EXPECT_EQ(none.error().code, call_errc::timeout);
}

// [peek] ---------------------------------------------------------------------------

TEST_P(control, a_peek_shows_the_first_messages_and_how_many_wait) {
    const pid h = n.spawn(hoarder, me.self());
    EXPECT_EQ(next(), term(atom("ready")));
    for (int i = 0; i < 50; ++i) me.send(h, term::integer(i));
    auto peek = n.peek_mailbox(h, 3);
    ASSERT_TRUE(peek.has_value()) << peek.error().message();
    EXPECT_EQ(peek->length, 50u);
    ASSERT_EQ(peek->first.size(), 3u);
    EXPECT_EQ(peek->first[0], term::integer(0));
    EXPECT_EQ(peek->first[2], term::integer(2));
    // Peeking takes nothing: the same answer again.
    EXPECT_EQ(n.peek_mailbox(h, 3)->first, peek->first);
}

TEST_P(control, a_peek_never_returns_more_than_a_thousand_messages) {
    const pid h = n.spawn(hoarder, me.self());
    EXPECT_EQ(next(), term(atom("ready")));
    for (int i = 0; i < 1500; ++i) me.send(h, term::integer(i));
    auto peek = n.peek_mailbox(h, 1'000'000);
    ASSERT_TRUE(peek.has_value());
    EXPECT_EQ(peek->length, 1500u);
    EXPECT_EQ(peek->first.size(), 1000u);
}

TEST_P(control, a_peek_at_a_dead_process_says_noproc) {
    const pid c = n.spawn(counter_loop);
    me.monitor(c);
    me.send(c, atoms::shutdown);
    next_down_reason();
    EXPECT_EQ(n.peek_mailbox(c, 10).error().code, call_errc::noproc);
}

TEST_P(control, a_held_process_still_answers_a_peek) {
    const pid c = n.spawn(counter_loop);
    // Held from its next wake-up: it must be waiting, or it takes the
    // message below itself before the hold begins.
    ASSERT_TRUE(eventually([&] { return n.process_info(c)->stats.status == process_status::waiting; }));
    ASSERT_TRUE(n.suspend(c).has_value());
    me.send(c, term::from_pid(me.self()));
    auto peek = n.peek_mailbox(c, 5);
    ASSERT_TRUE(peek.has_value()) << peek.error().message();
    EXPECT_EQ(peek->first.size(), 1u);
}

// [block_on] -------------------------------------------------------------------------

task<std::int64_t> add_later(std::int64_t a, std::int64_t b) {
    co_await sleep_for(std::chrono::milliseconds(1));
    co_return a + b;
}

task<void> throw_in_process() {
    co_await yield();
    throw std::runtime_error("broken");
}

task<void> wait_for_ever() { co_await receive([](const term&) { return false; }); }

TEST_P(control, block_on_returns_what_the_call_returned) {
    auto r = block_on(n, [] { return add_later(40, 2); });
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(*r, 42);
}

TEST_P(control, block_on_reports_a_helper_that_threw) {
    auto r = block_on(n, [] { return throw_in_process(); });
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, block_errc::exited);
    EXPECT_NE(r.error().message().find("broken"), std::string::npos);
}

TEST_P(control, block_on_times_out_and_ends_its_helper_first) {
    const std::size_t before = n.process_count();
    auto r = block_on(n, [] { return wait_for_ever(); }, std::chrono::milliseconds(20));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, block_errc::timeout);
    EXPECT_TRUE(eventually([&] { return n.process_count() == before; })) << "the helper outlived block_on";
}

// [release-build checks] -------------------------------------------------------------

TEST(control_checks, a_process_function_called_from_a_thread_aborts_with_a_clear_message) {
    EXPECT_DEATH(ember::self(), "must be called from inside a running process");
}

} // namespace
} // namespace ember::testing
