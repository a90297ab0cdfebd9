#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "netcfg/wg_device.hpp"
#include "provisioning/peer.hpp"

namespace wmsgate::daemon {

// A peer as control replies describe it (no key but the public one). Times
// are ISO 8601 UTC strings, null when absent.
nlohmann::json peer_json(const provisioning::Peer& peer, provisioning::Clock::time_point now);

nlohmann::json audit_json(const provisioning::AuditEntry& entry);

// The device's view of a registry peer: exactly its own host addresses as
// allowed IPs, which is what makes the source address an identity.
netcfg::WgPeer device_peer(const provisioning::Peer& peer);
// Only the peers that may use the tunnel now.
std::vector<netcfg::WgPeer> device_peers(const std::vector<provisioning::Peer>& peers,
                                         provisioning::Clock::time_point now);

}  // namespace wmsgate::daemon
