#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <optional>
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

// The same for IPv6: never the all-zeros host address (the subnet-router
// anycast address, RFC 4291), except in a /127 (RFC 6164), nor the
// appliance's address. invalid_prefix for an IPv4 prefix.
tl::expected<boost::asio::ip::address_v6, std::error_code> next_free_ipv6(
    const netcfg::IpPrefix& interface_prefix,
    const std::vector<boost::asio::ip::address_v6>& taken);

// A new peer's addresses: one from the first IPv4 prefix and, when an IPv6
// prefix is configured, one from the first IPv6 prefix.
struct PeerAddresses {
    boost::asio::ip::address_v4 ipv4;
    std::optional<boost::asio::ip::address_v6> ipv6;
};
tl::expected<PeerAddresses, std::error_code> allocate_addresses(
    const std::vector<netcfg::IpPrefix>& interface_prefixes,
    const std::vector<boost::asio::ip::address>& taken);

}  // namespace wmsgate::provisioning
