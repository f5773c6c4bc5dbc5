#pragma once
// Dirty work: a blocking call or a long computation without checkpoints,
// run on the node's dirty threads while the calling process waits like in
// a receive, so the schedulers stay free for everyone else (BEAM's dirty
// schedulers):
//
//   ember::task<std::string> load(std::string path) {
//       co_return co_await ember::run_dirty([path] { return read_whole_file(path); });
//   }
//
// The function runs on a plain thread, not in a process: it must not call
// ember:: process functions (send, receive, self...). Capture what it needs
// by value. An exception it throws is rethrown in the waiting process.
// A process killed while it waits exits at once; its job still runs to its
// end (a thread cannot be stopped) and the result is dropped.

#include <functional>
#include <memory>
#include <type_traits>

#include "ember/runtime/coroutine.hpp"
#include "ember/runtime/export.hpp"
#include "ember/runtime/process.hpp"

namespace ember {

namespace detail {
/// Queues `job` on the running process's node's dirty pool; when it has
/// run, {Tag, done} is sent to the process as a reply (see open_reply_tag).
/// In deterministic mode the job runs at once on the calling thread.
EMBER_RUNTIME_EXPORT void submit_dirty(std::function<void()> job, const reference& tag);
/// Whether `message` is the completion of the dirty job `tag`.
EMBER_RUNTIME_EXPORT bool is_dirty_done(const term& message, const term& tag);
} // namespace detail

/// Runs `fn()` on a dirty thread and returns its result to the process.
template <class F>
task<std::invoke_result_t<F&>> run_dirty(F fn) {
    using result = std::invoke_result_t<F&>;
    auto outcome = std::make_shared<detail::task_result<result>>();
    const reference tag = make_reference();
    const term tag_term = term::from_reference(tag);
    // Only what arrives from here on can be the job's answer: however long
    // the queue, the wait looks at none of what is already in it.
    const detail::mailbox_mark mark = detail::mark_mailbox();
    open_reply_tag(tag);
    detail::submit_dirty(
        [outcome, fn = std::move(fn)]() mutable {
            try {
                if constexpr (std::is_void_v<result>) {
                    fn();
                    outcome->return_void();
                } else {
                    outcome->return_value(fn());
                }
            } catch (...) {
                outcome->unhandled_exception();
            }
        },
        tag);
    // Named, not a temporary in the co_await: GCC 12 destroys a temporary
    // lambda's by-value captures twice there.
    const auto done = [&tag_term](const term& m) { return detail::is_dirty_done(m, tag_term); };
    co_await detail::receive_after(mark, done, -1);
    detail::close_reply_tag(tag, mark);
    co_return outcome->take();
}

} // namespace ember
