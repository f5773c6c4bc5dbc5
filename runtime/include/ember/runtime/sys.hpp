#pragma once
// System requests every behaviour process (gen_server, supervisor) answers,
// as Erlang's sys module: look at and replace its state, suspend and resume
// it, change its code, stop it. A suspended process handles only system
// requests (and its parent's exit); other messages wait in its mailbox, and
// the tools show it as `suspended`.
//
// Each is a coroutine for processes; a thread that is not a process (a
// test, the introspection agent) runs it through block_on:
//   block_on(n, [p] { return ember::sys::get_state(p, 100ms); })
// Errors as for gen_server::call, plus `refused` when the process declined
// (reason says why: not_supported, not_suspended, its own error term). A
// process that is no behaviour never answers: the request times out, as
// Erlang's sys does with a process that does not handle system messages.

#include <chrono>

#include "ember/runtime/gen_server.hpp"

namespace ember::sys {

using gen_server::default_timeout;

namespace detail {
/// {system, {Caller, Tag}, Request}, and its reply; `refused` for {error, R}.
EMBER_RUNTIME_EXPORT task<expected<term, call_error>> request(server_ref to, term request, std::chrono::milliseconds timeout);
EMBER_RUNTIME_EXPORT term replace_state_request(term state);
EMBER_RUNTIME_EXPORT term change_code_request(term old_vsn, term extra);
EMBER_RUNTIME_EXPORT term terminate_request(term reason);
EMBER_RUNTIME_EXPORT atom suspend_request();
EMBER_RUNTIME_EXPORT atom resume_request();
EMBER_RUNTIME_EXPORT atom get_state_request();
} // namespace detail

/// The state as the process shows it (gen_server::server::state_term).
inline task<expected<term, call_error>> get_state(server_ref to, std::chrono::milliseconds timeout = default_timeout) {
    return detail::request(to, detail::get_state_request(), timeout);
}
/// Replaces the state (server::load_state); `refused` when it cannot take it.
inline task<expected<term, call_error>> replace_state(server_ref to, term state, std::chrono::milliseconds timeout = default_timeout) {
    return detail::request(to, detail::replace_state_request(std::move(state)), timeout);
}
inline task<expected<term, call_error>> suspend(server_ref to, std::chrono::milliseconds timeout = default_timeout) {
    return detail::request(to, detail::suspend_request(), timeout);
}
inline task<expected<term, call_error>> resume(server_ref to, std::chrono::milliseconds timeout = default_timeout) {
    return detail::request(to, detail::resume_request(), timeout);
}
/// Runs server::code_change; the process must be suspended (else refused
/// with not_suspended).
inline task<expected<term, call_error>> change_code(server_ref to, term old_vsn, term extra, std::chrono::milliseconds timeout = default_timeout) {
    return detail::request(to, detail::change_code_request(std::move(old_vsn), std::move(extra)), timeout);
}
/// Runs terminate(reason), then the process exits with `reason`.
inline task<expected<term, call_error>> terminate(server_ref to, term reason, std::chrono::milliseconds timeout = default_timeout) {
    return detail::request(to, detail::terminate_request(std::move(reason)), timeout);
}

} // namespace ember::sys
