#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

#include "netcfg/netlink_message.hpp"
#include "netcfg/wg_device.hpp"

struct nlmsghdr;

namespace wmsgate::netcfg {

// The kernel's WireGuard generic netlink protocol (linux/wireguard.h) as pure
// functions: no sockets, so the bytes can be tested exactly and fuzzed.
// Sequence numbers and port ids are left 0 for the socket layer to fill in.

// Each set message stays within a page, as wg(8) keeps it: the kernel takes
// larger ones, but a nested attribute's length is 16 bits, so the peer list
// has to be cut somewhere anyway, and a page is a size every kernel accepts.
inline constexpr std::size_t default_set_message_size = 4096;

// WG_CMD_GET_DEVICE as a dump request for the device named `ifname`.
NetlinkMessage encode_get_device(std::uint16_t family_id, std::string_view ifname);

// WG_CMD_SET_DEVICE messages, in the order they must be sent, each at most
// `max_message_size` bytes (512 to 65535; outside that is a bug and throws
// std::invalid_argument).
//
// The device's own fields and REPLACE_PEERS go in the first message only:
// repeated, REPLACE_PEERS would drop the peers the earlier messages added.
// Peers are cut between messages where the next one does not fit. A peer too
// big for a message of its own is cut too: its first piece carries its flags and
// fields (REPLACE_ALLOWEDIPS among them); every later piece repeats only its
// public key with UPDATE_ONLY and adds more allowed IPs, so it neither clears
// what the first piece set nor creates a peer an update_only change skipped.
//
// An upsert always sends the preshared key (all zeros clears it) and the
// keepalive, and the endpoint only when one is given, as the UAPI encoder
// does. Precondition: every endpoint passed Endpoint::parse; one that does not
// parse is left out. The messages hold key bytes: wipe them after use.
std::vector<NetlinkMessage> encode_set_device(
    std::uint16_t family_id, std::string_view ifname, const DeviceUpdate& update,
    std::size_t max_message_size = default_set_message_size);

// Builds a device's state from the data messages of a WG_CMD_GET_DEVICE dump,
// fed in order. The kernel cuts a long dump between messages, also inside a
// peer's allowed IPs: a peer that starts a message with the public key of the
// previous message's last peer continues that peer, so they are merged here.
// Private key bytes are never copied out of the messages.
class DeviceDumpDecoder {
  public:
    // Errc::netlink_protocol for a message that is not a well-formed reply.
    tl::expected<void, std::error_code> add(const nlmsghdr* message);
    // The state so far; the decoder is empty afterwards.
    WgDeviceState take();

  private:
    WgDeviceState state_;
};

}  // namespace wmsgate::netcfg
