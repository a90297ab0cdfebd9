#pragma once

// The rtnetlink replies Rtnetlink reads, decoded apart from its socket so
// that they can be tested and fuzzed: libmnl callbacks, each skipping what
// is not its message (another type, another link, a message too short for
// its fixed header) and returning MNL_CB_OK.

#include <vector>

#include "netcfg/ip_prefix.hpp"
#include "netcfg/rtnetlink.hpp"

struct nlmsghdr;

namespace wmsgate::netcfg {

struct AddressDump {
    int ifindex = 0;
    std::vector<IpPrefix> found;
};

// RTM_NEWADDR of link `dump->ifindex` (data: AddressDump*): its address
// (IFA_LOCAL, else IFA_ADDRESS) and prefix length go into `found`.
int on_address(const nlmsghdr* nlh, void* data);

// RTM_NEWLINK (data: Rtnetlink::LinkInfo*): index, up, MTU and kind.
int on_link_details(const nlmsghdr* nlh, void* data);

}  // namespace wmsgate::netcfg
