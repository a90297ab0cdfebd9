#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

#include "netcfg/ip_prefix.hpp"
#include "netcfg/key.hpp"

namespace wmsgate::netcfg {

// One peer as the device holds it. The last three fields are only filled when
// read back from a device.
// A last-handshake time as both backends report it (seconds and
// nanoseconds since the epoch). Outside what the clock's 64-bit nanoseconds
// hold (1678 to 2262) it is no time a handshake happened: the epoch ("never")
// is returned instead of overflowing (found by tests/fuzz, netlink).
inline std::chrono::system_clock::time_point handshake_time(std::int64_t sec, std::int64_t nsec) {
    constexpr std::int64_t max_sec = 9'000'000'000;  // 2255
    if (sec < 0 || sec > max_sec || nsec < 0 || nsec >= 1'000'000'000) return {};
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::seconds(sec) + std::chrono::nanoseconds(nsec)));
}

struct WgPeer {
    PublicKey public_key;
    std::optional<SecretKey> preshared_key;
    std::vector<IpPrefix> allowed_ips;
    std::optional<std::string> endpoint;  // "host:port" / "[v6]:port"
    std::uint16_t persistent_keepalive = 0;

    std::chrono::system_clock::time_point last_handshake{};
    std::uint64_t rx_bytes = 0;
    std::uint64_t tx_bytes = 0;
};

struct WgDeviceState {
    std::optional<PublicKey> public_key;
    std::uint16_t listen_port = 0;
    std::uint32_t fwmark = 0;  // 0: none
    std::vector<WgPeer> peers;
};

// A change to one peer: add-or-update (allowed IPs replaced as a whole, which
// Debian's wireguard-go requires to drop one), the same but only for a peer the
// device already has (never creates one), or removal.
struct PeerUpdate {
    enum class Kind { upsert, remove, update_only };
    Kind kind = Kind::upsert;
    WgPeer peer;
};

// "Set only what is given": absent fields are left as the device has them.
struct DeviceUpdate {
    std::optional<SecretKey> private_key;
    std::optional<std::uint16_t> listen_port;
    std::optional<std::uint32_t> fwmark;  // 0 clears it
    // Remove every peer not named in `peers` first.
    bool replace_peers = false;
    std::vector<PeerUpdate> peers;

    bool empty() const {
        return !private_key && !listen_port && !fwmark && !replace_peers && peers.empty();
    }
};

// The one device-I/O surface; kernel and userspace backends are siblings.
class WgDevice {
  public:
    virtual ~WgDevice() = default;
    virtual const std::string& interface_name() const = 0;
    virtual tl::expected<WgDeviceState, std::error_code> get() = 0;
    virtual tl::expected<void, std::error_code> apply(const DeviceUpdate& update) = 0;
};

}  // namespace wmsgate::netcfg
