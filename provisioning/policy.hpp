#pragma once

#include <boost/asio/ip/address.hpp>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "provisioning/peer.hpp"

namespace wmsgate::provisioning {

// group name -> layer names, from the config.
using GroupLayers = std::map<std::string, std::set<std::string>>;

// Names an area; what it stands for is the caller's business (the daemon
// keeps the geometry), so the policy stays free of maps.
using AreaKey = std::string;
// group name -> layer name -> the area the group limits that layer to. A
// layer a group grants without an entry here is granted whole.
using GroupAreas = std::map<std::string, std::map<std::string, AreaKey>>;

struct PeerAccess {
    std::string peer;
    std::set<std::string> layers;
    // The peer's groups, defined in the config or not (the metrics group
    // is asked for here, so /metrics needs no registry read).
    std::set<std::string> groups;
    // The layers seen only inside areas, each with the areas whose union it
    // is seen in. A layer any grant gives whole (a direct grant, a group
    // without an area for it) is not here.
    std::map<std::string, std::set<AreaKey>> areas;
};

// Immutable: address -> peer -> visible layers. A change makes a new
// snapshot (built whole at start-up, copied with a few peers changed after
// that), which the daemon swaps in, so readers never lock.
class PolicySnapshot {
  public:
    PolicySnapshot() = default;
    // Disabled and revoked peers are left out: their addresses are nobody's.
    // A peer's layers are its groups' layers plus its direct grants.
    PolicySnapshot(const std::vector<Peer>& peers, const GroupLayers& groups,
                   const GroupAreas& areas = {});

    // A copy in which `changed` are as given: every entry naming one of them
    // is dropped, and the ones in service are entered anew. Costs one pass
    // over the snapshot; the entries of other peers are shared, not copied.
    PolicySnapshot with(const std::vector<Peer>& changed, const GroupLayers& groups,
                        const GroupAreas& areas = {}) const;

    // nullopt for an address that belongs to no peer, or to one whose expiry
    // is at or before `now`: expiry takes effect on the next request even
    // before the daemon's expiry timer has rebuilt the snapshot.
    std::optional<PeerAccess> lookup(const boost::asio::ip::address& remote,
                                     Clock::time_point now) const;
    std::optional<PeerAccess> lookup(const boost::asio::ip::address& remote) const {
        return lookup(remote, Clock::now());
    }

    // How many peers are in service at `now` (not expired; disabled and
    // revoked ones are not in the snapshot at all). One pass.
    std::size_t peers_in_service(Clock::time_point now) const;

  private:
    struct Entry {
        PeerAccess access;
        std::optional<Seconds> expires;
    };
    using Slot = std::pair<boost::asio::ip::address, std::shared_ptr<const Entry>>;

    static void enter(const Peer& peer, const GroupLayers& groups, const GroupAreas& areas,
                      std::vector<Slot>& out);

    // Sorted by address, each address once.
    std::vector<Slot> by_address_;
};

}  // namespace wmsgate::provisioning
