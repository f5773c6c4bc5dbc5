// Request and reply; see request.hpp.

#include "otp/request.hpp"

#include "ember/term/print.hpp"

namespace ember {

std::string call_error::message() const {
    switch (code) {
    case call_errc::noproc: return "noproc";
    case call_errc::timeout: return "timeout";
    case call_errc::exited: return "exited: " + to_string(reason);
    case call_errc::refused: return "refused: " + to_string(reason);
    }
    return "unknown";
}

namespace otp {

namespace {

bool is_answer(const term& m, const term& tag) {
    if (!m.is_tuple()) return false;
    if (m.size() == 2) return m[0] == tag;
    return m.size() == 5 && m[0] == term(atoms::DOWN) && m[1] == tag;
}

term request_message(atom kind, const pid& caller, const term& tag, term body) {
    return term::tuple({kind, term::tuple({term::from_pid(caller), tag}), std::move(body)});
}

// What the wait brought: nothing (timeout), the server's DOWN, or the reply.
expected<term, call_error> outcome(std::optional<term> answer) {
    if (!answer) return unexpected(call_error{call_errc::timeout, atoms::timeout});
    if (answer->size() == 5) {
        const term& reason = (*answer)[4];
        if (reason == term(atoms::noproc)) return unexpected(call_error{call_errc::noproc, reason});
        return unexpected(call_error{call_errc::exited, reason});
    }
    return (*answer)[1];
}

const call_error no_such_name{call_errc::noproc, atoms::noproc};

} // namespace

task<expected<term, call_error>> request(atom kind, server_ref to, term body, std::chrono::milliseconds timeout) {
    const std::optional<pid> target = to.id ? to.id : whereis(to.name);
    if (!target) co_return unexpected(no_such_name);
    const reference ref = monitor(*target);
    const term tag = term::from_reference(ref);
    open_reply_tag(ref);
    send(*target, request_message(kind, self(), tag, std::move(body)));
    const auto match = [&tag](const term& m) { return is_answer(m, tag); };
    std::optional<term> answer;
    if (timeout == gen_server::infinity) answer = co_await receive(match);
    else answer = co_await receive(match, timeout);
    close_reply_tag(ref);
    demonitor(ref, true);
    co_return outcome(std::move(answer));
}

bool read_request(const term& m, atom kind, incoming& out) {
    if (!m.is_tuple() || m.size() != 3 || m[0] != term(kind)) return false;
    const term& from = m[1];
    if (!from.is_tuple() || from.size() != 2 || !from[0].is_pid() || !from[1].is_reference()) return false;
    out.caller = {from[0].as_pid(), from[1].as_reference()};
    out.body = m[2];
    return true;
}

} // namespace otp
} // namespace ember
