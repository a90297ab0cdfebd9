#include "daemon/expiry_timer.hpp"

namespace wmsgate::daemon {

ExpiryTimer::ExpiryTimer(boost::asio::io_context& io, NextAfter next_after, Expire expire,
                         std::chrono::seconds max_wait, WallClock wall_clock)
    : timer_(io),
      next_after_(std::move(next_after)),
      expire_(std::move(expire)),
      max_wait_(max_wait),
      wall_clock_(std::move(wall_clock)) {}

provisioning::Seconds ExpiryTimer::now_seconds() const {
    return std::chrono::time_point_cast<std::chrono::seconds>(wall_clock_());
}

void ExpiryTimer::start(provisioning::Seconds handled_upto) {
    running_ = true;
    handled_upto_ = handled_upto;
    rearm();
}

void ExpiryTimer::stop() {
    running_ = false;
    timer_.cancel();
}

void ExpiryTimer::rearm() {
    if (!running_) return;
    const auto next = next_after_(handled_upto_);
    auto wait = std::chrono::duration_cast<std::chrono::steady_clock::duration>(max_wait_);
    if (next) {
        // Expiries are whole seconds; the wait ends at that second, not before.
        const auto until = *next - wall_clock_();
        wait = std::max(
            std::chrono::steady_clock::duration::zero(),
            std::min(wait, std::chrono::duration_cast<std::chrono::steady_clock::duration>(until)));
    }
    timer_.expires_after(wait);
    timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) fire();
    });
}

void ExpiryTimer::fire() {
    const auto now = now_seconds();
    // A wall clock set back makes `now` earlier than what was handled; the
    // peers in between were handled already.
    if (now > handled_upto_) {
        const auto after = handled_upto_;
        handled_upto_ = now;
        expire_(after, now);
    }
    rearm();
}

}  // namespace wmsgate::daemon
