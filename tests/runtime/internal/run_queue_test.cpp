// The scheduler's local run queue (runtime/src/scheduler/run_queue.hpp):
// a fixed ring the owner pushes to and the owner and thieves take from.
// The queue has no LIFO slot (that is the scheduler's, not the queue's).
// The queue never dereferences what it holds, so the tests queue the
// addresses of blocks they own.

#include "scheduler/run_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "process/process.hpp"

namespace ember::detail {
namespace {

constexpr std::uint32_t cap = run_queue::capacity;

// Processes to queue, and the way back from an address to its number.
struct blocks {
    explicit blocks(std::size_t n) : items(std::make_unique<process[]>(n)), count(n) {}
    process* operator[](std::size_t i) const { return &items[i]; }
    std::size_t number(const process* p) const { return static_cast<std::size_t>(p - items.get()); }
    std::unique_ptr<process[]> items;
    std::size_t count;
};

TEST(run_queue, starts_empty) {
    run_queue q;
    EXPECT_EQ(q.size(), 0u);
    EXPECT_EQ(q.pop(), nullptr);
    process* out[cap / 2 + 1];
    EXPECT_EQ(q.pop_batch(out, 8), 0u);
    EXPECT_EQ(q.steal_half(out), 0u);
}

TEST(run_queue, owner_pops_in_push_order) {
    blocks b(10);
    run_queue q;
    for (std::size_t i = 0; i < 10; ++i) ASSERT_TRUE(q.push(b[i]));
    EXPECT_EQ(q.size(), 10u);
    for (std::size_t i = 0; i < 10; ++i) {
        EXPECT_EQ(q.pop(), b[i]) << "pop returns the oldest entry";
        EXPECT_EQ(q.size(), 9u - i);
    }
    EXPECT_EQ(q.pop(), nullptr);
}

TEST(run_queue, interleaved_pushes_and_pops_stay_fifo) {
    blocks b(100);
    run_queue q;
    std::size_t next_in = 0, next_out = 0;
    // Two in, one out, until everything went in; then drain.
    while (next_in < b.count) {
        ASSERT_TRUE(q.push(b[next_in++]));
        if (next_in < b.count) {
            ASSERT_TRUE(q.push(b[next_in++]));
        }
        ASSERT_EQ(q.pop(), b[next_out++]);
    }
    while (process* p = q.pop()) ASSERT_EQ(p, b[next_out++]);
    EXPECT_EQ(next_out, b.count);
}

TEST(run_queue, push_fails_when_full_and_keeps_contents) {
    blocks b(cap + 1);
    run_queue q;
    for (std::uint32_t i = 0; i < cap; ++i) ASSERT_TRUE(q.push(b[i])) << "entry " << i << " of " << cap;
    EXPECT_EQ(q.size(), cap);
    EXPECT_FALSE(q.push(b[cap])) << "a full queue refuses (the caller uses the global queue)";
    EXPECT_FALSE(q.push(b[cap])) << "and keeps refusing";
    EXPECT_EQ(q.size(), cap);
    // The refused entry is not in the queue; the others are, in order.
    for (std::uint32_t i = 0; i < cap; ++i) ASSERT_EQ(q.pop(), b[i]);
    EXPECT_EQ(q.pop(), nullptr);
}

TEST(run_queue, room_made_by_a_pop_or_a_steal_can_be_used_again) {
    blocks b(cap + 2);
    run_queue q;
    for (std::uint32_t i = 0; i < cap; ++i) ASSERT_TRUE(q.push(b[i]));
    ASSERT_FALSE(q.push(b[cap]));
    ASSERT_EQ(q.pop(), b[0]);
    EXPECT_TRUE(q.push(b[cap])) << "one pop makes room for one push";
    EXPECT_FALSE(q.push(b[cap + 1]));

    process* out[cap / 2 + 1];
    const std::uint32_t stolen = q.steal_half(out);
    EXPECT_EQ(stolen, cap / 2);
    EXPECT_EQ(q.size(), cap - stolen);
    EXPECT_TRUE(q.push(b[cap + 1])) << "a steal makes room too";
}

TEST(run_queue, ring_wraps_around_many_times_in_order) {
    // Far more entries than slots pass through, the queue kept near full so
    // every slot is reused many times.
    constexpr std::size_t total = cap * 20;
    blocks b(total);
    run_queue q;
    std::size_t next_in = 0, next_out = 0;
    while (next_out < total) {
        while (next_in < total && q.push(b[next_in])) ++next_in;
        ASSERT_EQ(q.size(), next_in - next_out);
        // Take a varying amount each round, by pop and pop_batch.
        const std::size_t round = next_out / 7;
        if (round % 2 == 0) {
            process* p = q.pop();
            ASSERT_NE(p, nullptr);
            ASSERT_EQ(b.number(p), next_out++);
        } else {
            process* out[64];
            const std::uint32_t k = q.pop_batch(out, static_cast<std::uint32_t>(1 + round % 63));
            ASSERT_GT(k, 0u);
            for (std::uint32_t i = 0; i < k; ++i) ASSERT_EQ(b.number(out[i]), next_out++);
        }
    }
    EXPECT_EQ(q.pop(), nullptr);
}

TEST(run_queue, pop_batch_takes_up_to_n_oldest) {
    blocks b(10);
    run_queue q;
    for (std::size_t i = 0; i < 10; ++i) ASSERT_TRUE(q.push(b[i]));
    process* out[cap];
    ASSERT_EQ(q.pop_batch(out, 4), 4u);
    for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(out[i], b[i]);
    EXPECT_EQ(q.size(), 6u);
    // Asking for more than there is takes what there is.
    ASSERT_EQ(q.pop_batch(out, 100), 6u);
    for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(out[i], b[4 + i]);
    EXPECT_EQ(q.pop_batch(out, 100), 0u);
    EXPECT_EQ(q.pop(), nullptr);
}

TEST(run_queue, pop_batch_of_zero_takes_nothing) {
    blocks b(3);
    run_queue q;
    for (std::size_t i = 0; i < 3; ++i) ASSERT_TRUE(q.push(b[i]));
    process* out[1];
    EXPECT_EQ(q.pop_batch(out, 0), 0u);
    EXPECT_EQ(q.size(), 3u);
    EXPECT_EQ(q.pop(), b[0]);
}

TEST(run_queue, steal_half_takes_half_rounded_up_oldest_first) {
    for (std::uint32_t size : {1u, 2u, 3u, 5u, 8u, 101u, cap - 1, cap}) {
        SCOPED_TRACE(size);
        blocks b(size);
        run_queue q;
        for (std::uint32_t i = 0; i < size; ++i) ASSERT_TRUE(q.push(b[i]));
        process* out[cap / 2 + 1];
        const std::uint32_t k = q.steal_half(out);
        EXPECT_EQ(k, size - size / 2);
        EXPECT_LE(k, cap / 2 + 1) << "fits the buffer the contract asks for";
        for (std::uint32_t i = 0; i < k; ++i) EXPECT_EQ(out[i], b[i]);
        EXPECT_EQ(q.size(), size - k);
        // The owner goes on with the rest, in order.
        for (std::uint32_t i = k; i < size; ++i) ASSERT_EQ(q.pop(), b[i]);
        EXPECT_EQ(q.pop(), nullptr);
    }
}

TEST(run_queue, repeated_steals_drain_the_queue) {
    blocks b(cap);
    run_queue q;
    for (std::uint32_t i = 0; i < cap; ++i) ASSERT_TRUE(q.push(b[i]));
    process* out[cap / 2 + 1];
    std::size_t next = 0;
    for (int round = 0; round < 64 && q.size() > 0; ++round) {
        const std::uint32_t before = q.size();
        const std::uint32_t k = q.steal_half(out);
        ASSERT_EQ(k, before - before / 2);
        for (std::uint32_t i = 0; i < k; ++i) ASSERT_EQ(b.number(out[i]), next++);
    }
    EXPECT_EQ(next, cap);
    EXPECT_EQ(q.size(), 0u);
    EXPECT_EQ(q.steal_half(out), 0u);
}

// Stand-ins for processes in the contention tests, which need many: the
// queue only stores and returns the pointers, never reads through them.
struct alignas(process) token {
    unsigned char byte;
};

// The owner pushes (moving work aside itself when full), pops and
// pop_batches while `thieves` threads steal half at a time. Every process
// must be taken exactly once, and each taker must see processes in push
// order (every take is from the head).
void check_owner_against_thieves(unsigned thieves) {
    constexpr std::size_t total = 200'000;
    std::vector<token> tokens(total);
    auto item = [&](std::size_t i) { return reinterpret_cast<process*>(&tokens[i]); };
    auto number = [&](process* p) { return static_cast<std::size_t>(reinterpret_cast<token*>(p) - tokens.data()); };

    run_queue q;
    std::atomic<bool> done{false};
    std::atomic<unsigned> ready{0};
    std::atomic<std::uint64_t> steals{0}; // successful steals, all thieves
    std::vector<std::vector<std::size_t>> stolen(thieves);

    std::vector<std::thread> threads;
    for (unsigned t = 0; t < thieves; ++t)
        threads.emplace_back([&, t] {
            std::vector<std::size_t>& mine = stolen[t];
            mine.reserve(total);
            process* out[cap / 2 + 1];
            ready.fetch_add(1, std::memory_order_release);
            ready.notify_all();
            auto steal = [&] {
                const std::uint32_t k = q.steal_half(out);
                EXPECT_LE(k, cap / 2 + 1);
                for (std::uint32_t i = 0; i < k; ++i) mine.push_back(number(out[i]));
                if (k) {
                    steals.fetch_add(1, std::memory_order_release);
                    steals.notify_all();
                }
            };
            while (!done.load(std::memory_order_acquire)) steal();
            steal(); // the owner drained the queue before `done`: finds nothing
        });
    // Start once every thief is looping, so that they overlap the owner.
    for (unsigned r = ready.load(std::memory_order_acquire); r < thieves; r = ready.load(std::memory_order_acquire))
        ready.wait(r, std::memory_order_acquire);

    std::vector<std::size_t> owned;
    owned.reserve(total);
    process* batch[16];
    for (std::size_t i = 0; i < total; ++i) {
        // Full: the owner takes work out itself (as the scheduler moves it
        // to the global queue). Each turn either frees a slot or finds that
        // a thief did, so this ends.
        while (!q.push(item(i)))
            if (process* p = q.pop()) owned.push_back(number(p));
        // The owner takes less than it pushes, so the queue stays non-empty
        // for the thieves.
        if (i % 4 == 0) {
            if (process* p = q.pop()) owned.push_back(number(p));
        }
        if (i % 64 == 0) {
            const std::uint32_t k = q.pop_batch(batch, 16);
            for (std::uint32_t j = 0; j < k; ++j) owned.push_back(number(batch[j]));
        }
        // Halfway, make sure stealing has happened: wait (without taking
        // anything, so the queue holds work) until some thief got some.
        if (i == total / 2) {
            // (Only a steal can empty it now, and a steal wakes this wait.)
            EXPECT_GT(q.size() + steals.load(), 0u);
            for (std::uint64_t s = steals.load(std::memory_order_acquire); s == 0 && q.size() > 0; s = steals.load(std::memory_order_acquire))
                steals.wait(s, std::memory_order_acquire);
        }
    }
    while (process* p = q.pop()) owned.push_back(number(p));
    EXPECT_EQ(q.size(), 0u);
    done.store(true, std::memory_order_release);
    for (auto& t : threads) t.join();

    std::vector<int> seen(total, 0);
    std::size_t taken = 0, stolen_count = 0;
    auto account = [&](const std::vector<std::size_t>& list, const char* who) {
        for (std::size_t k = 0; k < list.size(); ++k) {
            ASSERT_LT(list[k], total) << who << " took something never pushed";
            ++seen[list[k]];
            if (k > 0) {
                ASSERT_LT(list[k - 1], list[k]) << who << " took out of push order";
            }
        }
        taken += list.size();
    };
    account(owned, "the owner");
    for (const auto& list : stolen) {
        account(list, "a thief");
        stolen_count += list.size();
    }
    for (std::size_t i = 0; i < total; ++i) ASSERT_EQ(seen[i], 1) << "process " << i << (seen[i] ? " taken twice" : " lost");
    EXPECT_EQ(taken, total);
    EXPECT_GT(stolen_count, 0u);
    ::testing::Test::RecordProperty("stolen", static_cast<int>(stolen_count));
}

TEST(run_queue, owner_and_one_thief_lose_and_duplicate_nothing) { check_owner_against_thieves(1); }

TEST(run_queue, owner_and_two_thieves_lose_and_duplicate_nothing) { check_owner_against_thieves(2); }

} // namespace
} // namespace ember::detail
