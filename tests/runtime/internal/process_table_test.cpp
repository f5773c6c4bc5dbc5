// The process table (runtime/src/process/process_table.hpp): blocks made
// in chunks of process_table::chunk_size and never freed, a limit on live
// blocks, serials that move on at each release so that a stale pid finds
// nothing, and optional private free lists (a scheduler's cache).
//
// Each test has a table of its own. The table needs a node_impl only to
// stamp it into the blocks; a deterministic node (no threads) lends its
// own, which is never used through these blocks.

#include "process/process_table.hpp"

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "ember/runtime/node.hpp"
#include "node/node_access.hpp"

namespace ember::detail {
namespace {

constexpr std::size_t chunk = process_table::chunk_size;

class process_table_test : public ::testing::Test {
protected:
    node n{node_options{.deterministic = true}};
    node_impl& impl = node_access::impl(n);

    /// Allocates `count` blocks through `cache`; fails the test on nullptr.
    static std::vector<process*> allocate_n(process_table& t, std::size_t count, std::vector<process*>* cache = nullptr) {
        std::vector<process*> out;
        for (std::size_t i = 0; i < count; ++i) {
            process* p = t.allocate(cache);
            EXPECT_NE(p, nullptr) << "allocation " << i << " of " << count << " with " << t.live() << " live, limit " << t.limit();
            if (!p) break;
            out.push_back(p);
        }
        return out;
    }
};

TEST_F(process_table_test, starts_empty) {
    process_table t(impl, 100);
    EXPECT_EQ(t.live(), 0u);
    EXPECT_EQ(t.made(), 0u);
    EXPECT_EQ(t.limit(), 100u);
    EXPECT_EQ(t.at(0), nullptr) << "nothing made yet";
    EXPECT_EQ(t.find(local_pid(0, 0)), nullptr);
}

TEST_F(process_table_test, allocate_gives_live_distinct_blocks_that_find_returns) {
    process_table t(impl, 100);
    std::vector<process*> ps = allocate_n(t, 10);
    ASSERT_EQ(ps.size(), 10u);
    EXPECT_EQ(t.live(), 10u);
    EXPECT_GE(t.made(), 10u);
    EXPECT_EQ(t.made() % chunk, 0u) << "blocks are made a chunk at a time";
    std::set<std::uint32_t> indices;
    for (process* p : ps) {
        EXPECT_TRUE(p->alive.load()) << "allocate sets alive";
        indices.insert(p->index);
        EXPECT_LT(p->index, t.made());
        EXPECT_EQ(t.at(p->index), p) << "at() maps the index back to the block";
        EXPECT_EQ(p->id(), local_pid(p->index, p->current_serial()));
        EXPECT_EQ(t.find(p->id()), p);
    }
    EXPECT_EQ(indices.size(), ps.size()) << "no block is handed out twice";
}

TEST_F(process_table_test, allocate_stops_at_the_limit) {
    for (std::size_t limit : {std::size_t{1}, std::size_t{5}, chunk, chunk + 1, 2 * chunk + 7}) {
        SCOPED_TRACE(limit);
        process_table t(impl, limit);
        std::vector<process*> ps = allocate_n(t, limit);
        ASSERT_EQ(ps.size(), limit);
        EXPECT_EQ(t.live(), limit);
        EXPECT_EQ(t.allocate(nullptr), nullptr) << "at the limit";
        EXPECT_EQ(t.allocate(nullptr), nullptr) << "still at the limit";
        EXPECT_EQ(t.live(), limit) << "a refused allocation counts nothing";
        EXPECT_EQ(t.made(), (limit + chunk - 1) / chunk * chunk) << "no chunk past the limit";
        std::set<process*> distinct(ps.begin(), ps.end());
        EXPECT_EQ(distinct.size(), limit);
    }
}

TEST_F(process_table_test, release_frees_room_under_the_limit) {
    process_table t(impl, 3);
    std::vector<process*> ps = allocate_n(t, 3);
    ASSERT_EQ(ps.size(), 3u);
    ASSERT_EQ(t.allocate(nullptr), nullptr);
    t.release(ps[1], nullptr);
    EXPECT_EQ(t.live(), 2u);
    process* again = t.allocate(nullptr);
    EXPECT_NE(again, nullptr);
    EXPECT_EQ(t.live(), 3u);
    EXPECT_EQ(t.allocate(nullptr), nullptr);
}

TEST_F(process_table_test, a_reused_block_gets_a_new_serial_and_the_stale_pid_finds_nothing) {
    // A full table of exactly one chunk: the released block is the only
    // free one, so the next allocation must reuse it.
    process_table t(impl, chunk);
    std::vector<process*> ps = allocate_n(t, chunk);
    ASSERT_EQ(ps.size(), chunk);
    ASSERT_EQ(t.made(), chunk);
    process* p = ps[chunk / 2];
    const pid old = p->id();

    t.release(p, nullptr);
    EXPECT_FALSE(p->alive.load()) << "released";
    EXPECT_NE(p->current_serial(), old.serial) << "the serial moves on at release";
    EXPECT_EQ(t.find(old), nullptr) << "a released process is not found";

    process* q = t.allocate(nullptr);
    ASSERT_EQ(q, p) << "the only free block is reused";
    EXPECT_EQ(q->index, old.id) << "a block keeps its index";
    EXPECT_TRUE(q->alive.load());
    EXPECT_NE(q->current_serial(), old.serial);
    EXPECT_EQ(t.made(), chunk) << "reuse makes no new chunk";
    EXPECT_EQ(t.find(old), nullptr) << "the stale pid does not find the new process";
    EXPECT_EQ(t.find(q->id()), q);

    // Many reuses: every serial the block had is distinct, and only the last
    // pid finds it.
    std::vector<pid> pids{old, q->id()};
    for (int round = 0; round < 50; ++round) {
        t.release(q, nullptr);
        q = t.allocate(nullptr);
        ASSERT_EQ(q, p);
        pids.push_back(q->id());
    }
    std::set<std::uint32_t> serials;
    for (const pid& id : pids) serials.insert(id.serial);
    EXPECT_EQ(serials.size(), pids.size());
    for (std::size_t i = 0; i + 1 < pids.size(); ++i) EXPECT_EQ(t.find(pids[i]), nullptr) << "pid " << i;
    EXPECT_EQ(t.find(pids.back()), q);
}

TEST_F(process_table_test, find_rejects_foreign_and_unknown_pids) {
    process_table t(impl, 2 * chunk);
    process* p = t.allocate(nullptr);
    ASSERT_NE(p, nullptr);
    const pid good = p->id();
    ASSERT_EQ(t.find(good), p);

    pid other_node = good;
    other_node.node = atom("elsewhere@host");
    EXPECT_EQ(t.find(other_node), nullptr) << "another node's pid";

    pid other_creation = good;
    other_creation.creation = good.creation + 1;
    EXPECT_EQ(t.find(other_creation), nullptr) << "a pid of an earlier or later incarnation of this node";

    pid other_serial = good;
    other_serial.serial = good.serial + 1;
    EXPECT_EQ(t.find(other_serial), nullptr) << "a serial the block never had yet";

    // A block that was made (same chunk) but never handed out.
    std::uint32_t unused = p->index == 0 ? 1 : 0;
    ASSERT_NE(t.at(unused), nullptr);
    EXPECT_EQ(t.find(local_pid(unused, t.at(unused)->current_serial())), nullptr) << "a block no process holds";

    // Indices beyond what was made, within and beyond the limit.
    EXPECT_EQ(t.find(local_pid(static_cast<std::uint32_t>(chunk + 3), 0)), nullptr) << "a chunk not made yet";
    EXPECT_EQ(t.at(static_cast<std::uint32_t>(chunk + 3)), nullptr);
    EXPECT_EQ(t.find(local_pid(1u << 30, 0)), nullptr) << "far beyond the limit";
    EXPECT_EQ(t.at(1u << 30), nullptr);
    EXPECT_EQ(t.at(0xFFFFFFFFu), nullptr);
}

TEST_F(process_table_test, find_does_not_return_a_zombie) {
    // A runaway killed while its code still runs is dead to the node.
    process_table t(impl, 10);
    process* p = t.allocate(nullptr);
    ASSERT_NE(p, nullptr);
    p->runaway.store(2);
    ASSERT_TRUE(p->is_zombie());
    EXPECT_EQ(t.find(p->id()), nullptr);
    p->runaway.store(0);
    EXPECT_EQ(t.find(p->id()), p);
}

TEST_F(process_table_test, live_and_made_follow_allocations_and_releases) {
    process_table t(impl, 4 * chunk);
    std::vector<process*> ps = allocate_n(t, chunk + 1);
    ASSERT_EQ(ps.size(), chunk + 1);
    EXPECT_EQ(t.live(), chunk + 1);
    EXPECT_EQ(t.made(), 2 * chunk) << "one block past a chunk makes a second chunk";
    for (std::size_t i = 0; i < ps.size(); i += 2) t.release(ps[i], nullptr);
    EXPECT_EQ(t.live(), chunk / 2);
    EXPECT_EQ(t.made(), 2 * chunk) << "blocks are never unmade";
    // Reallocating what was released makes nothing new.
    std::vector<process*> again = allocate_n(t, chunk / 2 + 1);
    EXPECT_EQ(t.live(), chunk + 1);
    EXPECT_EQ(t.made(), 2 * chunk);
    // Every block made is reachable by index and knows its index.
    for (std::uint32_t i = 0; i < t.made(); ++i) {
        ASSERT_NE(t.at(i), nullptr) << i;
        ASSERT_EQ(t.at(i)->index, i);
    }
}

// --- private free lists (a scheduler's cache) --------------------------------

TEST_F(process_table_test, cached_and_shared_allocations_are_distinct_and_counted) {
    process_table t(impl, 8 * chunk);
    std::vector<process*> cache_a, cache_b;
    std::set<process*> all;
    for (int i = 0; i < 600; ++i) {
        std::vector<process*>* cache = i % 3 == 0 ? &cache_a : i % 3 == 1 ? &cache_b : nullptr;
        process* p = t.allocate(cache);
        ASSERT_NE(p, nullptr) << i;
        EXPECT_TRUE(p->alive.load());
        EXPECT_EQ(t.find(p->id()), p);
        EXPECT_TRUE(all.insert(p).second) << "block " << p->index << " handed out twice";
    }
    EXPECT_EQ(t.live(), 600u);
    for (process* p : cache_a) EXPECT_FALSE(all.contains(p)) << "a cache holds only free blocks";
    for (process* p : cache_b) EXPECT_FALSE(all.contains(p)) << "a cache holds only free blocks";
}

TEST_F(process_table_test, release_into_a_cache_serves_later_allocations_through_it) {
    // One scheduler's life: allocate to the limit through its cache, release
    // everything into it, and allocate to the limit again. No new chunk, and
    // every block comes back with a new serial.
    process_table t(impl, chunk);
    std::vector<process*> cache;
    std::vector<process*> first = allocate_n(t, chunk, &cache);
    ASSERT_EQ(first.size(), chunk);
    EXPECT_EQ(t.allocate(&cache), nullptr) << "the limit holds with a cache too";
    EXPECT_EQ(t.allocate(nullptr), nullptr);
    std::vector<pid> old;
    for (process* p : first) old.push_back(p->id());

    for (process* p : first) t.release(p, &cache);
    EXPECT_EQ(t.live(), 0u);
    for (const pid& id : old) ASSERT_EQ(t.find(id), nullptr);

    std::vector<process*> second = allocate_n(t, chunk, &cache);
    ASSERT_EQ(second.size(), chunk);
    EXPECT_EQ(t.made(), chunk) << "freed blocks are reused";
    EXPECT_EQ(t.allocate(&cache), nullptr);
    std::set<process*> distinct(second.begin(), second.end());
    EXPECT_EQ(distinct.size(), chunk);
    for (const pid& id : old) ASSERT_EQ(t.find(id), nullptr) << "stale pid " << id.id << "." << id.serial;
    for (process* p : second) ASSERT_EQ(t.find(p->id()), p);
}

TEST_F(process_table_test, blocks_released_through_one_cache_serve_another) {
    // Processes spawned on one scheduler and finished on another: the
    // blocks must not be stranded in the second one's cache for ever. Many
    // cycles: a table of one chunk cannot serve them without reuse.
    process_table t(impl, 4 * chunk);
    std::vector<process*> spawner, finisher;
    for (int cycle = 0; cycle < 20; ++cycle) {
        std::vector<process*> ps = allocate_n(t, chunk / 2, &spawner);
        ASSERT_EQ(ps.size(), chunk / 2) << "cycle " << cycle;
        for (process* p : ps) t.release(p, &finisher);
    }
    EXPECT_EQ(t.live(), 0u);
    EXPECT_LE(t.made(), 4 * chunk);
}

// allocate() promises a block until `live` reaches the limit. Blocks parked
// in a cache are free but out of the shared list's reach, so allocations
// without that cache can drain the shared list while live() is still under
// the limit. The table then makes one more chunk (it has room for every
// cache held full) rather than fail or write past its chunk array, and
// find() reaches the new blocks. (Once a heap overflow: the chunk array
// was sized for the limit alone.)
TEST_F(process_table_test, blocks_held_in_a_cache_do_not_push_the_table_past_its_chunks) {
    process_table t(impl, chunk);
    std::vector<process*> cache;
    process* first = t.allocate(&cache); // fills `cache` from the shared list
    ASSERT_NE(first, nullptr);
    for (std::size_t i = 1; i < chunk; ++i) {
        process* p = t.allocate(nullptr);
        ASSERT_NE(p, nullptr) << "allocation " << i << " of " << chunk << ", under the limit";
        ASSERT_EQ(t.find(p->id()), p) << "block " << p->index << " is live but find() misses it";
    }
    EXPECT_LE(t.made(), 2 * chunk) << "more than the one extra chunk the cached blocks call for";
}

} // namespace
} // namespace ember::detail
