#pragma once

#include <boost/asio/ip/address.hpp>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "provisioning/peer.hpp"

namespace wmsgate::provisioning {

// group name -> layer names, from the config.
using GroupLayers = std::map<std::string, std::set<std::string>>;

struct PeerAccess {
    std::string peer;
    std::set<std::string> layers;
};

// Immutable: address -> peer -> visible layers. Rebuilt whole after every
// change and swapped in by the daemon, so readers never lock.
class PolicySnapshot {
  public:
    PolicySnapshot() = default;
    PolicySnapshot(const std::vector<Peer>& peers, const GroupLayers& groups);

    // nullopt for an address that belongs to no peer.
    std::optional<PeerAccess> lookup(const boost::asio::ip::address& remote) const;

  private:
    std::map<boost::asio::ip::address, PeerAccess> by_address_;
};

}  // namespace wmsgate::provisioning
