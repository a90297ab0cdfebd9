#include "provisioning/policy.hpp"

namespace wmsgate::provisioning {
namespace ip = boost::asio::ip;

PolicySnapshot::PolicySnapshot(const std::vector<Peer>& peers, const GroupLayers& groups) {
    for (const auto& peer : peers) {
        if (peer.revoked || peer.disabled) continue;
        Entry entry{{peer.name, {peer.layers.begin(), peer.layers.end()}}, peer.expires};
        for (const auto& group : peer.groups) {
            // A group the config no longer defines grants nothing; the peer
            // keeps its membership in case the group comes back.
            const auto it = groups.find(group);
            if (it != groups.end())
                entry.access.layers.insert(it->second.begin(), it->second.end());
        }
        if (peer.ipv6) by_address_.emplace(ip::address(*peer.ipv6), entry);
        by_address_.emplace(ip::address(peer.ipv4), std::move(entry));
    }
}

std::optional<PeerAccess> PolicySnapshot::lookup(const ip::address& remote,
                                                 Clock::time_point now) const {
    // A dual-stack socket reports an IPv4 client as ::ffff:a.b.c.d.
    const ip::address key = remote.is_v6() && remote.to_v6().is_v4_mapped()
                                ? ip::address(ip::make_address_v4(ip::v4_mapped, remote.to_v6()))
                                : remote;
    const auto it = by_address_.find(key);
    if (it == by_address_.end()) return std::nullopt;
    if (it->second.expires && *it->second.expires <= now) return std::nullopt;
    return it->second.access;
}

}  // namespace wmsgate::provisioning
