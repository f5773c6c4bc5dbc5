// Registered names, at 1, 2 and 4 schedulers.
#include "runtime_fixture.hpp"

#include <set>

#include "ember/runtime/process.hpp"

namespace ember::testing {
namespace {

class registry : public runtime_test {};
EMBER_RUNTIME_TEST_SUITE(registry);

TEST_P(registry, spawn_with_a_name_and_send_to_it) {
    pid p = n.spawn_opt({.name = atom("echo_server")}, echo).value();
    EXPECT_EQ(n.whereis(atom("echo_server")), p);
    EXPECT_TRUE(n.send(atom("echo_server"), make_tuple(me.self(), atoms::ok)));
    EXPECT_EQ(next(), term(atoms::ok));
    EXPECT_FALSE(n.send(atom("nobody_here"), atoms::ok)) << "no such name: nothing sent";
}

TEST_P(registry, a_taken_name_is_an_error) {
    n.spawn_opt({.name = atom("only_one")}, echo).value();
    auto second = n.spawn_opt({.name = atom("only_one")}, echo);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, spawn_errc::name_taken);
    EXPECT_NE(second.error().message.find("only_one"), std::string::npos);
}

TEST_P(registry, the_name_is_freed_on_exit) {
    pid p = n.spawn_opt({.name = atom("short_lived")}, echo).value();
    reference ref = me.monitor(p);
    (void)ref;
    me.send(p, atoms::shutdown);
    next(); // DOWN
    EXPECT_FALSE(n.whereis(atom("short_lived")).has_value());
    EXPECT_TRUE(n.spawn_opt({.name = atom("short_lived")}, echo));
}

TEST_P(registry, register_unregister_whereis_from_a_process) {
    n.spawn([](pid report) -> process_task {
        pid other = spawn(echo);
        const bool first = register_name(atom("reg_a"), other);
        const bool again = register_name(atom("reg_a"), self());
        const bool second_name = register_name(atom("reg_b"), other);
        const bool found = whereis(atom("reg_a")) == other;
        const bool sent = send(atom("reg_a"), make_tuple(report, atom("via_name")));
        const bool removed = unregister_name(atom("reg_a"));
        const bool gone = !whereis(atom("reg_a"));
        send(report, make_list(first, again, second_name, found, sent, removed, gone));
        co_return;
    }, me.self());
    // The list comes straight back; the other message goes through the
    // named process, so either may arrive first.
    std::set<std::string> got{to_string(next()), to_string(next())};
    EXPECT_EQ(got, (std::set<std::string>{"via_name", "[true,false,false,true,true,true,true]"}));
}

} // namespace
} // namespace ember::testing
