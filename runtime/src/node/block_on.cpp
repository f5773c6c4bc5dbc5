// block_on's waiting half (block_on.hpp): the helper is spawned by the
// template; this waits for its `done` or its DOWN on the caller's probe.

#include "ember/runtime/block_on.hpp"

#include <algorithm>

#include "ember/term/print.hpp"
#include "node/node_access.hpp"
#include "node/node_impl.hpp"
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
    const node_impl& impl = node_access::impl(n);
    const reference mon = via.monitor(helper);
    const term ref = term::from_reference(mon);
    const term done = done_atom;
    const block_error stopping{block_errc::stopping, atom("stopping")};
    // Waits for what `match` takes, in slices, so that a node stopped
    // meanwhile (its threads joined: nothing will ever answer) ends the
    // wait. Deterministic mode runs the node in the receive itself: one wait.
    const auto wait = [&](auto match, std::chrono::milliseconds limit) -> std::optional<term> {
        if (impl.options().deterministic) return via.receive(match, limit);
        const auto deadline = std::chrono::steady_clock::now() + std::min(limit, std::chrono::milliseconds(std::int64_t{1} << 40));
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (auto m = via.receive(match, std::clamp(left, std::chrono::milliseconds(0), std::chrono::milliseconds(50)))) return m;
            if (impl.stopped() || left <= std::chrono::milliseconds(0)) return std::nullopt;
        }
    };
    // The helper sends `done` before it exits, so `done` comes first when
    // both are queued (one sender, one order).
    std::optional<term> answer = wait([&](const term& m) { return m == done || is_down_of(m, mon); }, timeout);
    if (answer && *answer == done) {
        via.demonitor(mon, true);
        return {};
    }
    if (answer) return unexpected(block_error{block_errc::exited, as<down_message>(*answer)->reason});
    if (impl.stopped()) return unexpected(stopping);
    // Timed out: end the helper, and return only once it has ended, so the
    // call's captures are not used after this returns.
    n.exit(helper, atoms::kill);
    if (!wait([&](const term& m) { return is_down_of(m, mon); }, block_forever)) return unexpected(stopping);
    return unexpected(block_error{block_errc::timeout, atoms::timeout});
}

} // namespace detail
} // namespace ember
