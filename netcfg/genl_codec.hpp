#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "netcfg/netlink_message.hpp"

struct nlmsghdr;

namespace wmsgate::netcfg {

// Generic netlink's controller: resolving a family's number from its name.
// Pure: bytes in, bytes out.

// CTRL_CMD_GETFAMILY for `name` (e.g. "wireguard"), asking for an ack.
NetlinkMessage encode_get_family(std::string_view name);

// The family number in a CTRL_CMD_GETFAMILY reply; nullopt when the message
// carries none.
std::optional<std::uint16_t> decode_family_id(const nlmsghdr* reply);

}  // namespace wmsgate::netcfg
