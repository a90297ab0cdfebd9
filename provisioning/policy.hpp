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
    // Disabled and revoked peers are left out: their addresses are nobody's.
    // A peer's layers are its groups' layers plus its direct grants.
    PolicySnapshot(const std::vector<Peer>& peers, const GroupLayers& groups);

    // nullopt for an address that belongs to no peer, or to one whose expiry
    // is at or before `now`: expiry takes effect on the next request even
    // before the daemon's expiry timer has rebuilt the snapshot.
    std::optional<PeerAccess> lookup(const boost::asio::ip::address& remote,
                                     Clock::time_point now) const;
    std::optional<PeerAccess> lookup(const boost::asio::ip::address& remote) const {
        return lookup(remote, Clock::now());
    }

  private:
    struct Entry {
        PeerAccess access;
        std::optional<Seconds> expires;
    };
    std::map<boost::asio::ip::address, Entry> by_address_;
};

}  // namespace wmsgate::provisioning
