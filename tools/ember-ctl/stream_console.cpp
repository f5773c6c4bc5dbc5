// stream_console: output is flushed at once (trace rows and top frames are
// seen as they come); a cancel is a flag a signal handler sets, so waiting
// for one polls it in short steps (a handler cannot wake a condition
// variable safely).

#include "stream_console.hpp"

#include <chrono>
#include <ostream>
#include <thread>

namespace ember::ctl {

void stream_console::write(std::string_view text) { out_ << text << std::flush; }

void stream_console::error(std::string_view line) { err_ << "ember-ctl: " << line << '\n' << std::flush; }

bool stream_console::wait_cancelled(std::chrono::milliseconds wait) {
    constexpr std::chrono::milliseconds step{20};
    const auto until = std::chrono::steady_clock::now() + wait;
    while (!cancelled()) {
        const auto left = until - std::chrono::steady_clock::now();
        if (left <= std::chrono::steady_clock::duration::zero()) break;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, step));
    }
    return cancelled();
}

} // namespace ember::ctl
