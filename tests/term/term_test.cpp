// Term construction, reading, sharing and lifetime.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "ember/term/convert.hpp"
#include "ember/term/term.hpp"

namespace ember {
namespace {

TEST(term, default_is_nil) {
    term t;
    EXPECT_TRUE(t.is_nil());
    EXPECT_TRUE(t.is_list());
    EXPECT_TRUE(t.is_proper_list());
    EXPECT_EQ(t.type(), term_type::nil);
    EXPECT_EQ(t.size(), 0u);
}

TEST(term, small_and_boxed_integers_read_back) {
    for (std::int64_t v : {std::int64_t{0}, std::int64_t{-1}, term::small_max, term::small_min, term::small_max + 1,
                           term::small_min - 1, INT64_MAX, INT64_MIN}) {
        term t = term::integer(v);
        EXPECT_TRUE(t.is_integer()) << v;
        EXPECT_EQ(t.type(), term_type::integer);
        EXPECT_EQ(t.as_integer(), v);
    }
    EXPECT_EQ(term::integer(term::small_max).heap_bytes(), 0u) << "61-bit integers live in the word";
    EXPECT_GT(term::integer(term::small_max + 1).heap_bytes(), 0u);
}

TEST(term, floats_must_be_finite) {
    EXPECT_EQ(term::float64(2.5).as_float(), 2.5);
    EXPECT_THROW(term::float64(std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
    EXPECT_THROW(term::float64(std::numeric_limits<double>::infinity()), std::invalid_argument);
}

TEST(term, tuple_elements) {
    term t = term::tuple({atoms::ok, term::integer(7)});
    ASSERT_TRUE(t.is_tuple());
    EXPECT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0], term(atoms::ok));
    EXPECT_EQ(t[1].as_integer(), 7);
    EXPECT_TRUE(term::tuple({}).is_tuple());
}

TEST(term, list_with_list_tail_is_joined) {
    term tail = term::list({term::integer(2), term::integer(3)});
    term joined = term::list({term::integer(1)}, tail);
    EXPECT_EQ(joined, term::list({term::integer(1), term::integer(2), term::integer(3)}));
    EXPECT_EQ(joined.size(), 3u);
    EXPECT_TRUE(joined.is_proper_list());
}

TEST(term, improper_list_keeps_its_tail) {
    term t = term::list({term::integer(1)}, term::integer(2));
    EXPECT_FALSE(t.is_proper_list());
    EXPECT_EQ(t.tail().as_integer(), 2);
    EXPECT_TRUE(term::list({}, term()).is_nil()) << "no elements and a [] tail is []";
}

TEST(term, map_last_duplicate_wins_and_lookup_works) {
    term m = term::map({{atoms::ok, term::integer(1)}, {atoms::error, term::integer(2)}, {atoms::ok, term::integer(3)}});
    EXPECT_EQ(m.size(), 2u);
    ASSERT_NE(m.find(atoms::ok), nullptr);
    EXPECT_EQ(m.find(atoms::ok)->as_integer(), 3);
    EXPECT_EQ(m.find(atoms::timeout), nullptr);
    EXPECT_EQ(term().find(atoms::ok), nullptr) << "find on a non-map is nullptr";
}

TEST(term, map_keys_are_sorted_in_map_key_order) {
    term m = term::map({{term::binary("b"), term()}, {term::integer(5), term()}, {atoms::ok, term()}});
    auto e = m.entries();
    ASSERT_EQ(e.size(), 3u);
    EXPECT_TRUE(e[0].key.is_integer());
    EXPECT_TRUE(e[1].key.is_atom());
    EXPECT_TRUE(e[2].key.is_binary());

    // Term order but for numbers: every integer before every float, as in
    // an Erlang flatmap (maps:keys(#{2.5 => a, 3 => b, 0.5 => c, 1 => d})
    // is [1,3,0.5,2.5]).
    term n = term::map({{term::float64(2.5), term()}, {term::integer(3), term()}, {term::float64(0.5), term()},
                        {term::integer(1), term()}});
    auto k = n.entries();
    ASSERT_EQ(k.size(), 4u);
    EXPECT_EQ(k[0].key, term::integer(1));
    EXPECT_EQ(k[1].key, term::integer(3));
    EXPECT_EQ(k[2].key, term::float64(0.5));
    EXPECT_EQ(k[3].key, term::float64(2.5));
    for (const map_entry& x : k) EXPECT_NE(n.find(x.key), nullptr);
    EXPECT_EQ(n.find(term::float64(1.0)), nullptr) << "keys match exactly: 1.0 is not 1";
    EXPECT_EQ(n.find(term::integer(2)), nullptr);
}

TEST(term, local_pid_is_inline_and_remote_pid_boxed) {
    pid local{local_node().name, 42, 7, local_node().creation};
    term t = term::from_pid(local);
    EXPECT_TRUE(t.is_pid());
    EXPECT_EQ(t.heap_bytes(), 0u);
    EXPECT_EQ(t.as_pid(), local);

    pid remote{atom("other@host"), 1, 2, 3};
    term r = term::from_pid(remote);
    EXPECT_TRUE(r.is_pid());
    EXPECT_GT(r.heap_bytes(), 0u);
    EXPECT_EQ(r.as_pid(), remote);
    EXPECT_NE(t, r);
}

TEST(term, references_are_unique) {
    reference a = make_reference(), b = make_reference();
    EXPECT_FALSE(a == b);
    EXPECT_NE(term::from_reference(a), term::from_reference(b));
    EXPECT_EQ(term::from_reference(a), term::from_reference(a));
}

TEST(term, binary_text_and_bytes) {
    term b = term::binary("héllo");
    EXPECT_EQ(b.text(), "héllo");
    EXPECT_EQ(b.bytes().size(), 6u);
    EXPECT_TRUE(term::binary("").is_binary());
}

TEST(term, copies_share_storage) {
    term big = term::binary(std::string(1 << 20, 'x'));
    term copy = big;
    term msg = term::tuple({atoms::ok, big});
    EXPECT_TRUE(copy.same_storage(big));
    EXPECT_TRUE(msg[1].same_storage(big)) << "putting a binary in a tuple shares it";
}

TEST(term, moved_from_term_is_nil) {
    term a = term::binary("x");
    term b = std::move(a);
    EXPECT_TRUE(a.is_nil()); // NOLINT(bugprone-use-after-move): documented state
    EXPECT_EQ(b.text(), "x");
}

TEST(term, sharing_across_threads_keeps_counts_right) {
    // Many threads copy and drop one shared term; ASan and TSan builds check
    // that no free happens early or twice.
    term shared = term::tuple({term::binary("payload"), term::list({term::integer(1), term::float64(2.0)})});
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([shared] {
            for (int i = 0; i < 20000; ++i) {
                term copy = shared;
                term nested = term::tuple({copy, copy});
                ASSERT_EQ(nested[0][0].text(), "payload");
            }
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(shared[0].text(), "payload");
}

TEST(term, deeply_nested_term_is_freed_without_recursion) {
    term t;
    for (int i = 0; i < 1'000'000; ++i) t = term::list({t});
    EXPECT_TRUE(t.is_list());
    t = term(); // frees a million nested lists; recursion would overflow the stack
    EXPECT_TRUE(t.is_nil());
}

TEST(term, hash_agrees_with_equality) {
    term a = term::map({{atoms::ok, term::list({term::integer(1)})}});
    term b = term::map({{atoms::ok, term::list({term::integer(1)})}});
    EXPECT_EQ(a, b);
    EXPECT_EQ(a.hash(), b.hash());
    EXPECT_EQ(term::float64(0.0), term::float64(-0.0));
    EXPECT_EQ(term::float64(0.0).hash(), term::float64(-0.0).hash());
}

} // namespace
} // namespace ember
