#include "wms/fair_queue.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace wmsgate::wms {
namespace {

RenderTask task(std::string client, std::uint64_t cost, int id,
                std::vector<int>* dropped = nullptr) {
    RenderTask t;
    t.client = std::move(client);
    t.cost = cost;
    t.run = [] {};
    t.dropped = [dropped, id](DropReason) {
        if (dropped) dropped->push_back(id);
    };
    return t;
}

// Pops and finishes everything, returning the clients in the order served.
std::vector<std::string> drain(FairQueue& queue) {
    std::vector<std::string> order;
    while (auto next = queue.pop()) {
        order.push_back(next->client);
        queue.finished(next->client);
    }
    return order;
}

TEST(FairQueue, AlternatesBetweenClientsOfEqualCost) {
    FairQueue queue(100, 1);
    for (int i = 0; i < 3; ++i) ASSERT_FALSE(queue.push(task("mallory", 100, i)));
    for (int i = 0; i < 3; ++i) ASSERT_FALSE(queue.push(task("alice", 100, i)));
    EXPECT_EQ(drain(queue), (std::vector<std::string>{"mallory", "alice", "mallory", "alice",
                                                      "mallory", "alice"}));
}

TEST(FairQueue, CheapRequestsGoBetweenCostlyOnes) {
    FairQueue queue(100, 1);
    for (int i = 0; i < 2; ++i) ASSERT_FALSE(queue.push(task("mallory", 64 * 65536, i)));
    for (int i = 0; i < 4; ++i) ASSERT_FALSE(queue.push(task("alice", 65536, i)));
    // mallory's first map was queued first; alice's four tiles together cost
    // less than it, so all of them come before mallory's second.
    EXPECT_EQ(drain(queue),
              (std::vector<std::string>{"mallory", "alice", "alice", "alice", "alice", "mallory"}));
}

TEST(FairQueue, OneClientNeverRunsMoreThanItsBound) {
    FairQueue queue(100, 1);
    for (int i = 0; i < 3; ++i) ASSERT_FALSE(queue.push(task("mallory", 1, i)));
    auto first = queue.pop();
    ASSERT_TRUE(first);
    EXPECT_EQ(queue.running("mallory"), 1u);
    EXPECT_FALSE(queue.pop()) << "a second mallory task while the first runs";
    ASSERT_FALSE(queue.push(task("alice", 1, 0)));
    auto second = queue.pop();
    ASSERT_TRUE(second);
    EXPECT_EQ(second->client, "alice");
    queue.finished("mallory");
    auto third = queue.pop();
    ASSERT_TRUE(third);
    EXPECT_EQ(third->client, "mallory");
}

TEST(FairQueue, HigherBoundRunsSeveralAtOnce) {
    FairQueue queue(100, 2);
    for (int i = 0; i < 3; ++i) ASSERT_FALSE(queue.push(task("bob", 1, i)));
    EXPECT_TRUE(queue.pop());
    EXPECT_TRUE(queue.pop());
    EXPECT_FALSE(queue.pop());
    EXPECT_EQ(queue.running("bob"), 2u);
}

TEST(FairQueue, WhenFullTheLongestQueueLosesItsNewest) {
    FairQueue queue(4, 1);
    std::vector<int> dropped;
    for (int i = 0; i < 3; ++i) ASSERT_FALSE(queue.push(task("mallory", 1, i, &dropped)));
    ASSERT_FALSE(queue.push(task("alice", 1, 100, &dropped)));
    // Full: alice's second request takes the place of mallory's newest.
    auto victim = queue.push(task("alice", 1, 101, &dropped));
    ASSERT_TRUE(victim);
    EXPECT_EQ(victim->client, "mallory");
    victim->dropped(DropReason::queue_full);
    EXPECT_EQ(dropped, std::vector<int>{2});
    EXPECT_EQ(queue.queued(), 4u);
    // Now both have two waiting: a newcomer from either is refused itself.
    auto refused = queue.push(task("mallory", 1, 3, &dropped));
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->client, "mallory");
    refused = queue.push(task("alice", 1, 102, &dropped));
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->client, "alice");
    EXPECT_EQ(queue.queued(), 4u);
}

TEST(FairQueue, ANewClientIsServedAtOnceAfterAFlood) {
    FairQueue queue(1000, 1);
    for (int i = 0; i < 500; ++i) ASSERT_FALSE(queue.push(task("mallory", 65536, i)));
    for (int i = 0; i < 10; ++i) {
        auto t = queue.pop();
        ASSERT_TRUE(t);
        queue.finished(t->client);
    }
    ASSERT_FALSE(queue.push(task("alice", 65536, 0)));
    auto next = queue.pop();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->client, "alice");
}

TEST(FairQueue, TakeAllEmptiesTheQueue) {
    FairQueue queue(10, 1);
    for (int i = 0; i < 3; ++i) ASSERT_FALSE(queue.push(task("a", 1, i)));
    ASSERT_FALSE(queue.push(task("b", 1, 0)));
    EXPECT_EQ(queue.take_all().size(), 4u);
    EXPECT_EQ(queue.queued(), 0u);
    EXPECT_FALSE(queue.pop());
}

}  // namespace
}  // namespace wmsgate::wms
