#pragma once

#include <vector>

#include "netcfg/wg_device.hpp"

namespace wmsgate::netcfg {

// The fewest peer changes that turn `actual` (read from the device) into
// `desired`: removals of peers not desired (first, in `actual` order), then
// upserts (in `desired` order) of peers that are new or whose preshared key,
// allowed IPs (compared as sets of networks), keepalive, or endpoint (only when
// desired names one) differ. Counters and handshake times are ignored. Equal
// sets give an empty list. Public keys in `desired` are assumed unique.
std::vector<PeerUpdate> reconcile(const std::vector<WgPeer>& desired,
                                  const std::vector<WgPeer>& actual);

}  // namespace wmsgate::netcfg
