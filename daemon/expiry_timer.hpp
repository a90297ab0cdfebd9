#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <optional>

#include "provisioning/peer.hpp"

namespace wmsgate::daemon {

// Wakes the daemon when the next peer expires. The expiry itself is a wall
// clock time; the wait is on the steady clock, capped so that a wall clock
// that jumps is noticed within `max_wait`.
class ExpiryTimer {
  public:
    // `next_after(t)`: the earliest expiry later than t, if any.
    // `expire(after, upto)`: handle the expiries in (after, upto].
    // `wall_clock()`: the time now (the registry's clock; tests step it).
    using NextAfter =
        std::function<std::optional<provisioning::Seconds>(provisioning::Seconds after)>;
    using Expire = std::function<void(provisioning::Seconds after, provisioning::Seconds upto)>;
    using WallClock = std::function<provisioning::Clock::time_point()>;

    ExpiryTimer(boost::asio::io_context& io, NextAfter next_after, Expire expire,
                std::chrono::seconds max_wait = std::chrono::seconds(60),
                WallClock wall_clock = &provisioning::Clock::now);

    // Expiries up to `handled_upto` count as handled: start-up's reconcile,
    // made at that time, left the peers expired by then off the device.
    // Those expiring later, also the ones that passed while the rest of
    // start-up ran, are the timer's: its first wake handles them at once.
    void start(provisioning::Seconds handled_upto);
    // Call after any change that may move the next expiry.
    void rearm();
    void stop();

  private:
    void fire();
    provisioning::Seconds now_seconds() const;

    boost::asio::steady_timer timer_;
    NextAfter next_after_;
    Expire expire_;
    std::chrono::seconds max_wait_;
    WallClock wall_clock_;
    provisioning::Seconds handled_upto_{};
    bool running_ = false;
};

}  // namespace wmsgate::daemon
