#include "wms/connection_limits.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "wms/refusal_tally.hpp"

namespace wmsgate::wms {
namespace {

TEST(ConnectionLimits, PerClientCapRefusesOnlyThatClient) {
    ConnectionLimits limits(10, 2);
    std::vector<ConnectionLimits::Slot> held;
    for (int i = 0; i < 2; ++i) {
        auto slot = limits.acquire("mallory");
        ASSERT_TRUE(slot);
        held.push_back(std::move(*slot));
    }
    const auto third = limits.acquire("mallory");
    ASSERT_FALSE(third);
    EXPECT_EQ(third.error(), Refusal::client_limit);
    EXPECT_TRUE(limits.acquire("alice"));
    EXPECT_EQ(limits.open("mallory"), 2u);
}

TEST(ConnectionLimits, TotalCapRefusesEveryone) {
    ConnectionLimits limits(3, 2);
    std::vector<ConnectionLimits::Slot> held;
    for (const char* client : {"a", "b", "c"}) {
        auto slot = limits.acquire(client);
        ASSERT_TRUE(slot);
        held.push_back(std::move(*slot));
    }
    const auto refused = limits.acquire("d");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error(), Refusal::total_limit);
}

TEST(ConnectionLimits, ASlotGivesItsPlaceBackWhenDestroyed) {
    ConnectionLimits limits(1, 1);
    {
        auto slot = limits.acquire("alice");
        ASSERT_TRUE(slot);
        auto moved = std::move(*slot);  // moving does not count twice
        EXPECT_EQ(limits.open(), 1u);
        EXPECT_FALSE(limits.acquire("alice"));
    }
    EXPECT_EQ(limits.open(), 0u);
    EXPECT_EQ(limits.open("alice"), 0u);
    EXPECT_TRUE(limits.acquire("alice"));
}

TEST(RefusalTally, SummarisesAndStartsAfresh) {
    RefusalTally tally;
    for (int i = 0; i < 5; ++i) tally.count(Refusal::client_limit, "mallory");
    tally.count(Refusal::client_limit, "bob");
    tally.count(Refusal::total_limit, "bob");
    tally.count(Refusal::unknown_client, {});
    tally.count_accept_failure();
    const auto summary = tally.take();
    EXPECT_EQ(summary.client_limit, 6u);
    EXPECT_EQ(summary.total_limit, 1u);
    EXPECT_EQ(summary.unknown_client, 1u);
    EXPECT_EQ(summary.accept_failed, 1u);
    EXPECT_EQ(summary.top_client, "mallory");
    EXPECT_EQ(summary.top_client_refused, 5u);
    EXPECT_TRUE(any_refused(summary));
    EXPECT_FALSE(any_refused(tally.take()));
}

}  // namespace
}  // namespace wmsgate::wms
