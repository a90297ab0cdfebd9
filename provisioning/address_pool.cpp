#include "provisioning/address_pool.hpp"

#include <cstdint>
#include <unordered_set>

#include "provisioning/errors.hpp"

namespace wmsgate::provisioning {
namespace ip = boost::asio::ip;

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

}  // namespace wmsgate::provisioning
