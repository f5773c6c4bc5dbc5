// block_on's waiting half (block_on.hpp): the helper is spawned by the
// template; this waits for its `done` or its DOWN on the caller's probe.

#include "ember/runtime/block_on.hpp"

#include "ember/term/print.hpp"
#include "platform/assert.hpp"
#include "process/thread_state.hpp"

namespace ember {

std::string block_error::message() const {
    switch (code) {
    case block_errc::timeout: return "timeout";
    case block_errc::exited: return "exited: " + to_string(reason);
    case block_errc::stopping: return "stopping";
    }
    return "unknown";
}

namespace detail {

namespace {
const atom done_atom("$block_on_done");

bool is_down_of(const term& m, const term& ref) { return m.is_tuple() && m.size() == 5 && m[0] == term(atoms::DOWN) && m[1] == ref; }
} // namespace

term block_done_message() { return done_atom; }

void assert_not_in_process() {
    EMBER_ASSERT(this_thread_state().current == nullptr,
                 "block_on called from inside a process: co_await the call instead (block_on is for threads that are not processes)");
}

block_error block_spawn_failed(const spawn_error& e) {
    if (e.code == spawn_errc::stopping) return {block_errc::stopping, atom("stopping")};
    return {block_errc::exited, term::binary(e.message)};
}

expected<void, block_error> block_wait(node& n, probe& via, const pid& helper, std::chrono::milliseconds timeout) {
    const reference mon = via.monitor(helper);
    const term ref = term::from_reference(mon);
    const term done = done_atom;
    const auto wait = timeout == block_forever ? std::chrono::milliseconds(std::chrono::hours(24 * 365)) : timeout;
    // The helper sends `done` before it exits, so `done` comes first when
    // both are queued (one sender, one order).
    std::optional<term> answer = via.receive([&](const term& m) { return m == done || is_down_of(m, ref); }, wait);
    if (answer && *answer == done) {
        via.demonitor(mon, true);
        return {};
    }
    if (answer) return unexpected(block_error{block_errc::exited, (*answer)[4]});
    // Timed out: end the helper, and return only once it has ended, so the
    // call's captures are not used after this returns.
    n.exit(helper, atoms::kill);
    via.receive([&](const term& m) { return is_down_of(m, ref); }, std::chrono::hours(24 * 365));
    return unexpected(block_error{block_errc::timeout, atoms::timeout});
}

} // namespace detail
} // namespace ember
