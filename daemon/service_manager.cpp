#include "daemon/service_manager.hpp"

#include <systemd/sd-daemon.h>

#include <string>

namespace wmsgate::daemon {

ServiceManager::ServiceManager(boost::asio::io_context& io) : watchdog_(io) {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0) interval_ = std::chrono::microseconds(usec);
}

void ServiceManager::ready(std::string_view status) {
    sd_notify(0, ("READY=1\nSTATUS=" + std::string(status)).c_str());
}

void ServiceManager::status(std::string_view status) {
    sd_notify(0, ("STATUS=" + std::string(status)).c_str());
}

void ServiceManager::stopping() {
    sd_notify(0, "STOPPING=1\nSTATUS=stopping");
}

void ServiceManager::reloading() {
    sd_notify(0, "RELOADING=1\nSTATUS=reloading the config");
}

void ServiceManager::start_watchdog() {
    if (interval_.count() == 0) return;
    ping();
}

void ServiceManager::ping() {
    sd_notify(0, "WATCHDOG=1");
    watchdog_.expires_after(interval_ / 2);
    watchdog_.async_wait([this](boost::system::error_code ec) {
        if (!ec) ping();
    });
}

}  // namespace wmsgate::daemon
