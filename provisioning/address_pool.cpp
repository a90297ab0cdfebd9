#include "provisioning/address_pool.hpp"

#include <array>
#include <cstdint>
#include <unordered_set>

#include "provisioning/errors.hpp"

namespace wmsgate::provisioning {
namespace ip = boost::asio::ip;
namespace {

// An IPv6 address as two 64-bit halves, so host parts can be counted.
struct U128 {
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    friend bool operator==(const U128&, const U128&) = default;
};

U128 to_u128(const ip::address_v6& a) {
    const auto bytes = a.to_bytes();
    U128 out;
    for (int i = 0; i < 8; ++i) out.high = (out.high << 8) | bytes[static_cast<std::size_t>(i)];
    for (int i = 8; i < 16; ++i) out.low = (out.low << 8) | bytes[static_cast<std::size_t>(i)];
    return out;
}

ip::address_v6 from_u128(U128 value) {
    ip::address_v6::bytes_type bytes{};
    for (int i = 15; i >= 8; --i, value.low >>= 8)
        bytes[static_cast<std::size_t>(i)] = static_cast<unsigned char>(value.low & 0xff);
    for (int i = 7; i >= 0; --i, value.high >>= 8)
        bytes[static_cast<std::size_t>(i)] = static_cast<unsigned char>(value.high & 0xff);
    return ip::address_v6(bytes);
}

struct U128Hash {
    std::size_t operator()(const U128& v) const {
        return std::hash<std::uint64_t>()(v.high) ^ (std::hash<std::uint64_t>()(v.low) << 1);
    }
};

}  // namespace

tl::expected<ip::address_v4, std::error_code> next_free_ipv4(
    const netcfg::IpPrefix& interface_prefix, const std::vector<ip::address_v4>& taken) {
    if (!interface_prefix.address.is_v4() || interface_prefix.length > 32)
        return tl::unexpected(make_error_code(Errc::invalid_prefix));

    // 64-bit arithmetic: a /0 spans 2^32 addresses, one more than uint32_t holds.
    const std::uint64_t size = std::uint64_t{1} << (32 - interface_prefix.length);
    const std::uint64_t network = interface_prefix.network().address.to_v4().to_uint();
    std::uint64_t first = network;
    std::uint64_t last = network + size - 1;
    if (interface_prefix.length < 31) {
        ++first;  // the network address
        --last;   // the broadcast address
    }

    const std::uint32_t appliance = interface_prefix.address.to_v4().to_uint();
    std::unordered_set<std::uint32_t> used;
    used.reserve(taken.size() + 1);
    used.insert(appliance);
    for (const auto& a : taken) used.insert(a.to_uint());

    // Every address skipped is in `used`, so this visits at most
    // used.size() + 1 addresses however large the prefix.
    for (std::uint64_t candidate = first; candidate <= last; ++candidate) {
        const auto host = static_cast<std::uint32_t>(candidate);
        if (!used.contains(host)) return ip::address_v4(host);
    }
    return tl::unexpected(make_error_code(Errc::prefix_full));
}

tl::expected<ip::address_v6, std::error_code> next_free_ipv6(
    const netcfg::IpPrefix& interface_prefix, const std::vector<ip::address_v6>& taken) {
    if (!interface_prefix.address.is_v6() || interface_prefix.length > 128)
        return tl::unexpected(make_error_code(Errc::invalid_prefix));

    const U128 network = to_u128(interface_prefix.network().address.to_v6());
    // The number of host bits; only the low 64 of them are ever walked, since
    // a prefix holding more than 2^64 addresses can never be full.
    const unsigned host_bits = 128u - interface_prefix.length;
    const std::uint64_t last_offset =
        host_bits >= 64 ? UINT64_MAX : (std::uint64_t{1} << host_bits) - 1;
    const std::uint64_t first_offset = interface_prefix.length < 127 ? 1 : 0;

    std::unordered_set<U128, U128Hash> used;
    used.reserve(taken.size() + 1);
    used.insert(to_u128(interface_prefix.address.to_v6()));
    for (const auto& a : taken) used.insert(to_u128(a));

    for (std::uint64_t offset = first_offset; offset <= last_offset; ++offset) {
        // The network's low half is zero wherever offsets reach.
        const U128 candidate{network.high, network.low | offset};
        if (!used.contains(candidate)) return from_u128(candidate);
        if (offset == UINT64_MAX) break;
    }
    return tl::unexpected(make_error_code(Errc::prefix_full));
}

tl::expected<PeerAddresses, std::error_code> allocate_addresses(
    const std::vector<netcfg::IpPrefix>& interface_prefixes,
    const std::vector<ip::address>& taken) {
    const netcfg::IpPrefix* v4 = nullptr;
    const netcfg::IpPrefix* v6 = nullptr;
    for (const auto& prefix : interface_prefixes) {
        if (prefix.address.is_v4() && v4 == nullptr) v4 = &prefix;
        if (prefix.address.is_v6() && v6 == nullptr) v6 = &prefix;
    }
    if (v4 == nullptr) return tl::unexpected(make_error_code(Errc::invalid_prefix));

    std::vector<ip::address_v4> taken4;
    std::vector<ip::address_v6> taken6;
    for (const auto& a : taken) {
        if (a.is_v4()) taken4.push_back(a.to_v4());
        if (a.is_v6()) taken6.push_back(a.to_v6());
    }
    PeerAddresses out;
    auto ipv4 = next_free_ipv4(*v4, taken4);
    if (!ipv4) return tl::unexpected(ipv4.error());
    out.ipv4 = *ipv4;
    if (v6 != nullptr) {
        auto ipv6 = next_free_ipv6(*v6, taken6);
        if (!ipv6) return tl::unexpected(ipv6.error());
        out.ipv6 = *ipv6;
    }
    return out;
}

}  // namespace wmsgate::provisioning
