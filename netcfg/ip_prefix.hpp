#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>

namespace wmsgate::netcfg {

// An address with a prefix length: "10.77.0.1/24" for an interface address,
// "10.77.0.2/32" for a peer's allowed IP.
struct IpPrefix {
    boost::asio::ip::address address;
    std::uint8_t length = 0;

    // Accepts "A.B.C.D/N" and "X::Y/N"; a bare address gets the full length.
    static tl::expected<IpPrefix, std::error_code> parse(std::string_view text);
    static IpPrefix host(const boost::asio::ip::address& a) {
        return {a, static_cast<std::uint8_t>(a.is_v4() ? 32 : 128)};
    }

    std::string to_string() const;
    bool contains(const boost::asio::ip::address& a) const;
    // The prefix with host bits cleared ("10.77.0.1/24" -> "10.77.0.0/24").
    IpPrefix network() const;

    friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
};

}  // namespace wmsgate::netcfg
