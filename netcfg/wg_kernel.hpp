#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "netcfg/netlink_socket.hpp"
#include "netcfg/wg_device.hpp"

namespace wmsgate::netcfg {

// The kernel backend: WireGuard's generic netlink family, through libmnl, in
// the network namespace of the thread that called open(). The link itself is
// made elsewhere (Rtnetlink::create_link, or open_wireguard_device).
class KernelDevice final : public WgDevice {
  public:
    // Resolves the "wireguard" family. Errc::kernel_wireguard_missing when
    // the kernel has none; interface_name_invalid for a bad name.
    static tl::expected<std::unique_ptr<KernelDevice>, std::error_code> open(std::string ifname);

    const std::string& interface_name() const override { return ifname_; }
    // Retries a dump the kernel flagged as interrupted a few times, then
    // gives Errc::netlink_dump_interrupted.
    tl::expected<WgDeviceState, std::error_code> get() override;
    // An empty update does no I/O. A large one goes out as several messages
    // (see encode_set_device); a failure part way leaves the earlier ones
    // applied, so read back with get().
    tl::expected<void, std::error_code> apply(const DeviceUpdate& update) override;

    // The kernel's own words about the last failure ("Unknown device type",
    // ...), for the caller's log line; empty when it gave none.
    const std::string& last_kernel_message() const { return socket_.last_error_text(); }

  private:
    KernelDevice(std::string ifname, NetlinkSocket socket, std::uint16_t family_id)
        : ifname_(std::move(ifname)), socket_(std::move(socket)), family_id_(family_id) {}

    std::string ifname_;
    NetlinkSocket socket_;
    std::uint16_t family_id_;
};

}  // namespace wmsgate::netcfg
