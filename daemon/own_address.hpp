#pragma once

#include <filesystem>
#include <string>
#include <tl/expected.hpp>
#include <vector>

#include "netcfg/ip_prefix.hpp"
#include "provisioning/peer.hpp"

namespace wmsgate::daemon {

// Refuses a registry in which a peer not revoked holds one of the appliance's
// own tunnel addresses. That happens after [interface] address is renumbered
// into the peers' range: identity is the remote address, and every process on
// the appliance connecting to the WMS would then be that peer. The error
// names the peer, the address, the config file and the fixes.
tl::expected<void, std::string> check_no_peer_holds_own_address(
    const std::vector<netcfg::IpPrefix>& own, const std::vector<provisioning::Peer>& peers,
    const std::filesystem::path& config_file);

}  // namespace wmsgate::daemon
