// The example at the top of docs/runtime.md, kept compiling and correct.
#include <gtest/gtest.h>

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
        if (m == term(atoms::shutdown)) co_return;
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

} // namespace
