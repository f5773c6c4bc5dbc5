#pragma once
// block_on: the one way to make a process-side call from a thread that is
// not a process (main, a test, the introspection agent, the SSH thread).
//
//   auto r = ember::block_on(n, [s] { return ember::gen_server::call(s, ember::atom("next")); });
//   if (r) use(*r);            // *r is what the call returned (here expected<term, call_error>)
//   else log(r.error().message());
//
// `fn` runs in a short-lived helper process on the node, so everything that
// works in a process works in it (calls, sys requests, supervisor calls,
// receive with a timeout); this thread sleeps until the helper is done or
// the timeout passes. Errors: `timeout` (the helper is then killed, and
// block_on returns only after it ended, so `fn` never runs on after it),
// `exited` (the helper died: fn threw, or something killed it; reason says
// why), `stopping` (the node is stopping or stopped: nothing runs the
// helper any more).
//
// Capture by value where you can: the helper's frame holds `fn` until the
// helper ends, which is before block_on returns unless the helper is a
// runaway killed while it ran (then it is a zombie and runs on; see
// docs/runtime.md). Must not be called from inside a process: a process
// co_awaits the call directly instead (it asserts).

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "ember/runtime/coroutine.hpp"
#include "ember/runtime/export.hpp"
#include "ember/runtime/node.hpp"
#include "ember/runtime/process.hpp"

namespace ember {

enum class block_errc {
    timeout,  ///< no result in time; the helper was killed
    exited,   ///< the helper died before it had a result; reason says why
    stopping, ///< the node is stopping: nothing was started
};

struct block_error {
    block_errc code;
    term reason; ///< timeout, the helper's exit reason, or the spawn error's text
    /// "timeout", "exited: <reason>" or "stopping".
    EMBER_RUNTIME_EXPORT std::string message() const;
};

/// How long block_on waits by default: for ever (the call inside has its
/// own timeout, as gen_server::call's 5 s).
inline constexpr std::chrono::milliseconds block_forever = std::chrono::milliseconds::max();

namespace detail {

template <class T>
struct block_slot {
    std::optional<std::conditional_t<std::is_void_v<T>, std::monostate, T>> value;
    /// Why the helper died, as it knew it: its DOWN may say only noproc
    /// when it died before the caller's monitor was set.
    std::optional<term> failure;
};

/// Spawns nothing itself: waits on `via` for the helper's `done` or its
/// DOWN, kills it on timeout and waits for its end. Reports whether the
/// slot holds the result.
EMBER_RUNTIME_EXPORT expected<void, block_error> block_wait(node& n, probe& via, const pid& helper, std::chrono::milliseconds timeout);
EMBER_RUNTIME_EXPORT block_error block_spawn_failed(const spawn_error& e);
/// Asserts that the calling thread is not running a process.
EMBER_RUNTIME_EXPORT void assert_not_in_process();
/// The message a helper sends when its slot is filled.
EMBER_RUNTIME_EXPORT term block_done_message();

template <class F, class T>
process_task block_helper(F fn, std::shared_ptr<block_slot<T>> slot, pid report) {
    try {
        // `fn` moves into a local so that what it captured is destroyed
        // before the caller hears of the end (done, or the DOWN of an
        // exception): block_on's caller may own what those destructors touch.
        F call = std::move(fn);
        if constexpr (std::is_void_v<T>) {
            co_await call();
            slot->value.emplace();
        } else {
            slot->value.emplace(co_await call());
        }
    } catch (const process_exit& e) {
        slot->failure = e.reason();
        throw;
    } catch (...) {
        slot->failure = current_exception_reason();
        throw;
    }
    send(report, block_done_message());
}

template <class Task>
struct task_value;
template <class T>
struct task_value<task<T>> {
    using type = T;
};

} // namespace detail

/// Runs `fn()`, which returns a task<T>, in a helper process of `n` and
/// waits for its T (void: an empty expected). Any thread but a process's.
template <class F>
auto block_on(node& n, F fn, std::chrono::milliseconds timeout = block_forever)
    -> expected<typename detail::task_value<std::invoke_result_t<F&>>::type, block_error> {
    using T = typename detail::task_value<std::invoke_result_t<F&>>::type;
    detail::assert_not_in_process();
    auto slot = std::make_shared<detail::block_slot<T>>();
    probe via(n);
    auto helper = n.spawn_opt({.label = "block_on"}, &detail::block_helper<F, T>, std::move(fn), slot, via.self());
    if (!helper) return unexpected(detail::block_spawn_failed(helper.error()));
    auto waited = detail::block_wait(n, via, *helper, timeout);
    if (!waited) {
        block_error e = std::move(waited.error());
        if (e.code == block_errc::exited && slot->failure) e.reason = *slot->failure;
        return unexpected(std::move(e));
    }
    if constexpr (std::is_void_v<T>) return {};
    else return std::move(*slot->value);
}

} // namespace ember
