#pragma once

#include <set>
#include <string>
#include <vector>

#include "daemon/config.hpp"
#include "provisioning/peer.hpp"

namespace wmsgate::daemon {

// The keys that differ between the running config and a new one but only
// take effect at a restart: the tunnel, the listening socket, the state
// and control paths. A reload that changes any of them is refused whole,
// so the daemon never runs a mix of two configs. Empty: the new config can
// be applied live.
std::vector<std::string> keys_needing_restart(const Config& running, const Config& next);

// Groups and layers that peers hold but `config` no longer defines. Peers
// keep them when the config drops one; until the config names them again
// they grant nothing, which the admin should hear about.
struct DanglingGrants {
    std::set<std::string> groups;
    std::set<std::string> layers;
    bool empty() const { return groups.empty() && layers.empty(); }
};
DanglingGrants dangling_grants(const std::vector<provisioning::Peer>& peers, const Config& config);

}  // namespace wmsgate::daemon
