// The atom table: interning, names, limits, bad names.
#include <gtest/gtest.h>

#include <string>

#include "ember/term/atom.hpp"

namespace ember {
namespace {

TEST(atom, builtins_have_their_names) {
    EXPECT_EQ(atoms::ok.name(), "ok");
    EXPECT_EQ(atoms::EXIT.name(), "EXIT");
    EXPECT_EQ(atoms::nonode_nohost.name(), "nonode@nohost");
    EXPECT_EQ(atom().name(), "undefined");
}

TEST(atom, interning_twice_gives_one_atom) {
    atom a("some_atom_name"), b("some_atom_name");
    EXPECT_EQ(a, b);
    EXPECT_EQ(a.index(), b.index());
    EXPECT_EQ(atom("ok"), atoms::ok);
}

TEST(atom, existing_never_creates) {
    EXPECT_FALSE(atom::existing("never_made_before_42").has_value());
    EXPECT_FALSE(atom::existing("never_made_before_42").has_value());
    EXPECT_TRUE(atom::existing("ok").has_value());
}

TEST(atom, order_is_by_text) {
    EXPECT_LT(atom("aaa"), atom("b"));
    EXPECT_LT(atom("Zed"), atom("abc")) << "upper case sorts before lower case, bytewise";
}

TEST(atom, too_long_and_invalid_utf8_are_refused) {
    auto long_name = atom::intern(std::string(256, 'a'));
    ASSERT_FALSE(long_name);
    EXPECT_EQ(long_name.error().code, term_errc::atom_too_long);
    EXPECT_TRUE(atom::intern(std::string(255, 'a')));
    std::string accents;
    for (int i = 0; i < 255; ++i) accents += "é";
    EXPECT_TRUE(atom::intern(accents)) << "the limit counts characters, not bytes";
    auto bad = atom::intern("\xff\xfe");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, term_errc::invalid_utf8);
    EXPECT_THROW(atom(std::string(300, 'x')), std::invalid_argument);
}

TEST(atom, full_table_gives_a_clear_error) {
    // ctest runs each case in its own process; the limit is restored anyway
    // for runs of the whole binary.
    const std::size_t saved_limit = atom_limit();
    set_atom_limit(atom_count() + 3);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(atom::intern("fill_" + std::to_string(i)));
    auto full = atom::intern("one_too_many");
    ASSERT_FALSE(full);
    EXPECT_EQ(full.error().code, term_errc::atom_table_full);
    EXPECT_NE(full.error().message.find("full"), std::string::npos);
    EXPECT_TRUE(atom::intern("fill_1")) << "existing atoms still resolve";
    EXPECT_THROW(atom("another_new_one"), std::length_error);
    set_atom_limit(saved_limit);
}

} // namespace
} // namespace ember
