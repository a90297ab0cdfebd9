// ExpiryTimer on a real io_context and the steady clock, with a wall clock
// that the tests may step: the expiries it hands on, once each, across the
// start-up gap, a clock set back and a re-arm.

#include "daemon/expiry_timer.hpp"

#include <gtest/gtest.h>

#include <set>
#include <utility>
#include <vector>

namespace wmsgate::daemon {
namespace {

using provisioning::Seconds;
using namespace std::chrono_literals;

// Every deadline here is generous; what passes needs milliseconds.
constexpr auto deadline = 10s;

class ExpiryTimerTest : public ::testing::Test {
  protected:
    // The wall clock: the real one plus `offset_`, so that it moves on by
    // itself like the real one and can be stepped either way.
    provisioning::Clock::time_point wall_now() const {
        return provisioning::Clock::now() + offset_;
    }
    Seconds wall_seconds() const {
        return std::chrono::time_point_cast<std::chrono::seconds>(wall_now());
    }

    // A registry of expiry times, as Registry::next_expiry answers.
    std::optional<Seconds> next_after(Seconds after) const {
        const auto it = expiries_.upper_bound(after);
        if (it == expiries_.end()) return std::nullopt;
        return *it;
    }

    ExpiryTimer& timer(std::chrono::seconds max_wait = 60s) {
        if (!timer_) {
            timer_.emplace(
                io_, [this](Seconds after) { return next_after(after); },
                [this](Seconds after, Seconds upto) { calls_.emplace_back(after, upto); }, max_wait,
                [this] { return wall_now(); });
        }
        return *timer_;
    }

    // Runs the io_context until `count` expire calls were made or the
    // deadline passed.
    void run_until_calls(std::size_t count, std::chrono::steady_clock::duration limit = deadline) {
        const auto end = std::chrono::steady_clock::now() + limit;
        while (calls_.size() < count && std::chrono::steady_clock::now() < end) {
            io_.run_one_for(50ms);
            io_.restart();
        }
    }
    // Runs the io_context for `span`, whatever happens.
    void run_for(std::chrono::steady_clock::duration span) {
        io_.run_for(span);
        io_.restart();
    }

    // True when `expiry` lies in the span of exactly one call.
    std::size_t times_handled(Seconds expiry) const {
        std::size_t n = 0;
        for (const auto& [after, upto] : calls_) n += after < expiry && expiry <= upto;
        return n;
    }

    boost::asio::io_context io_;
    std::chrono::seconds offset_{0};
    std::set<Seconds> expiries_;
    std::vector<std::pair<Seconds, Seconds>> calls_;
    std::optional<ExpiryTimer> timer_;
};

TEST_F(ExpiryTimerTest, AnExpiryThatPassedDuringStartUpIsHandledAtOnce) {
    // The reconcile ran at t0 and left the peer expiring at t0+1 on the
    // device; start-up went on until t0+3.
    const auto t0 = wall_seconds() - 3s;
    expiries_ = {t0 + 1s};
    timer().start(t0);
    run_until_calls(1, 2s);
    ASSERT_EQ(calls_.size(), 1u);
    EXPECT_EQ(calls_[0].first, t0);
    EXPECT_EQ(times_handled(t0 + 1s), 1u);
}

TEST_F(ExpiryTimerTest, AnExpiryIsHandledWhenItsSecondComesAndNotBefore) {
    const auto start = wall_seconds();
    expiries_ = {start + 1s};
    timer().start(start);
    run_until_calls(1);
    ASSERT_EQ(calls_.size(), 1u);
    EXPECT_GE(wall_now(), start + 1s);
    EXPECT_EQ(times_handled(start + 1s), 1u);
}

TEST_F(ExpiryTimerTest, NothingIsHandledBeforeAnyExpiryComes) {
    const auto start = wall_seconds();
    expiries_ = {start + 3600s, start - 10s};
    timer().start(start);
    run_for(300ms);
    EXPECT_TRUE(calls_.empty());
}

TEST_F(ExpiryTimerTest, RearmPicksUpAnEarlierExpiry) {
    const auto start = wall_seconds();
    expiries_ = {start + 3600s};
    timer().start(start);
    run_for(200ms);
    ASSERT_TRUE(calls_.empty());
    // A peer set to expire now: without the re-arm the timer would sleep
    // for its whole 60 s cap.
    const auto soon = wall_seconds() + 1s;
    expiries_.insert(soon);
    timer().rearm();
    run_until_calls(1, 5s);
    ASSERT_EQ(calls_.size(), 1u);
    EXPECT_EQ(times_handled(soon), 1u);
    EXPECT_EQ(times_handled(start + 3600s), 0u);
}

TEST_F(ExpiryTimerTest, AClockSetBackHandlesNothingTwiceAndNothingBackwards) {
    // Handled up to now; then the clock goes back 100 s. The 1 s cap makes
    // the timer look at the clock again soon.
    const auto start = wall_seconds();
    expiries_ = {start - 50s, start + 2s};
    timer(1s).start(start);
    offset_ = -100s;
    run_for(2500ms);
    EXPECT_TRUE(calls_.empty()) << "after " << calls_.size() << " calls, the first ("
                                << calls_[0].first.time_since_epoch().count() << ", "
                                << calls_[0].second.time_since_epoch().count() << "]";
    // The clock comes back past the next expiry: that one is handled,
    // the one 50 s before the start (handled before the step) is not.
    offset_ = 5s;
    run_until_calls(1);
    ASSERT_EQ(calls_.size(), 1u);
    EXPECT_EQ(calls_[0].first, start);
    EXPECT_EQ(times_handled(start + 2s), 1u);
    EXPECT_EQ(times_handled(start - 50s), 0u);
}

TEST_F(ExpiryTimerTest, AClockSetForwardHandlesWhatItSkippedOnTheNextWake) {
    const auto start = wall_seconds();
    expiries_ = {start + 1800s};
    timer(1s).start(start);
    offset_ = 3600s;
    run_until_calls(1);
    ASSERT_EQ(calls_.size(), 1u);
    EXPECT_EQ(times_handled(start + 1800s), 1u);
}

TEST_F(ExpiryTimerTest, EachExpiryIsHandledOnceOverManyWakes) {
    const auto start = wall_seconds();
    expiries_ = {start + 1s, start + 2s};
    timer(1s).start(start);
    run_until_calls(2);
    run_for(1500ms);
    EXPECT_EQ(times_handled(start + 1s), 1u);
    EXPECT_EQ(times_handled(start + 2s), 1u);
    for (const auto& [after, upto] : calls_) EXPECT_LT(after, upto);
}

TEST_F(ExpiryTimerTest, AStoppedTimerHandlesNothingAndIgnoresRearm) {
    const auto start = wall_seconds();
    expiries_ = {start + 1s};
    timer().start(start);
    timer().stop();
    timer().rearm();
    run_for(2500ms);
    EXPECT_TRUE(calls_.empty());
}

}  // namespace
}  // namespace wmsgate::daemon
