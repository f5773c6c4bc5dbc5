#pragma once
// Request and reply between processes, the one mechanism under
// gen_server::call, the sys requests and supervisor calls: monitor the
// server, open the monitor reference as a reply tag, send
// {Kind, {Caller, Tag}, Request}, wait for {Tag, Reply} or the DOWN.

#include <chrono>

#include "ember/runtime/gen_server.hpp"

namespace ember::otp {

/// Sends {kind, {self(), Tag}, request} to `to` and waits for the reply.
task<expected<term, call_error>> request(atom kind, server_ref to, term request, std::chrono::milliseconds timeout);

/// A request as received: {Kind, {Caller, Tag}, Request} with its parts.
struct incoming {
    gen_server::from caller;
    term body;
};
/// Reads `message` as a request of `kind`; false when it is not one.
bool read_request(const term& message, atom kind, incoming& out);

} // namespace ember::otp
