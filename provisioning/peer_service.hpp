#pragma once

// The peer use cases, with no transport: what "add a peer", "revoke it",
// "expire these" and "bring the device in line at start-up" mean for the
// registry and the WireGuard device. Callers (the control socket, the expiry
// timer, start-up) turn their own input into these calls and the typed
// results back into replies; what a change sets off elsewhere (the policy
// snapshot, closing WMS connections, re-arming the timer) is theirs too, and
// each result says what it needs.
//
// Every change goes to the registry first (one transaction with its audit
// line) and then to the device, one peer at a time, so a crash in between is
// repaired by the next start-up's converge(). The one exception is add(): a
// peer the device refused is removed again, since it could never connect.

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

#include "netcfg/converge.hpp"
#include "netcfg/ip_prefix.hpp"
#include "netcfg/key.hpp"
#include "netcfg/wg_device.hpp"
#include "provisioning/address_pool.hpp"
#include "provisioning/change_notice.hpp"
#include "provisioning/peer.hpp"
#include "provisioning/registry.hpp"

namespace wmsgate::provisioning {

// The device's view of a registry peer: exactly its own host addresses as
// allowed IPs (a /32, and a /128 with IPv6), which is what makes the source
// address of a decrypted packet an identity.
netcfg::WgPeer device_peer(const Peer& peer);
// Only the peers that may use the tunnel at `now`.
std::vector<netcfg::WgPeer> device_peers(const std::vector<Peer>& peers, Clock::time_point now);

// Why a use case changed nothing.
struct PeerError {
    enum class Stage {
        registry,  // the registry refused: `code` is an Errc (not_found, name_taken, ...)
        device,    // the device refused a new peer, and the add was undone
    };
    Stage stage = Stage::registry;
    std::error_code code;
};

// A peer as stored after a change, and what the change means beyond it.
struct PeerChanged {
    Peer peer;
    // Set when the device refused to follow: the registry holds the change,
    // the device is repaired by the next start-up's converge(). Whoever
    // serves the WMS must follow the registry anyway.
    std::error_code device_error;
    // The peer's addresses when it went out of service or changed its key:
    // their WMS connections must be closed. Empty otherwise.
    std::vector<boost::asio::ip::address> to_disconnect;
};

// What an admin asks for when adding a peer.
struct PeerRequest {
    std::string name;
    std::vector<std::string> groups;
    std::vector<std::string> layers;
    std::optional<Seconds> expires;
    // The client's own public key; nullopt: the appliance makes the pair.
    std::optional<netcfg::PublicKey> client_key;
    enum class PresharedKey { make, none };
    PresharedKey preshared_key = PresharedKey::make;
};

struct PeerAdded {
    Peer peer;
    // Only for a pair the appliance made: shown once, never stored.
    std::optional<netcfg::SecretKey> private_key;
};

struct PeerRotated {
    PeerChanged changed;
    netcfg::SecretKey private_key;  // of the new pair: shown once, never stored
};

struct PeersExpired {
    std::vector<Peer> peers;
    std::vector<boost::asio::ip::address> to_disconnect;
    std::error_code device_error;  // as in PeerChanged
};

struct DeviceConverged {
    // Expiries up to here were applied; later ones are the expiry timer's.
    Seconds at;
    std::size_t peers_in_service = 0;
    netcfg::Convergence changes;
};

enum class InService { yes, no };

// Not thread-safe, like the registry it drives.
class PeerService {
  public:
    // `tunnel_prefixes` is read on every add (a pool of other prefixes than
    // these is never used) and must outlive the service.
    PeerService(Registry& registry, netcfg::WgDevice& device,
                const std::vector<netcfg::IpPrefix>& tunnel_prefixes);

    // The lowest free addresses, a key pair unless the client brought its
    // public key, a preshared key unless refused; registry, then device.
    // When another appliance of a fleet took the same address first, the
    // pool is read again and the next free one tried, a few times over.
    // Registry errors as Registry::add, prefix_full; Stage::device when the
    // device refused (then nothing is stored and no address used up).
    tl::expected<PeerAdded, PeerError> add(const PeerRequest& request, std::int64_t caller_uid);
    // Absent fields of `change` stay; the caller refuses an empty change.
    tl::expected<PeerChanged, PeerError> set(std::string_view name, const PeerChange& change,
                                             std::int64_t caller_uid);
    tl::expected<PeerChanged, PeerError> set_in_service(std::string_view name, InService in,
                                                        std::int64_t caller_uid);
    // Final: a revoked peer can be neither changed nor enabled again.
    tl::expected<PeerChanged, PeerError> revoke(std::string_view name, std::int64_t caller_uid);
    // A new appliance-made key pair (and a new preshared key if it had one);
    // the old key leaves the device in the same update.
    tl::expected<PeerRotated, PeerError> rotate(std::string_view name, std::int64_t caller_uid);

    // A change another appliance of the fleet made (change_notice.hpp),
    // followed onto this one's device as if it had been made here: the
    // peer as the registry has it now goes on or off the device, and a key
    // it replaced goes off. A peer no longer in the registry (an add that
    // appliance undid) comes back as a stand-in of that name, revoked, so
    // that the policy drops it; its old key, from the notice, leaves the
    // device. Errors: the registry's.
    tl::expected<PeerChanged, PeerError> follow_notice(const ChangeNotice& notice);

    // The peers whose expiry is in (after, upto]: off the device with one
    // update, with one audit transaction. Peers the registry cannot read are
    // skipped; a device that refuses is reported, not retried.
    PeersExpired expire(Seconds after, Seconds upto);

    // Start-up (and after wireguard-go was restarted): the device gets this
    // identity and port and exactly the peers in service at `now`; stray,
    // revoked, disabled and expired peers go. Errors: the registry's
    // (Stage::registry) or the device's (Stage::device).
    tl::expected<DeviceConverged, PeerError> converge(const netcfg::SecretKey& server_key,
                                                      std::uint16_t listen_port,
                                                      Clock::time_point now);

  private:
    // One registry change followed onto the device: on it when active, off
    // it otherwise; `old_key` goes too, after a rotation.
    PeerChanged follow(Peer peer, const std::optional<netcfg::PublicKey>& old_key);
    tl::expected<PeerChanged, PeerError> follow(tl::expected<Peer, std::error_code> changed);
    tl::expected<AddressPool*, std::error_code> address_pool();

    Registry& registry_;
    netcfg::WgDevice& device_;
    const std::vector<netcfg::IpPrefix>& tunnel_prefixes_;
    // Kept between adds; dropped (and read again) should the registry ever
    // disagree with it, or the prefixes change.
    std::optional<AddressPool> pool_;
    std::vector<netcfg::IpPrefix> pool_prefixes_;
};

}  // namespace wmsgate::provisioning
