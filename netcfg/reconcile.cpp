#include "netcfg/reconcile.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "netcfg/endpoint.hpp"

namespace wmsgate::netcfg {
namespace {

// Devices store allowed IPs with host bits cleared ("10.0.0.5/24" reads back
// as "10.0.0.0/24"), so compare networks, or a diff would never converge.
std::vector<IpPrefix> normalized(const std::vector<IpPrefix>& prefixes) {
    std::vector<IpPrefix> out;
    out.reserve(prefixes.size());
    for (const auto& p : prefixes) out.push_back(p.network());
    const auto less = [](const IpPrefix& a, const IpPrefix& b) {
        return std::tie(a.address, a.length) < std::tie(b.address, b.length);
    };
    std::sort(out.begin(), out.end(), less);
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// Compares endpoints by meaning ("[::0001]:1" is "[::1]:1"), falling back to
// the text when one does not parse.
bool same_endpoint(const std::string& a, const std::string& b) {
    const auto pa = Endpoint::parse(a);
    const auto pb = Endpoint::parse(b);
    if (pa && pb) return *pa == *pb;
    return a == b;
}

bool same_preshared_key(const std::optional<SecretKey>& a, const std::optional<SecretKey>& b) {
    if (a.has_value() != b.has_value()) return false;
    return !a || *a == *b;
}

bool needs_update(const WgPeer& want, const WgPeer& have) {
    if (!same_preshared_key(want.preshared_key, have.preshared_key)) return true;
    if (want.persistent_keepalive != have.persistent_keepalive) return true;
    // The protocol cannot unset an endpoint, and a roaming peer's endpoint is
    // learnt by the device: only a stated one is enforced.
    if (want.endpoint && (!have.endpoint || !same_endpoint(*want.endpoint, *have.endpoint)))
        return true;
    return normalized(want.allowed_ips) != normalized(have.allowed_ips);
}

}  // namespace

std::vector<PeerUpdate> reconcile(const std::vector<WgPeer>& desired,
                                  const std::vector<WgPeer>& actual) {
    std::map<PublicKey, const WgPeer*> wanted;
    for (const auto& peer : desired) wanted.emplace(peer.public_key, &peer);
    std::map<PublicKey, const WgPeer*> present;
    for (const auto& peer : actual) present.emplace(peer.public_key, &peer);

    std::vector<PeerUpdate> changes;
    for (const auto& peer : actual) {
        if (!wanted.contains(peer.public_key)) {
            PeerUpdate removal{.kind = PeerUpdate::Kind::remove, .peer = {}};
            removal.peer.public_key = peer.public_key;
            changes.push_back(std::move(removal));
        }
    }
    for (const auto& peer : desired) {
        const auto it = present.find(peer.public_key);
        if (it == present.end() || needs_update(peer, *it->second))
            changes.push_back({.kind = PeerUpdate::Kind::upsert, .peer = peer});
    }
    return changes;
}

}  // namespace wmsgate::netcfg
