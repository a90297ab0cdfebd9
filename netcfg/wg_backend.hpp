#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>

#include "netcfg/backend_choice.hpp"
#include "netcfg/rtnetlink.hpp"
#include "netcfg/wg_device.hpp"
#include "netcfg/wireguard_go.hpp"

namespace wmsgate::netcfg {

// How to run wireguard-go when the uapi backend needs one started.
struct UapiSettings {
    std::string binary = "wireguard-go";
    std::filesystem::path socket_dir = "/var/run/wireguard";
    std::chrono::milliseconds start_timeout{30000};
    std::chrono::milliseconds socket_timeout{3000};
};

// Deletes a link when destroyed, unless released: the kernel WireGuard link
// open_wireguard_device created, so that it goes away with its user just as
// wireguard-go's link goes away with wireguard-go.
class LinkOwner {
  public:
    LinkOwner(Rtnetlink rtnl, int ifindex) : rtnl_(std::move(rtnl)), ifindex_(ifindex) {}
    LinkOwner(const LinkOwner&) = delete;
    LinkOwner& operator=(const LinkOwner&) = delete;
    ~LinkOwner();
    // Keeps the link after all.
    void release() { ifindex_ = 0; }

  private:
    Rtnetlink rtnl_;
    int ifindex_;
};

// An open device and whatever keeps it alive. Destroying it stops a
// wireguard-go it started and deletes a kernel link it created (each of which
// takes the link's addresses and peers with it); an adopted device is left as
// it was.
struct OpenedDevice {
    std::unique_ptr<WgDevice> device;
    // The wireguard-go we started; null for the kernel backend and for an
    // adopted wireguard-go. Supervise it with running()/restart(), then
    // re-apply the whole configuration (a restarted one starts empty).
    std::unique_ptr<WireguardGo> wireguard_go;
    // True when the link is ours (made now), false when it was adopted.
    bool created = false;
    std::string backend_name;  // "kernel" or "uapi"
    std::unique_ptr<LinkOwner> link_owner;
};

// Opens the WireGuard device `ifname` in the calling thread's network
// namespace, adopting one that exists or creating it:
// - kernel: a link of kind "wireguard" is adopted; otherwise one is created
//   through rtnetlink. Errc::kernel_wireguard_missing when the kernel has no
//   WireGuard.
// - uapi: a tun link whose UAPI socket answers in socket_dir is adopted (a
//   wireguard-go someone else runs); otherwise wireguard-go is started.
// - automatic: adopts either kind; otherwise tries to create a kernel link
//   and, when the kernel does not know the kind, starts wireguard-go.
// Any other link of that name is Errc::interface_taken; a WireGuard link of the
// other backend under kernel/uapi is Errc::backend_mismatch. Also
// interface_name_invalid, netlink_failed (no CAP_NET_ADMIN),
// wireguard_go_missing, wireguard_go_failed.
tl::expected<OpenedDevice, std::error_code> open_wireguard_device(const std::string& ifname,
                                                                  BackendChoice choice,
                                                                  const UapiSettings& uapi = {});

}  // namespace wmsgate::netcfg
