#pragma once

#include <boost/asio/ip/address_v4.hpp>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

#include "netcfg/ip_prefix.hpp"

namespace wmsgate::provisioning {

// The lowest address of `interface_prefix` (the appliance's own address with
// its prefix, e.g. 10.77.0.1/24) that is not the network, the broadcast, the
// appliance's address or in `taken`. Error prefix_full when none is left,
// invalid_prefix for an IPv6 prefix. A /31 has no network or broadcast
// address (RFC 3021), so both of its addresses are hosts; a /32 holds only
// the appliance.
tl::expected<boost::asio::ip::address_v4, std::error_code> next_free_ipv4(
    const netcfg::IpPrefix& interface_prefix,
    const std::vector<boost::asio::ip::address_v4>& taken);

}  // namespace wmsgate::provisioning
