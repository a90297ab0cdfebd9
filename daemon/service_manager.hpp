#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <string_view>

namespace wmsgate::daemon {

// What the daemon tells systemd (sd_notify). Without NOTIFY_SOCKET every
// call does nothing, so the daemon runs the same outside systemd.
class ServiceManager {
  public:
    explicit ServiceManager(boost::asio::io_context& io);

    void ready(std::string_view status);
    void status(std::string_view status);
    void stopping();
    // Before a reload; ready() tells systemd it is done.
    void reloading();

    // With WatchdogSec= set, pings WATCHDOG=1 at half the interval from the
    // io_context's own loop: if the loop is stuck, the pings stop and
    // systemd restarts the service.
    void start_watchdog();
    void stop_watchdog() { watchdog_.cancel(); }
    std::chrono::microseconds watchdog_interval() const { return interval_; }

  private:
    void ping();

    boost::asio::steady_timer watchdog_;
    std::chrono::microseconds interval_{0};
};

}  // namespace wmsgate::daemon
