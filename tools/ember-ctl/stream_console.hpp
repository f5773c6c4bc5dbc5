#pragma once
// ember-ctl's console: output to stdout, one "ember-ctl: " line per error
// on stderr, the terminal's size and whether it is one (main.cpp asks the
// OS; tests pass streams and say), and Ctrl-C as the cancel (main.cpp's
// signal handler sets the flag).

#include <atomic>
#include <cstddef>
#include <iosfwd>

#include "ember/commands/commands.hpp"

namespace ember::ctl {

/// What ember-ctl knows of where its output goes.
struct terminal {
    std::size_t columns = 0; ///< 0: no limit (a pipe, or --width 0)
    std::size_t rows = 0;    ///< 0: unknown
    bool interactive = false; ///< a terminal: top redraws, headers are bold
};

/// Used from one thread (commands::run's); `interrupted` may be set from a
/// signal handler meanwhile. The streams and the flag outlive it.
class stream_console final : public commands::console {
public:
    stream_console(std::ostream& out, std::ostream& err, terminal t, const std::atomic<bool>* interrupted)
        : out_(out), err_(err), terminal_(t), interrupted_(interrupted) {}

    void write(std::string_view text) override;
    void error(std::string_view line) override;
    std::size_t columns() const override { return terminal_.columns; }
    std::size_t rows() const override { return terminal_.rows; }
    bool interactive() const override { return terminal_.interactive; }
    bool cancelled() const override { return interrupted_ && interrupted_->load(); }
    bool wait_cancelled(std::chrono::milliseconds wait) override;

private:
    std::ostream& out_;
    std::ostream& err_;
    terminal terminal_;
    const std::atomic<bool>* interrupted_;
};

} // namespace ember::ctl
