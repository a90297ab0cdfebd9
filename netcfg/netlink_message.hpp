#pragma once

#include <cstdint>
#include <vector>

namespace wmsgate::netcfg {

// One encoded netlink message, header included. The vector's storage comes
// from operator new, so it is aligned well enough to be read as nlmsghdr.
using NetlinkMessage = std::vector<std::uint8_t>;

}  // namespace wmsgate::netcfg
