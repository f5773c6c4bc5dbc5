// Acting on a process: kill, exit with a reason, suspend and resume (sys
// for behaviours, a hold for the rest; node::suspend decides), and send.
// Each checks that the process lives first, so a missing pid is noproc,
// never a silent success.

#include "engine_state.hpp"

namespace ember::query {

namespace {

expected<void, protocol::error_reason> check_alive(node& n, const pid& p) {
    if (!n.is_alive(p)) return unexpected(no_process(p));
    return {};
}

} // namespace

expected<void, protocol::error_reason> engine::kill(const pid& p) { return exit(p, atoms::kill); }

expected<void, protocol::error_reason> engine::exit(const pid& p, term reason) {
    if (auto ok = check_alive(state_->target, p); !ok) return ok;
    state_->target.exit(p, std::move(reason));
    return {};
}

expected<void, protocol::error_reason> engine::suspend(const pid& p) {
    auto r = state_->target.suspend(p, state_->options.state_timeout);
    if (!r) return unexpected(reason_of(r.error()));
    return {};
}

expected<void, protocol::error_reason> engine::resume(const pid& p) {
    auto r = state_->target.resume(p, state_->options.state_timeout);
    if (!r) return unexpected(reason_of(r.error()));
    return {};
}

expected<void, protocol::error_reason> engine::send(const pid& p, term message) {
    if (auto ok = check_alive(state_->target, p); !ok) return ok;
    state_->target.send(p, std::move(message));
    return {};
}

} // namespace ember::query
