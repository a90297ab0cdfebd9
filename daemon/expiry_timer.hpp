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
    using NextAfter =
        std::function<std::optional<provisioning::Seconds>(provisioning::Seconds after)>;
    using Expire = std::function<void(provisioning::Seconds after, provisioning::Seconds upto)>;

    ExpiryTimer(boost::asio::io_context& io, NextAfter next_after, Expire expire,
                std::chrono::seconds max_wait = std::chrono::seconds(60));

    // Expiries up to now count as handled (start-up's reconcile left expired
    // peers off the device); waits for the next one.
    void start();
    // Call after any change that may move the next expiry.
    void rearm();
    void stop();

  private:
    void fire();

    boost::asio::steady_timer timer_;
    NextAfter next_after_;
    Expire expire_;
    std::chrono::seconds max_wait_;
    provisioning::Seconds handled_upto_{};
    bool running_ = false;
};

}  // namespace wmsgate::daemon
