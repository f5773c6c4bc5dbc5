// The dirty pool's threads, and the process side of run_dirty.

#include "dirty/dirty_pool.hpp"

#include "ember/runtime/dirty.hpp"
#include "node/node_impl.hpp"

namespace ember::detail {

dirty_pool::dirty_pool(unsigned threads) {
    threads_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

void dirty_pool::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
        jobs_.clear();
        queued_.store(0, std::memory_order_relaxed);
    }
    work_.notify_all();
    for (std::thread& t : threads_) t.join();
}

void dirty_pool::submit(std::function<void()> work, std::function<void()> report) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        jobs_.push_back({std::move(work), std::move(report)});
        queued_.fetch_add(1, std::memory_order_relaxed);
    }
    work_.notify_one();
}

void dirty_pool::run() {
    for (;;) {
        job next;
        {
            std::unique_lock lock(mutex_);
            work_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (stopping_) return;
            next = std::move(jobs_.front());
            jobs_.pop_front();
            queued_.fetch_sub(1, std::memory_order_relaxed);
            busy_.fetch_add(1, std::memory_order_relaxed);
        }
        next.work();
        busy_.fetch_sub(1, std::memory_order_relaxed);
        completed_.fetch_add(1, std::memory_order_relaxed);
        next.report();
    }
}

namespace {
const atom dirty_done("$dirty_done");
} // namespace

void submit_dirty(std::function<void()> job, const reference& tag) {
    process& p = running_process();
    node_impl* node = p.node;
    const pid waiter = p.id();
    auto report = [node, waiter, tag] {
        node->deliver(waiter, new_envelope(envelope_kind::reply, term::tuple({term::from_reference(tag), dirty_done})));
    };
    if (node->options().deterministic) {
        job();
        return report();
    }
    node->dirty().submit(std::move(job), std::move(report));
}

bool is_dirty_done(const term& message, const term& tag) {
    return message.is_tuple() && message.size() == 2 && message[0] == tag && message[1] == term(dirty_done);
}

} // namespace ember::detail
