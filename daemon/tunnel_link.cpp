#include "daemon/tunnel_link.hpp"

#include <algorithm>

#include "netcfg/rtnetlink.hpp"

namespace wmsgate::daemon {

tl::expected<netcfg::OpenedDevice, StartupError> open_tunnel_device(const std::string& name,
                                                                    netcfg::BackendChoice backend,
                                                                    const Log& log) {
    auto opened = netcfg::open_wireguard_device(name, backend);
    if (!opened) return startup_failure("interface " + name + ": " + opened.error().message());
    if (!opened->created && opened->backend_name == "kernel") {
        auto rtnl = netcfg::Rtnetlink::open();
        if (!rtnl) return startup_failure("rtnetlink: " + rtnl.error().message());
        auto index = rtnl->link_index(name);
        if (!index) return startup_failure("interface " + name + ": " + index.error().message());
        opened->link_owner = std::make_unique<netcfg::LinkOwner>(std::move(*rtnl), *index);
    }
    log.info("opened WireGuard device", {{"INTERFACE", name},
                                         {"BACKEND", opened->backend_name},
                                         {"CREATED", opened->created ? "yes" : "no"}});
    return std::move(*opened);
}

tl::expected<void, StartupError> converge_addresses(const std::string& name,
                                                    const std::vector<netcfg::IpPrefix>& wanted) {
    auto rtnl = netcfg::Rtnetlink::open();
    if (!rtnl) return startup_failure("rtnetlink: " + rtnl.error().message());
    auto index = rtnl->link_index(name);
    if (!index) return startup_failure("interface " + name + ": " + index.error().message());
    auto present = rtnl->addresses(*index);
    if (!present) return startup_failure("interface " + name + ": " + present.error().message());
    for (const auto& prefix : *present) {
        const bool link_local = prefix.address.is_v6() && prefix.address.to_v6().is_link_local();
        if (link_local || std::find(wanted.begin(), wanted.end(), prefix) != wanted.end()) continue;
        if (auto ok = rtnl->remove_address(*index, prefix); !ok) {
            return startup_failure("interface " + name + ": removing " + prefix.to_string() + ": " +
                                   ok.error().message());
        }
    }
    for (const auto& prefix : wanted) {
        if (auto ok = rtnl->add_address(*index, prefix); !ok) {
            return startup_failure("interface " + name + ": adding " + prefix.to_string() + ": " +
                                   ok.error().message());
        }
    }
    if (auto ok = rtnl->set_link_up(*index); !ok) {
        return startup_failure("interface " + name + ": setting it up: " + ok.error().message());
    }
    return {};
}

}  // namespace wmsgate::daemon
