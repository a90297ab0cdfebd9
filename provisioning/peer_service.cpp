#include "provisioning/peer_service.hpp"

#include <random>

#include "provisioning/errors.hpp"
#include "provisioning/expiry.hpp"
#include "provisioning/join.hpp"

namespace wmsgate::provisioning {
namespace {

using Fail = tl::unexpected<PeerError>;

Fail registry_error(std::error_code code) {
    return Fail(PeerError{PeerError::Stage::registry, code});
}

Seconds now_seconds() {
    return std::chrono::time_point_cast<std::chrono::seconds>(Clock::now());
}

std::vector<boost::asio::ip::address> addresses_of(const Peer& peer) {
    std::vector<boost::asio::ip::address> out{peer.ipv4};
    if (peer.ipv6) out.emplace_back(*peer.ipv6);
    return out;
}

std::string expiry_text(const std::optional<Seconds>& expires) {
    return expires ? format_utc(*expires) : "never";
}

// The audit line of an add: everything but the keys themselves.
std::string add_details(const NewPeer& peer) {
    return "groups=" + joined(peer.groups) + " layers=" + joined(peer.layers) +
           " expires=" + expiry_text(peer.expires) + " key=" + to_string(peer.key_origin);
}

std::string change_details(const PeerChange& change) {
    std::string details;
    if (change.groups) details += "groups=" + joined(*change.groups) + " ";
    if (change.layers) details += "layers=" + joined(*change.layers) + " ";
    if (change.expires) details += "expires=" + expiry_text(*change.expires);
    return details;
}

}  // namespace

netcfg::WgPeer device_peer(const Peer& peer) {
    netcfg::WgPeer out;
    out.public_key = peer.public_key;
    out.preshared_key = peer.preshared_key;
    out.allowed_ips = {netcfg::IpPrefix::host(peer.ipv4)};
    if (peer.ipv6) out.allowed_ips.push_back(netcfg::IpPrefix::host(*peer.ipv6));
    return out;
}

std::vector<netcfg::WgPeer> device_peers(const std::vector<Peer>& peers, Clock::time_point now) {
    std::vector<netcfg::WgPeer> out;
    out.reserve(peers.size());
    for (const auto& peer : peers)
        if (peer.state(now) == PeerState::active) out.push_back(device_peer(peer));
    return out;
}

PeerService::PeerService(Registry& registry, netcfg::WgDevice& device,
                         const std::vector<netcfg::IpPrefix>& tunnel_prefixes)
    : registry_(registry), device_(device), tunnel_prefixes_(tunnel_prefixes) {}

tl::expected<PeerAdded, PeerError> PeerService::add(const PeerRequest& request,
                                                    std::int64_t caller_uid) {
    NewPeer peer;
    peer.name = request.name;
    peer.groups = request.groups;
    peer.layers = request.layers;
    peer.expires = request.expires;
    std::optional<netcfg::SecretKey> private_key;
    if (request.client_key) {
        peer.public_key = *request.client_key;
        peer.key_origin = KeyOrigin::client;
    } else {
        private_key = netcfg::SecretKey::generate_private();
        peer.public_key = private_key->public_key();
        peer.key_origin = KeyOrigin::appliance;
    }
    if (request.preshared_key == PeerRequest::PresharedKey::make)
        peer.preshared_key = netcfg::SecretKey::generate_preshared();

    // Several appliances sharing a registry each keep a pool; the registry's
    // UNIQUE constraint decides who gets an address, the loser reads the
    // taken addresses again. Lowest-free-first would then send the loser
    // after the very address the winner's next add takes, and the winner,
    // with no rereading to do, is faster every time; so a retry skips a
    // random number of free addresses, more the more often it lost.
    constexpr int address_attempts = 16;
    thread_local std::minstd_rand spread(std::random_device{}());
    AddressPool* pool = nullptr;
    std::optional<PeerAddresses> addresses;
    tl::expected<Peer, std::error_code> added = tl::unexpected(std::error_code());
    for (int attempt = 0; attempt < address_attempts; ++attempt) {
        auto got = address_pool();
        if (!got) return registry_error(got.error());
        pool = *got;
        const auto skip = attempt == 0 ? 0u
                                       : std::uniform_int_distribution<unsigned>(
                                             0, 2 * static_cast<unsigned>(attempt))(spread);
        auto next = pool->next(skip);
        if (!next) return registry_error(next.error());
        peer.ipv4 = next->ipv4;
        peer.ipv6 = next->ipv6;
        added = registry_.add(peer, {caller_uid, add_details(peer)});
        if (added || added.error() != Errc::address_taken) {
            addresses = *next;
            break;
        }
        pool_.reset();  // the pool missed an address the registry holds: read it again
    }
    if (!added) return registry_error(added.error());
    pool->take(*addresses);

    netcfg::DeviceUpdate update;
    update.peers.push_back({netcfg::PeerUpdate::Kind::upsert, device_peer(*added)});
    if (auto applied = device_.apply(update); !applied) {
        // Without the device entry the peer could never connect: undo the
        // add, so that the admin can simply try again.
        if (registry_.remove(request.name, {caller_uid, "device refused the add"})) {
            pool->release(*addresses);
        }
        return Fail(PeerError{PeerError::Stage::device, applied.error()});
    }
    return PeerAdded{std::move(*added), std::move(private_key)};
}

tl::expected<PeerChanged, PeerError> PeerService::set(std::string_view name,
                                                      const PeerChange& change,
                                                      std::int64_t caller_uid) {
    return follow(registry_.change(name, change, {caller_uid, change_details(change)}));
}

tl::expected<PeerChanged, PeerError> PeerService::set_in_service(std::string_view name,
                                                                 InService in,
                                                                 std::int64_t caller_uid) {
    return follow(registry_.set_disabled(name, in == InService::no, {caller_uid, {}}));
}

tl::expected<PeerChanged, PeerError> PeerService::revoke(std::string_view name,
                                                         std::int64_t caller_uid) {
    return follow(registry_.revoke(name, now_seconds(), {caller_uid, {}}));
}

tl::expected<PeerRotated, PeerError> PeerService::rotate(std::string_view name,
                                                         std::int64_t caller_uid) {
    auto before = registry_.find(name);
    if (!before) return registry_error(before.error());
    if (!*before) return registry_error(make_error_code(Errc::not_found));
    auto private_key = netcfg::SecretKey::generate_private();
    std::optional<netcfg::SecretKey> psk;
    if ((*before)->preshared_key) psk = netcfg::SecretKey::generate_preshared();
    auto changed =
        registry_.rotate_key(name, private_key.public_key(), std::move(psk), KeyOrigin::appliance,
                             {caller_uid, "new appliance-made key pair"});
    if (!changed) return registry_error(changed.error());
    return PeerRotated{follow(std::move(*changed), (*before)->public_key), private_key};
}

tl::expected<PeerChanged, PeerError> PeerService::follow(
    tl::expected<Peer, std::error_code> changed) {
    if (!changed) return registry_error(changed.error());
    return follow(std::move(*changed), std::nullopt);
}

PeerChanged PeerService::follow(Peer peer, const std::optional<netcfg::PublicKey>& old_key) {
    const bool active = peer.state(Clock::now()) == PeerState::active;
    netcfg::DeviceUpdate update;
    if (old_key) {
        netcfg::WgPeer old;
        old.public_key = *old_key;
        update.peers.push_back({netcfg::PeerUpdate::Kind::remove, std::move(old)});
    }
    // Upserts carry the full allowed-ips list and replace the device's, so
    // the peer holds exactly its own addresses.
    update.peers.push_back(
        {active ? netcfg::PeerUpdate::Kind::upsert : netcfg::PeerUpdate::Kind::remove,
         device_peer(peer)});
    PeerChanged out;
    if (auto applied = device_.apply(update); !applied) out.device_error = applied.error();
    if (!active || old_key) out.to_disconnect = addresses_of(peer);
    out.peer = std::move(peer);
    return out;
}

tl::expected<PeerChanged, PeerError> PeerService::follow_notice(const ChangeNotice& notice) {
    auto peer = registry_.find(notice.peer);
    if (!peer) return registry_error(peer.error());
    if (*peer) {
        // The pool may hold stale addresses: an add elsewhere took one.
        if (pool_) pool_->take({(*peer)->ipv4, (*peer)->ipv6});
        return follow(std::move(**peer), notice.old_key);
    }
    PeerChanged out;
    out.peer.name = notice.peer;
    out.peer.revoked = now_seconds();
    if (notice.old_key) {
        netcfg::DeviceUpdate update;
        netcfg::WgPeer old;
        old.public_key = *notice.old_key;
        update.peers.push_back({netcfg::PeerUpdate::Kind::remove, std::move(old)});
        if (auto applied = device_.apply(update); !applied) out.device_error = applied.error();
    }
    return out;
}

PeersExpired PeerService::expire(Seconds after, Seconds upto) {
    PeersExpired out;
    auto names = registry_.expiring(after, upto);
    if (!names) return out;
    std::vector<AuditEntry> audit;
    netcfg::DeviceUpdate update;
    for (const auto& name : *names) {
        auto peer = registry_.find(name);
        if (!peer || !*peer) continue;
        audit.push_back({upto, -1, "expire", name, "expired " + format_utc(upto)});
        update.peers.push_back({netcfg::PeerUpdate::Kind::remove, device_peer(**peer)});
        for (auto& address : addresses_of(**peer)) out.to_disconnect.push_back(address);
        out.peers.push_back(std::move(**peer));
    }
    if (out.peers.empty()) return out;
    (void)registry_.audit(audit);
    if (auto applied = device_.apply(update); !applied) out.device_error = applied.error();
    return out;
}

tl::expected<DeviceConverged, PeerError> PeerService::converge(const netcfg::SecretKey& server_key,
                                                               std::uint16_t listen_port,
                                                               Clock::time_point now) {
    auto peers = registry_.list();
    if (!peers) return registry_error(peers.error());
    const netcfg::DesiredDevice desired{server_key, listen_port, device_peers(*peers, now)};
    auto changes = netcfg::converge_device(device_, desired);
    if (!changes) return Fail(PeerError{PeerError::Stage::device, changes.error()});
    return DeviceConverged{std::chrono::time_point_cast<std::chrono::seconds>(now),
                           desired.peers.size(), *changes};
}

tl::expected<AddressPool*, std::error_code> PeerService::address_pool() {
    // A reload cannot change the prefixes (that needs a restart), but a pool
    // of other prefixes than the config's must never be used.
    if (!pool_ || pool_prefixes_ != tunnel_prefixes_) {
        pool_.reset();
        pool_prefixes_ = tunnel_prefixes_;
        auto taken = registry_.taken_addresses();
        if (!taken) return tl::unexpected(taken.error());
        auto pool = AddressPool::make(tunnel_prefixes_, *taken);
        if (!pool) return tl::unexpected(pool.error());
        pool_ = std::move(*pool);
    }
    return &*pool_;
}

}  // namespace wmsgate::provisioning
