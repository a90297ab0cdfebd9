#include "provisioning/policy.hpp"

namespace wmsgate::provisioning {
namespace ip = boost::asio::ip;

PolicySnapshot::PolicySnapshot(const std::vector<Peer>& peers, const GroupLayers& groups) {
    for (const auto& peer : peers) {
        PeerAccess access{peer.name, {}};
        for (const auto& group : peer.groups) {
            // A group the config no longer defines grants nothing; the peer
            // keeps its membership in case the group comes back.
            const auto it = groups.find(group);
            if (it != groups.end()) access.layers.insert(it->second.begin(), it->second.end());
        }
        by_address_.emplace(ip::address(peer.ipv4), std::move(access));
    }
}

std::optional<PeerAccess> PolicySnapshot::lookup(const ip::address& remote) const {
    // A dual-stack socket reports an IPv4 client as ::ffff:a.b.c.d.
    const ip::address key = remote.is_v6() && remote.to_v6().is_v4_mapped()
                                ? ip::address(ip::make_address_v4(ip::v4_mapped, remote.to_v6()))
                                : remote;
    const auto it = by_address_.find(key);
    if (it == by_address_.end()) return std::nullopt;
    return it->second;
}

}  // namespace wmsgate::provisioning
