#include "shop.hpp"

#include <chrono>
#include <cstdint>

#include "ember/runtime/application.hpp"
#include "ember/runtime/gen_server.hpp"
#include "ember/runtime/supervisor.hpp"

namespace ember::node_tool {

using namespace std::chrono_literals;
namespace gs = ember::gen_server;
namespace sup = ember::supervisor;

namespace {

// Each server re-arms its own timer in handle_info rather than using a
// periodic one, so a suspended server (sys) simply stops ticking, and a
// restarted one starts from zero: what an operator expects to see.

class counter : public gs::stateful_server<std::int64_t> {
public:
    task<gs::init_result> init() override {
        send_after(100ms, self(), "tick"_atom);
        co_return gs::init_ok();
    }
    task<gs::step> handle_info(term message) override {
        if (message == "tick"_atom) {
            ++state;
            send_after(100ms, self(), "tick"_atom);
        }
        co_return gs::noreply();
    }
    task<gs::step> handle_call(term request, gs::from caller) override {
        if (request == "count"_atom) co_return gs::reply(term::integer(state));
        co_return co_await gs::server::handle_call(request, caller);
    }
};

class front_desk : public gs::stateful_server<std::int64_t> {
public:
    task<gs::step> handle_call(term request, gs::from caller) override {
        if (request == "ping"_atom) {
            ++state;
            co_return gs::reply("pong"_atom);
        }
        if (request == "count"_atom) {
            ++state;
            auto n = co_await gs::call("counter"_atom, "count"_atom, 1000ms);
            // The counter being restarted is news, not a crash of the desk.
            co_return gs::reply(n ? make_tuple("count"_atom, *n) : make_tuple("error"_atom, term::binary(n.error().message())));
        }
        co_return co_await gs::server::handle_call(request, caller);
    }
};

class customer : public gs::stateful_server<std::int64_t> {
public:
    task<gs::init_result> init() override {
        send_after(250ms, self(), "visit"_atom);
        co_return gs::init_ok();
    }
    task<gs::step> handle_info(term message) override {
        if (message == "visit"_atom) {
            // Named, not `if (co_await ...)`: built by GCC 12, that shape
            // died with SIGILL here (the coroutine resumed into its
            // unreachable state), as docs/runtime.md warns of temporaries.
            auto answer = co_await gs::call("front_desk"_atom, "count"_atom, 1000ms);
            if (answer) ++state;
            send_after(250ms, self(), "visit"_atom);
        }
        co_return gs::noreply();
    }
};

process_task idle() { co_await receive(); }

process_task spawner(pid report, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) (void)spawn_opt({.label = "idle/0"}, idle);
    send(report, atoms::ok);
    co_return;
}

} // namespace

expected<pid, term> start_shop(node& n) {
    const atom c("counter"), desk("front_desk"), cust("customer");
    // Intensity 10 in 10 s: an operator may kill a server a few times in a
    // demo without the whole application giving up.
    sup::spec tree{.flags = {.strategy = sup::strategy::one_for_one, .intensity = 10, .period = 10s},
                   .children = {sup::worker<counter>(c, {.name = c, .label = "counter:init/1"}),
                                sup::worker<front_desk>(desk, {.name = desk, .label = "front_desk:init/1"}),
                                sup::worker<customer>(cust, {.name = cust, .label = "customer:init/1"})}};
    return application::start(n, atom("shop"), std::move(tree));
}

expected<void, term> stop_shop(node& n) { return application::stop(n, atom("shop")); }

void spawn_idle(node& n, std::size_t count) {
    if (count == 0) return;
    // Spawning from inside a process is the fast path (no cross-thread
    // hand-off per spawn); the probe hears when the last one is made.
    probe me(n);
    n.spawn(spawner, me.self(), count);
    while (!me.receive(std::chrono::seconds(1))) {}
}

} // namespace ember::node_tool
