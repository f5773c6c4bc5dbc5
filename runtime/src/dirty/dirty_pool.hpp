#pragma once
// The dirty pool: threads that run blocking or long functions for waiting
// processes (see ember/runtime/dirty.hpp). Started on first use, so a node
// that never needs it has no such threads.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ember::detail {

class dirty_pool {
public:
    explicit dirty_pool(unsigned threads);
    ~dirty_pool() { stop(); }
    /// Lets running jobs finish, drops queued ones and later submissions,
    /// joins the threads (idempotent). The counters stay readable.
    void stop();
    dirty_pool(const dirty_pool&) = delete;
    dirty_pool& operator=(const dirty_pool&) = delete;

    /// Thread-safe. `work` runs on one of the pool's threads, then `report`
    /// once the counters show the job done (whoever the report wakes sees
    /// it counted).
    void submit(std::function<void()> work, std::function<void()> report);

    unsigned threads() const noexcept { return static_cast<unsigned>(threads_.size()); }
    std::uint64_t queued() const noexcept { return queued_.load(std::memory_order_relaxed); }
    std::uint64_t busy() const noexcept { return busy_.load(std::memory_order_relaxed); }
    std::uint64_t completed() const noexcept { return completed_.load(std::memory_order_relaxed); }

private:
    void run();

    std::mutex mutex_;
    std::condition_variable work_;
    struct job {
        std::function<void()> work, report;
    };
    std::deque<job> jobs_;
    bool stopping_ = false;
    std::atomic<std::uint64_t> queued_{0}, busy_{0}, completed_{0};
    std::vector<std::thread> threads_;
};

} // namespace ember::detail
