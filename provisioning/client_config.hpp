#pragma once

#include <string>
#include <vector>

#include "netcfg/ip_prefix.hpp"
#include "netcfg/key.hpp"
#include "provisioning/peer.hpp"

namespace wmsgate::provisioning {

// What the client needs to know about the appliance.
struct ApplianceInfo {
    netcfg::PublicKey public_key;
    std::string endpoint;                     // "host:port" clients dial
    std::vector<netcfg::IpPrefix> addresses;  // the appliance's tunnel addresses
    std::string wms_url;                      // e.g. "http://10.77.0.1:8080/wms"
};

// A wg-quick config for `peer`. `private_key` is the client's, when the
// appliance made it; without it the PrivateKey line is a placeholder comment
// the client fills in. Only keys every official WireGuard app accepts.
std::string client_config_text(const Peer& peer, const ApplianceInfo& appliance,
                               const netcfg::SecretKey* private_key);

}  // namespace wmsgate::provisioning
