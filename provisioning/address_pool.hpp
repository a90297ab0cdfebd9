#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <cstdint>
#include <optional>
#include <system_error>
#include <tl/expected.hpp>
#include <unordered_set>
#include <vector>

#include "netcfg/ip_prefix.hpp"

namespace wmsgate::provisioning {

// The host addresses of one interface prefix that peers may get, as offsets
// from the prefix's network address, and which of them are in use. Handing
// out is lowest-free-first; the lowest free offset is kept, and it only moves
// up while addresses are taken, so taking n addresses costs O(n) in all
// however many are in use.
class HostRange {
  public:
    // The range of `interface_prefix` (the appliance's own address with its
    // prefix), the appliance's address already in use. IPv4: never the
    // network or broadcast address, except in a /31 (RFC 3021); a /32 holds
    // only the appliance. IPv6: never the all-zeros host address (the
    // subnet-router anycast address, RFC 4291) except in a /127 (RFC 6164);
    // only the low 64 host bits are walked, since a prefix holding more than
    // 2^64 addresses can never be full. invalid_prefix for a prefix of the
    // other family.
    enum class Family { v4, v6 };
    static tl::expected<HostRange, std::error_code> of(const netcfg::IpPrefix& interface_prefix,
                                                       Family family);

    // Addresses outside the range (another family or prefix) are ignored.
    void take(const boost::asio::ip::address& address);
    void release(const boost::asio::ip::address& address);
    // nullopt when every address of the range is in use.
    std::optional<boost::asio::ip::address> lowest_free() const;
    // The free address `skip` free addresses above the lowest one, or the
    // highest free one when fewer are left; nullopt when none is free.
    std::optional<boost::asio::ip::address> free_above_lowest(std::uint64_t skip) const;

  private:
    HostRange() = default;
    std::optional<std::uint64_t> offset_of(const boost::asio::ip::address& address) const;
    void skip_taken();

    Family family_ = Family::v4;
    // The network address as two 64-bit halves (IPv4 in the low half) and
    // the mask of the host bits walked in the low half.
    std::uint64_t network_high_ = 0;
    std::uint64_t network_low_ = 0;
    std::uint64_t host_mask_ = 0;
    std::uint64_t first_ = 0;
    std::uint64_t last_ = 0;
    std::uint64_t appliance_ = 0;
    std::unordered_set<std::uint64_t> used_;
    // Every offset in [first_, *lowest_free_) is used; nullopt: all are.
    std::optional<std::uint64_t> lowest_free_;
};

// The lowest address of `interface_prefix` that is not the network, the
// broadcast, the appliance's address or in `taken` (the rules of HostRange).
// Errors: prefix_full when none is left, invalid_prefix for an IPv6 prefix.
tl::expected<boost::asio::ip::address_v4, std::error_code> next_free_ipv4(
    const netcfg::IpPrefix& interface_prefix,
    const std::vector<boost::asio::ip::address_v4>& taken);

// The same for IPv6; invalid_prefix for an IPv4 prefix.
tl::expected<boost::asio::ip::address_v6, std::error_code> next_free_ipv6(
    const netcfg::IpPrefix& interface_prefix,
    const std::vector<boost::asio::ip::address_v6>& taken);

// A new peer's addresses: one from the first IPv4 prefix and, when an IPv6
// prefix is configured, one from the first IPv6 prefix.
struct PeerAddresses {
    boost::asio::ip::address_v4 ipv4;
    std::optional<boost::asio::ip::address_v6> ipv6;
};

// The addresses new peers get, kept between adds so that an add need not
// read every address from the registry: built once from all the addresses
// the registry holds, then told of each one handed out or given back. The
// daemon is the registry's only writer, which keeps the pool exact; should it
// ever not be, Registry::add still refuses a taken address.
class AddressPool {
  public:
    // invalid_prefix when no IPv4 prefix is configured.
    static tl::expected<AddressPool, std::error_code> make(
        const std::vector<netcfg::IpPrefix>& interface_prefixes,
        const std::vector<boost::asio::ip::address>& taken);

    // The lowest free addresses; nothing is taken until take(). prefix_full
    // when a family has none left. With `skip`, that many free addresses
    // further up (HostRange::free_above_lowest): appliances that keep
    // colliding on the lowest one spread out.
    tl::expected<PeerAddresses, std::error_code> next(std::uint64_t skip = 0) const;
    void take(const PeerAddresses& addresses);
    // Gives back the addresses of a peer that was removed again.
    void release(const PeerAddresses& addresses);

  private:
    AddressPool(HostRange v4, std::optional<HostRange> v6)
        : v4_(std::move(v4)), v6_(std::move(v6)) {}
    HostRange v4_;
    std::optional<HostRange> v6_;
};

// AddressPool::make(interface_prefixes, taken).next(), for a single use.
tl::expected<PeerAddresses, std::error_code> allocate_addresses(
    const std::vector<netcfg::IpPrefix>& interface_prefixes,
    const std::vector<boost::asio::ip::address>& taken);

}  // namespace wmsgate::provisioning
