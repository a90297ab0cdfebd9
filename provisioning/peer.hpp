#pragma once

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netcfg/key.hpp"

namespace wmsgate::provisioning {

using Clock = std::chrono::system_clock;
// The registry stores whole seconds; every time it hands out is one.
using Seconds = std::chrono::time_point<Clock, std::chrono::seconds>;

// Who made the client's key pair. Only a client-made key lets the appliance
// print the config again: an appliance-made private key is shown once and
// never stored. `unknown` is a peer from schema v1, which did not record it.
enum class KeyOrigin { unknown, client, appliance };

// Whether a peer may use the tunnel now; everything but `active` sees nothing
// and is kept off the device.
enum class PeerState { active, disabled, expired, revoked };

// A client as the registry stores it.
struct Peer {
    std::int64_t id = 0;
    std::string name;
    netcfg::PublicKey public_key;
    std::optional<netcfg::SecretKey> preshared_key;
    KeyOrigin key_origin = KeyOrigin::unknown;
    boost::asio::ip::address_v4 ipv4;
    std::optional<boost::asio::ip::address_v6> ipv6;
    std::vector<std::string> groups;  // sorted, unique
    std::vector<std::string> layers;  // direct grants; sorted, unique
    Seconds created;
    std::optional<Seconds> expires;
    bool disabled = false;
    std::optional<Seconds> revoked;

    // Revoked wins over disabled, disabled over expired.
    PeerState state(Clock::time_point now) const {
        if (revoked) return PeerState::revoked;
        if (disabled) return PeerState::disabled;
        if (expires && *expires <= now) return PeerState::expired;
        return PeerState::active;
    }
};

// What an admin asks for; the registry assigns id and created.
struct NewPeer {
    std::string name;
    netcfg::PublicKey public_key;
    std::optional<netcfg::SecretKey> preshared_key;
    KeyOrigin key_origin = KeyOrigin::client;
    boost::asio::ip::address_v4 ipv4;
    std::optional<boost::asio::ip::address_v6> ipv6;
    std::vector<std::string> groups;
    std::vector<std::string> layers;
    std::optional<Seconds> expires;
};

// A change to an existing peer; absent fields stay as they are.
struct PeerChange {
    std::optional<std::vector<std::string>> groups;
    std::optional<std::vector<std::string>> layers;
    std::optional<std::optional<Seconds>> expires;  // inner nullopt: never expires
};

// One line of the audit trail.
struct AuditEntry {
    Seconds time;
    std::int64_t caller_uid = -1;  // -1: the daemon itself (e.g. expiry)
    std::string action;            // "peer.add", "peer.revoke", "expire", "denied", ...
    std::string peer;              // empty when no peer is concerned
    std::string details;
};

const char* to_string(KeyOrigin origin);
const char* to_string(PeerState state);

}  // namespace wmsgate::provisioning
