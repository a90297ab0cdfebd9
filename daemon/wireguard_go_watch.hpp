#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <string>

#include "daemon/log.hpp"
#include "netcfg/wireguard_go.hpp"

namespace wmsgate::daemon {

// A wireguard-go the daemon started is a child it depends on: checked every
// second, started again when it exited, and then `restarted` runs, which
// must re-apply the whole configuration (a new wireguard-go starts empty,
// on a new tunnel device). The kernel backend and an adopted wireguard-go
// need no watch.
class WireguardGoWatch {
  public:
    WireguardGoWatch(boost::asio::io_context& io, netcfg::WireguardGo& process, const Log& log,
                     std::string interface, std::function<void()> restarted);

    void start();
    void stop() { timer_.cancel(); }

  private:
    void check();

    boost::asio::steady_timer timer_;
    netcfg::WireguardGo& process_;
    const Log& log_;
    std::string interface_;
    std::function<void()> restarted_;
};

}  // namespace wmsgate::daemon
