// The examples at the top of docs/runtime.md and docs/otp.md, kept
// compiling and correct.
#include <gtest/gtest.h>

#include "ember/runtime/application.hpp"
#include "ember/runtime/block_on.hpp"
#include "ember/runtime/gen_server.hpp"
#include "ember/runtime/node.hpp"
#include "ember/term/convert.hpp"
#include "ember/term/print.hpp"

namespace {

using namespace ember;
using namespace std::chrono_literals;

// --- begin docs/runtime.md example ---
process_task counter(int start) {
    int n = start;
    for (;;) {
        term m = co_await receive();
        if (m == atoms::shutdown) co_return;
        auto [from, op] = from_term<std::tuple<pid, atom>>(m).value();
        if (op == atom("incr")) ++n;
        send(from, make_tuple(atoms::ok, n));
    }
}
// --- end ---

TEST(docs_example, counter_answers_42) {
    node n({.schedulers = 2});
    probe me(n);
    pid c = n.spawn_opt({.name = atom("counter"), .label = "counter/1"}, counter, 41).value();
    me.send(c, make_tuple(me.self(), atom("incr")));
    auto reply = me.receive(1s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(to_string(*reply), "{ok,42}");
    EXPECT_EQ(n.whereis(atom("counter")), c);
}

// --- begin docs/otp.md example ---
namespace gs = ember::gen_server;
namespace sup = ember::supervisor;

class counter_server : public gs::stateful_server<std::int64_t> {
public:
    explicit counter_server(std::int64_t start) { state = start; }
    task<gs::step> handle_call(term request, gs::from caller) override {
        if (request == "next"_atom) co_return gs::reply(to_term(++state));
        co_return co_await gs::server::handle_call(request, caller);
    }
    task<gs::step> handle_cast(term message) override {
        if (message.is_integer()) state += message.as_integer();
        co_return gs::noreply();
    }
};
// --- end ---

TEST(docs_example, otp_counter_in_an_application_answers_42) {
    node n({.schedulers = 2});
    sup::spec tree{.flags = {.strategy = sup::strategy::one_for_one, .intensity = 3},
                   .children = {sup::worker<counter_server>(atom("counter"), std::int64_t{41})}};
    pid top = application::start(n, atom("demo"), tree).value();
    // --- begin docs/otp.md main ---
    term children = block_on(n, [top] { return gs::call(top, atom("which_children")); }).value().value();
    pid c = children[0][1].as_pid();
    term next = block_on(n, [c] { return gs::call(c, atom("next")); }).value().value();   // 42
    // --- end ---
    EXPECT_EQ(next, term::integer(42));
    EXPECT_EQ(to_string(block_on(n, [c] { return gs::call(c, atom("what")); }).value().value()), "{error,{unknown_call,what}}");
    EXPECT_TRUE(application::stop(n, atom("demo")).has_value());
}

} // namespace
