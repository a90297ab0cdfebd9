#include "daemon/wireguard_go_watch.hpp"

namespace wmsgate::daemon {

WireguardGoWatch::WireguardGoWatch(boost::asio::io_context& io, netcfg::WireguardGo& process,
                                   const Log& log, std::string interface,
                                   std::function<void()> restarted)
    : timer_(io),
      process_(process),
      log_(log),
      interface_(std::move(interface)),
      restarted_(std::move(restarted)) {}

void WireguardGoWatch::start() {
    timer_.expires_after(std::chrono::seconds(1));
    timer_.async_wait([this](boost::system::error_code ec) {
        if (ec) return;
        check();
        start();
    });
}

void WireguardGoWatch::check() {
    if (process_.running()) return;
    log_.warning("wireguard-go exited; restarting it", {{"INTERFACE", interface_}});
    if (auto restarted = process_.restart(); !restarted) {
        log_.error("cannot restart wireguard-go", {{"ERROR", restarted.error().message()}});
        return;
    }
    restarted_();
}

}  // namespace wmsgate::daemon
