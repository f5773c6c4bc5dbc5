#pragma once
// Helpers shared by the model's tests: bounded waits that poll a
// node_connection or update a node_session (each wait returns as soon as
// its condition holds and fails the test after its bound; nothing sleeps
// hoping something happened), and looking at the requests the fake node saw.

#include <chrono>
#include <cstdint>
#include <string_view>
#include <thread>
#include <vector>

#include "introspection/client/fake_node.hpp"
#include "ember/observer/node_connection.hpp"
#include "ember/observer/node_session.hpp"

namespace ember::observer::test {

/// Everything poll() gave, gathered across frames.
struct gathered {
    std::vector<connection_state> transitions;
    std::vector<arrival> arrivals;
    std::vector<tagged_push> pushes;
    std::vector<request_result> replies;
    void add(node_update u) {
        for (auto& t : u.transitions) transitions.push_back(t);
        for (auto& a : u.arrivals) arrivals.push_back(std::move(a));
        for (auto& p : u.pushes) pushes.push_back(std::move(p));
        for (auto& r : u.replies) replies.push_back(std::move(r));
    }
};

/// Polls `c` as a frame loop would (every 2 ms) until `done()` holds or
/// `bound` passes; returns whether it held.
template <class Done>
bool poll_until(node_connection& c, gathered& g, Done done, std::chrono::milliseconds bound = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    for (;;) {
        g.add(c.poll());
        if (done()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

/// Updates `s` as a frame loop would (every 2 ms) until `done()` holds or
/// `bound` passes; returns whether it held. Each frame's time is `at()`
/// (the real clock unless a test moves it on).
template <class Done, class At>
bool update_until_at(node_session& s, At at, Done done, std::chrono::milliseconds bound = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    for (;;) {
        s.update(at());
        if (done()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

template <class Done>
bool update_until(node_session& s, Done done, std::chrono::milliseconds bound = std::chrono::seconds(5)) {
    return update_until_at(s, [] { return node_session::clock::now(); }, done, bound);
}

/// The requests of `kind` the node saw, in order.
inline std::vector<testing::fake_node::seen> requests_of(const testing::fake_node& node, std::string_view kind) {
    std::vector<testing::fake_node::seen> out;
    for (auto& r : node.requests())
        if (r.request.is_tuple() && r.request.size() > 0 && r.request[0].is_atom() && r.request[0].as_atom().name() == kind) out.push_back(r);
    return out;
}

} // namespace ember::observer::test
