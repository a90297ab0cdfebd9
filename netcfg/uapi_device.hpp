#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "netcfg/wg_device.hpp"

namespace wmsgate::netcfg {

// The userspace backend: talks the UAPI text protocol to wireguard-go (or any
// implementation of it) on socket_dir/<ifname>.sock. One connection per call,
// as the wg tool does; every send and receive gives up after `timeout`.
class UapiDevice final : public WgDevice {
  public:
    explicit UapiDevice(std::string ifname, std::filesystem::path socket_dir = "/var/run/wireguard",
                        std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));

    const std::string& interface_name() const override { return ifname_; }
    tl::expected<WgDeviceState, std::error_code> get() override;
    // An empty update does no I/O at all. A rejected update may have been
    // applied in part (the protocol has no transactions); read back with get().
    tl::expected<void, std::error_code> apply(const DeviceUpdate& update) override;

  private:
    // Sends one request and returns the reply text.
    tl::expected<std::string, std::error_code> exchange(std::string_view request);

    std::string ifname_;
    std::filesystem::path socket_dir_;
    std::chrono::milliseconds timeout_;
};

}  // namespace wmsgate::netcfg
