#include "netcfg/wg_backend.hpp"

#include "netcfg/errors.hpp"
#include "netcfg/interface_name.hpp"
#include "netcfg/uapi_device.hpp"
#include "netcfg/uapi_socket.hpp"
#include "netcfg/wg_kernel.hpp"

namespace wmsgate::netcfg {
namespace {

using Result = tl::expected<OpenedDevice, std::error_code>;

constexpr std::string_view kernel_kind = "wireguard";
// wireguard-go's link is an ordinary tun device; only its socket tells it apart.
constexpr std::string_view userspace_kind = "tun";

Result adopt_kernel(const std::string& ifname) {
    auto device = KernelDevice::open(ifname);
    if (!device) return tl::unexpected(device.error());
    OpenedDevice opened;
    opened.device = std::move(*device);
    opened.backend_name = "kernel";
    return opened;
}

Result create_kernel(Rtnetlink& rtnl, const std::string& ifname) {
    auto index = rtnl.create_wireguard_link(ifname);
    if (!index) return tl::unexpected(index.error());
    // Owned from here on, so a failure below removes the link again.
    auto owner_rtnl = Rtnetlink::open();
    if (!owner_rtnl) {
        rtnl.delete_link(*index);
        return tl::unexpected(owner_rtnl.error());
    }
    auto owner = std::make_unique<LinkOwner>(std::move(*owner_rtnl), *index);
    auto opened = adopt_kernel(ifname);
    if (!opened) return opened;
    opened->created = true;
    opened->link_owner = std::move(owner);
    return opened;
}

Result adopt_uapi(const std::string& ifname, const UapiSettings& settings) {
    OpenedDevice opened;
    opened.device =
        std::make_unique<UapiDevice>(ifname, settings.socket_dir, settings.socket_timeout);
    opened.backend_name = "uapi";
    return opened;
}

Result start_uapi(const std::string& ifname, const UapiSettings& settings) {
    WireguardGo::Options options;
    options.ifname = ifname;
    options.binary = settings.binary;
    options.socket_dir = settings.socket_dir;
    options.start_timeout = settings.start_timeout;
    auto process = WireguardGo::start(std::move(options));
    if (!process) return tl::unexpected(process.error());
    auto opened = adopt_uapi(ifname, settings);
    opened->wireguard_go = std::move(*process);
    opened->created = true;
    return opened;
}

bool uapi_answers(const std::string& ifname, const UapiSettings& settings) {
    return connect_uapi(uapi_socket_path(settings.socket_dir, ifname), settings.socket_timeout)
        .has_value();
}

// An existing link: adopted when it is the chosen backend's kind of
// WireGuard, refused otherwise.
Result adopt_existing(const Rtnetlink::LinkInfo& link, const std::string& ifname,
                      BackendChoice choice, const UapiSettings& settings) {
    const bool is_kernel = link.kind == kernel_kind;
    const bool is_userspace = link.kind == userspace_kind && uapi_answers(ifname, settings);
    if (!is_kernel && !is_userspace) return tl::unexpected(make_error_code(Errc::interface_taken));
    if (is_kernel && choice == BackendChoice::uapi)
        return tl::unexpected(make_error_code(Errc::backend_mismatch));
    if (is_userspace && choice == BackendChoice::kernel)
        return tl::unexpected(make_error_code(Errc::backend_mismatch));
    return is_kernel ? adopt_kernel(ifname) : adopt_uapi(ifname, settings);
}

}  // namespace

LinkOwner::~LinkOwner() {
    if (ifindex_ > 0) rtnl_.delete_link(ifindex_);
}

std::optional<BackendChoice> parse_backend_choice(std::string_view text) {
    if (text == "auto") return BackendChoice::automatic;
    if (text == "kernel") return BackendChoice::kernel;
    if (text == "uapi") return BackendChoice::uapi;
    return std::nullopt;
}

Result open_wireguard_device(const std::string& ifname, BackendChoice choice,
                             const UapiSettings& uapi) {
    if (auto ok = check_interface_name(ifname); !ok) return tl::unexpected(ok.error());
    auto rtnl = Rtnetlink::open();
    if (!rtnl) return tl::unexpected(rtnl.error());
    auto link = rtnl->link_info(ifname);
    if (link) return adopt_existing(*link, ifname, choice, uapi);
    if (link.error() != make_error_code(Errc::link_not_found)) return tl::unexpected(link.error());

    switch (choice) {
        case BackendChoice::kernel:
            return create_kernel(*rtnl, ifname);
        case BackendChoice::uapi:
            return start_uapi(ifname, uapi);
        case BackendChoice::automatic: {
            auto kernel = create_kernel(*rtnl, ifname);
            if (kernel || kernel.error() != make_error_code(Errc::kernel_wireguard_missing))
                return kernel;
            return start_uapi(ifname, uapi);
        }
    }
    return tl::unexpected(make_error_code(Errc::interface_name_invalid));  // unreachable
}

}  // namespace wmsgate::netcfg
