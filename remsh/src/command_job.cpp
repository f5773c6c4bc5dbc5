// A command on its own thread, its output handed to the SSH thread
// (command_job.hpp).

#include "command_job.hpp"

namespace ember::remsh {

class command_job::job_console final : public commands::console {
public:
    explicit job_console(command_job& job) : job_(job) {}
    void write(std::string_view text) override { job_.put(false, text); }
    void error(std::string_view line) override {
        {
            std::lock_guard lock(job_.mutex_);
            job_.last_error_ = std::string(line.substr(0, 1024));
        }
        job_.put(true, std::string(line) + "\n");
    }
    std::size_t columns() const override { return job_.columns_.load(std::memory_order_relaxed); }
    std::size_t rows() const override { return job_.rows_.load(std::memory_order_relaxed); }
    bool interactive() const override { return job_.interactive_; }
    bool cancelled() const override { return job_.cancelled_.load(std::memory_order_acquire); }
    bool wait_cancelled(std::chrono::milliseconds wait) override {
        std::unique_lock lock(job_.mutex_);
        job_.changed_.wait_for(lock, wait, [&] { return cancelled(); });
        return cancelled();
    }

private:
    command_job& job_;
};

command_job::command_job(shape s, std::function<void()> wake)
    : wake_(std::move(wake)), columns_(s.columns), rows_(s.rows), interactive_(s.interactive) {}

std::shared_ptr<command_job> command_job::start(shape s, std::function<void()> wake, std::function<int(commands::console&)> body) {
    std::shared_ptr<command_job> job(new command_job(s, std::move(wake)));
    // The thread holds the job by reference: the job's destructor joins it.
    job->thread_ = std::thread([j = job.get(), body = std::move(body)] {
        job_console console(*j);
        int status = commands::exit_failed;
        try {
            status = body(console);
        } catch (const std::exception& e) {
            console.error(std::string("internal error: ") + e.what());
        }
        j->status_.store(status, std::memory_order_release);
        j->done_.store(true, std::memory_order_release);
        j->wake_();
    });
    return job;
}

command_job::~command_job() {
    cancel();
    if (thread_.joinable()) thread_.join();
}

void command_job::put(bool error, std::string_view text) {
    if (text.empty()) return;
    {
        std::unique_lock lock(mutex_);
        // Back-pressure: wait until the SSH thread has sent enough, unless
        // the user gave up (then the output has nowhere to go: drop it).
        changed_.wait(lock, [&] { return pending_bytes_ < max_buffered || cancelled_.load(); });
        if (cancelled_.load() && pending_bytes_ >= max_buffered) return;
        if (!pending_.empty() && pending_.back().error == error && pending_.back().text.size() < 16 * 1024)
            pending_.back().text.append(text);
        else pending_.push_back({error, std::string(text)});
        pending_bytes_ += text.size();
    }
    wake_();
}

void command_job::take(std::deque<output_chunk>& out, std::size_t budget) {
    {
        std::lock_guard lock(mutex_);
        while (budget > 0 && !pending_.empty()) {
            auto& front = pending_.front();
            if (front.text.size() <= budget) {
                budget -= front.text.size();
                pending_bytes_ -= front.text.size();
                out.push_back(std::move(front));
                pending_.pop_front();
            } else {
                out.push_back({front.error, front.text.substr(0, budget)});
                front.text.erase(0, budget);
                pending_bytes_ -= budget;
                budget = 0;
            }
        }
    }
    changed_.notify_all();
}

bool command_job::has_output() const {
    std::lock_guard lock(mutex_);
    return !pending_.empty();
}

std::string command_job::last_error() const {
    std::lock_guard lock(mutex_);
    return last_error_;
}

void command_job::cancel() {
    {
        std::lock_guard lock(mutex_);
        cancelled_.store(true, std::memory_order_release);
    }
    changed_.notify_all();
}

void command_job::resize(std::size_t columns, std::size_t rows) {
    columns_.store(columns, std::memory_order_relaxed);
    rows_.store(rows, std::memory_order_relaxed);
}

} // namespace ember::remsh
