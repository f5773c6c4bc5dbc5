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
    case call_errc::calling_self: return "calling_self";
    }
    return "unknown";
}

namespace otp {

namespace {

// The reply {Tag, Reply}, or the DOWN of the monitor whose reference is the tag.
bool is_answer(const term& m, const term& tag, const reference& ref) {
    return (m.is_tuple() && m.size() == 2 && m[0] == tag) || is_down_of(m, ref);
}

term request_message(atom kind, const pid& caller, const term& tag, term body) {
    return term::tuple({kind, term::tuple({term::from_pid(caller), tag}), std::move(body)});
}

// What the wait brought: nothing (timeout), the server's DOWN, or the reply.
expected<term, call_error> outcome(std::optional<term> answer) {
    if (!answer) return unexpected(call_error{call_errc::timeout, atoms::timeout});
    if (auto down = as<down_message>(*answer)) {
        if (down->reason == atoms::noproc) return unexpected(call_error{call_errc::noproc, std::move(down->reason)});
        return unexpected(call_error{call_errc::exited, std::move(down->reason)});
    }
    return (*answer)[1];
}

const call_error no_such_name{call_errc::noproc, atoms::noproc};
const atom calling_self_atom("calling_self");

} // namespace

task<expected<term, call_error>> request(atom kind, server_ref to, term body, std::chrono::milliseconds timeout) {
    const std::optional<pid> target = to.id ? to.id : whereis(to.name);
    if (!target) co_return unexpected(no_such_name);
    // The caller would wait for its own answer, which it cannot give while
    // it waits: Erlang's gen:call exits with calling_self at once, before
    // any monitor or send; Ember returns it as a value.
    const pid me = self();
    if (*target == me) co_return unexpected(call_error{call_errc::calling_self, calling_self_atom});
    // Nothing queued before this point can be the answer (the reply tag and
    // the monitor are new), so every look at the queue starts here: a call
    // costs the same with 500,000 unrelated messages queued as with none.
    // Marked before the monitor, whose DOWN (noproc at once for a dead
    // server) must fall after the mark.
    const ember::detail::mailbox_mark mark = ember::detail::mark_mailbox();
    const reference ref = monitor(*target);
    const term tag = term::from_reference(ref);
    open_reply_tag(ref);
    send(*target, request_message(kind, me, tag, std::move(body)));
    const auto match = [&tag, &ref](const term& m) { return is_answer(m, tag, ref); };
    const std::int64_t wait_ms = timeout == gen_server::infinity ? -1 : ember::detail::to_ms(timeout);
    std::optional<term> answer = co_await ember::detail::receive_after(mark, match, wait_ms);
    ember::detail::close_reply_tag(ref, mark);
    ember::detail::demonitor_flush(ref, mark);
    co_return outcome(std::move(answer));
}

bool read_request(const term& m, atom kind, incoming& out) {
    if (!m.is_tuple() || m.size() != 3 || m[0] != kind) return false;
    const term& from = m[1];
    if (!from.is_tuple() || from.size() != 2 || !from[0].is_pid() || !from[1].is_reference()) return false;
    out.caller = {from[0].as_pid(), from[1].as_reference()};
    out.body = m[2];
    return true;
}

} // namespace otp
} // namespace ember
