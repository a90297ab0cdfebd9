#include "provisioning/policy.hpp"

#include <algorithm>
#include <iterator>
#include <string_view>

namespace wmsgate::provisioning {
namespace ip = boost::asio::ip;
namespace {

// Slots are (address, entry) pairs, ordered by address alone.
template <typename Slot>
bool address_less(const Slot& a, const Slot& b) {
    return a.first < b.first;
}

// Of each run of slots with one address, keeps the first. Two peers never
// claim one address (the registry's UNIQUE constraints rule it out); this
// only keeps the snapshot well-formed should they.
template <typename Slot>
void drop_repeated(std::vector<Slot>& slots) {
    const auto same = [](const Slot& a, const Slot& b) { return a.first == b.first; };
    slots.erase(std::unique(slots.begin(), slots.end(), same), slots.end());
}

template <typename Slot>
void sort_unique(std::vector<Slot>& slots) {
    std::stable_sort(slots.begin(), slots.end(), address_less<Slot>);
    drop_repeated(slots);
}

}  // namespace

void PolicySnapshot::enter(const Peer& peer, const GroupLayers& groups, const GroupAreas& areas,
                           std::vector<Slot>& out) {
    if (peer.revoked || peer.disabled) return;
    auto entry = std::make_shared<Entry>();
    entry->access.peer = peer.name;
    entry->access.groups.insert(peer.groups.begin(), peer.groups.end());
    entry->expires = peer.expires;
    std::set<std::string>& whole = entry->access.layers;
    whole.insert(peer.layers.begin(), peer.layers.end());
    std::map<std::string, std::set<AreaKey>> limited;
    for (const auto& group : peer.groups) {
        // A group the config no longer defines grants nothing; the peer
        // keeps its membership in case the group comes back.
        const auto it = groups.find(group);
        if (it == groups.end()) continue;
        const auto limits = areas.find(group);
        for (const auto& layer : it->second) {
            const AreaKey* area = nullptr;
            if (limits != areas.end())
                if (const auto found = limits->second.find(layer); found != limits->second.end())
                    area = &found->second;
            if (area) {
                limited[layer].insert(*area);
            } else {
                whole.insert(layer);
            }
        }
    }
    // Seen whole through any grant: the areas of the others add nothing.
    for (auto& [layer, keys] : limited) {
        if (whole.contains(layer)) continue;
        entry->access.areas.emplace(layer, std::move(keys));
    }
    for (const auto& [layer, keys] : entry->access.areas) whole.insert(layer);
    out.emplace_back(ip::address(peer.ipv4), entry);
    if (peer.ipv6) out.emplace_back(ip::address(*peer.ipv6), std::move(entry));
}

PolicySnapshot::PolicySnapshot(const std::vector<Peer>& peers, const GroupLayers& groups,
                               const GroupAreas& areas) {
    by_address_.reserve(peers.size());
    for (const auto& peer : peers) enter(peer, groups, areas, by_address_);
    sort_unique(by_address_);
}

PolicySnapshot PolicySnapshot::with(const std::vector<Peer>& changed, const GroupLayers& groups,
                                    const GroupAreas& areas) const {
    // Usually one name: a sorted list is cheaper to ask than a hash set.
    std::vector<std::string_view> names;
    names.reserve(changed.size());
    for (const auto& peer : changed) names.emplace_back(peer.name);
    std::sort(names.begin(), names.end());
    std::vector<Slot> entered;
    for (const auto& peer : changed) enter(peer, groups, areas, entered);
    sort_unique(entered);

    // One merging pass: the old slots minus the changed peers', and the new
    // ones in order. A changed peer keeps an address over an unchanged one.
    PolicySnapshot out;
    out.by_address_.reserve(by_address_.size() + entered.size());
    auto next = entered.begin();
    for (const auto& slot : by_address_) {
        if (std::binary_search(names.begin(), names.end(), slot.second->access.peer)) continue;
        while (next != entered.end() && next->first < slot.first)
            out.by_address_.push_back(std::move(*next++));
        if (next != entered.end() && next->first == slot.first) continue;
        out.by_address_.push_back(slot);
    }
    std::move(next, entered.end(), std::back_inserter(out.by_address_));
    return out;
}

std::size_t PolicySnapshot::peers_in_service(Clock::time_point now) const {
    // Every peer has exactly one IPv4 address.
    return static_cast<std::size_t>(
        std::count_if(by_address_.begin(), by_address_.end(), [now](const Slot& slot) {
            return slot.first.is_v4() && !(slot.second->expires && *slot.second->expires <= now);
        }));
}

std::optional<PeerAccess> PolicySnapshot::lookup(const ip::address& remote,
                                                 Clock::time_point now) const {
    // A dual-stack socket reports an IPv4 client as ::ffff:a.b.c.d.
    const ip::address key = remote.is_v6() && remote.to_v6().is_v4_mapped()
                                ? ip::address(ip::make_address_v4(ip::v4_mapped, remote.to_v6()))
                                : remote;
    const auto it =
        std::lower_bound(by_address_.begin(), by_address_.end(), key,
                         [](const Slot& slot, const ip::address& a) { return slot.first < a; });
    if (it == by_address_.end() || it->first != key) return std::nullopt;
    const Entry& entry = *it->second;
    if (entry.expires && *entry.expires <= now) return std::nullopt;
    return entry.access;
}

}  // namespace wmsgate::provisioning
