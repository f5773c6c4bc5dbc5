// Comparing terms with atoms without making a term, and atoms named once
// (static_atom, "..."_atom): same atom as atom(name), cached, safe to race.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "ember/term/atom.hpp"
#include "ember/term/convert.hpp"
#include "ember/term/term.hpp"

namespace ember {
namespace {

TEST(atom_compare, a_term_equals_its_atom) {
    const term ok = atoms::ok;
    EXPECT_TRUE(ok == atoms::ok);
    EXPECT_TRUE(atoms::ok == ok) << "either side";
    EXPECT_FALSE(ok != atoms::ok);
    EXPECT_TRUE(ok != atoms::error);
    EXPECT_TRUE(term(atom("compare_me")) == atom("compare_me"));
    EXPECT_TRUE(term(atom("compare_me")) != atom("compare_me_not"));
}

TEST(atom_compare, other_kinds_of_term_never_equal_an_atom) {
    EXPECT_FALSE(term::integer(0) == atoms::undefined) << "index 0 is not the integer 0";
    EXPECT_FALSE(term() == atoms::nil) << "[] is not the atom nil";
    EXPECT_FALSE(term() == atoms::undefined);
    EXPECT_FALSE(term::binary("ok") == atoms::ok);
    EXPECT_FALSE(term::tuple({atoms::ok}) == atoms::ok);
    EXPECT_FALSE(term::list({atoms::ok}) == atoms::ok);
    EXPECT_FALSE(term::from_pid(pid{}) == atoms::nonode_nohost);
}

TEST(atom_compare, agrees_with_term_equality) {
    const term values[] = {atoms::ok, atoms::error, term(atom("x")), term::integer(2), term(), term::binary("x")};
    const atom names[] = {atoms::ok, atoms::error, atom("x"), atoms::undefined, atoms::nil};
    for (const term& v : values)
        for (atom a : names) EXPECT_EQ(v == a, v == term(a)) << to_string(v) << " vs " << a.name();
}

TEST(atom_compare, atoms_still_compare_with_atoms) {
    EXPECT_TRUE(atoms::ok == atom("ok"));
    EXPECT_TRUE(atoms::ok != atoms::error);
    EXPECT_LT(atom("aaa"), atom("b"));
}

TEST(static_atom, is_the_interned_atom) {
    EXPECT_EQ("static_atom_test_a"_atom, atom("static_atom_test_a"));
    EXPECT_EQ(static_atom<"static_atom_test_a">(), atom("static_atom_test_a"));
    EXPECT_EQ(("static_atom_test_a"_atom).name(), "static_atom_test_a");
    EXPECT_EQ("héllo"_atom, atom("héllo")) << "UTF-8";
    EXPECT_EQ(""_atom, atoms::empty);
}

TEST(static_atom, builtins_are_the_constants) {
    EXPECT_EQ("ok"_atom, atoms::ok);
    EXPECT_EQ("DOWN"_atom, atoms::DOWN);
    EXPECT_EQ("nonode@nohost"_atom, atoms::nonode_nohost);
}

// Never called: naming an atom in code interns nothing until the code runs.
[[maybe_unused]] atom never_called() { return "static_atom_test_never_used"_atom; }

TEST(static_atom, interns_once_then_reads_the_cache) {
    const std::size_t before = atom_count();
    const atom first = "static_atom_test_once"_atom;
    EXPECT_EQ(atom_count(), before + 1);
    for (int i = 0; i < 1000; ++i) ASSERT_EQ("static_atom_test_once"_atom, first);
    EXPECT_EQ(atom_count(), before + 1);
    EXPECT_FALSE(atom::existing("static_atom_test_never_used").has_value()) << "interned on first use only";
}

TEST(static_atom, threads_racing_on_first_use_agree) {
    std::vector<std::thread> threads;
    std::vector<std::uint32_t> seen(8);
    for (std::size_t i = 0; i < seen.size(); ++i)
        threads.emplace_back([&seen, i] { seen[i] = static_atom<"static_atom_test_race">().index(); });
    for (auto& t : threads) t.join();
    for (std::uint32_t index : seen) EXPECT_EQ(index, atom("static_atom_test_race").index());
    EXPECT_EQ(("static_atom_test_race"_atom).name(), "static_atom_test_race");
}

TEST(static_atom, compares_with_terms) {
    const term request = atom("static_atom_test_next");
    EXPECT_TRUE(request == "static_atom_test_next"_atom);
    EXPECT_FALSE(request == "static_atom_test_other"_atom);
}

} // namespace
} // namespace ember
