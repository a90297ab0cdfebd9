#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>

namespace wmsgate::netcfg {

// A peer's UDP endpoint as WireGuard takes it: an IP literal and a port, no
// host names (wireguard-go and the kernel both want an address).
struct Endpoint {
    boost::asio::ip::address address;
    std::uint16_t port = 0;

    // Accepts "192.0.2.1:51820" and "[2001:db8::1]:51820"; Errc::invalid_endpoint otherwise.
    static tl::expected<Endpoint, std::error_code> parse(std::string_view text);
    // The canonical text, which is also how wireguard-go prints it.
    std::string to_string() const;

    friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

}  // namespace wmsgate::netcfg
