#pragma once
// A command of one SSH channel, running on a thread of its own so that a
// slow one (a top, a trace, a scan of a million processes) never stalls the
// SSH thread or another session. The command writes to this job's console;
// the SSH thread takes what was written and sends it when the channel's
// window allows, which is also the back-pressure: a writer that gets
// max_buffered bytes ahead waits until they are sent (or the job is
// cancelled), so a client that stops reading holds a bounded buffer.
//
// Also used for Tab: a completion asks the node (a processes request) off
// the SSH thread the same way.
//
// Thread-safety: the command's thread uses the console; the SSH thread
// uses everything else; wake() is called on the command's thread whenever
// there is something to take, and once when it is done.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "ember/commands/commands.hpp"

namespace ember::remsh {

/// A piece of output: on the channel's data stream, or its error stream.
struct output_chunk {
    bool error = false;
    std::string text;
};

class command_job {
public:
    struct shape {
        std::size_t columns = 0;
        std::size_t rows = 0;
        bool interactive = false;
    };
    static constexpr std::size_t max_buffered = 256 * 1024;

    /// Starts `body` on a new thread with this job's console.
    static std::shared_ptr<command_job> start(shape s, std::function<void()> wake,
                                              std::function<int(commands::console&)> body);
    ~command_job(); ///< cancels and joins

    // --- the SSH thread ---
    /// Moves up to `budget` bytes of output, in order, to `out`.
    void take(std::deque<output_chunk>& out, std::size_t budget);
    bool has_output() const;
    /// The body returned (its output may still wait to be taken).
    bool done() const { return done_.load(std::memory_order_acquire); }
    int status() const { return status_.load(std::memory_order_acquire); }
    /// The last error line written (for the audit log), "" when none.
    std::string last_error() const;
    void cancel();
    void resize(std::size_t columns, std::size_t rows);
    std::chrono::steady_clock::time_point started() const { return started_; }

private:
    class job_console;
    command_job(shape s, std::function<void()> wake);

    void put(bool error, std::string_view text);

    std::function<void()> wake_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::atomic<std::size_t> columns_;
    std::atomic<std::size_t> rows_;
    bool interactive_;
    std::atomic<bool> cancelled_{false};
    std::atomic<bool> done_{false};
    std::atomic<int> status_{commands::exit_ok};

    mutable std::mutex mutex_;
    std::condition_variable changed_; // output taken, or cancelled
    std::deque<output_chunk> pending_;
    std::size_t pending_bytes_ = 0;
    std::string last_error_;
    std::thread thread_;
};

} // namespace ember::remsh
