#include "provisioning/address_pool.hpp"

#include <algorithm>
#include <type_traits>

#include "provisioning/errors.hpp"

namespace wmsgate::provisioning {
namespace ip = boost::asio::ip;
namespace {

// An address as two 64-bit halves, IPv4 in the low one, so that host parts
// are plain integers.
struct Halves {
    std::uint64_t high = 0;
    std::uint64_t low = 0;
};

Halves halves_of(const ip::address& a) {
    if (a.is_v4()) return {0, a.to_v4().to_uint()};
    const auto bytes = a.to_v6().to_bytes();
    Halves out;
    for (std::size_t i = 0; i < 8; ++i) out.high = (out.high << 8) | bytes[i];
    for (std::size_t i = 8; i < 16; ++i) out.low = (out.low << 8) | bytes[i];
    return out;
}

ip::address address_of(HostRange::Family family, Halves value) {
    if (family == HostRange::Family::v4)
        return ip::address_v4(static_cast<std::uint32_t>(value.low));
    ip::address_v6::bytes_type bytes{};
    for (std::size_t i = 16; i-- > 8; value.low >>= 8)
        bytes[i] = static_cast<unsigned char>(value.low & 0xff);
    for (std::size_t i = 8; i-- > 0; value.high >>= 8)
        bytes[i] = static_cast<unsigned char>(value.high & 0xff);
    return ip::address_v6(bytes);
}

std::uint64_t low_bits_mask(unsigned bits) {
    return bits >= 64 ? UINT64_MAX : (std::uint64_t{1} << bits) - 1;
}

}  // namespace

tl::expected<HostRange, std::error_code> HostRange::of(const netcfg::IpPrefix& interface_prefix,
                                                       Family family) {
    const bool v4 = family == Family::v4;
    const unsigned width = v4 ? 32 : 128;
    if (interface_prefix.address.is_v4() != v4 || interface_prefix.length > width)
        return tl::unexpected(make_error_code(Errc::invalid_prefix));

    HostRange range;
    range.family_ = family;
    const Halves network = halves_of(interface_prefix.network().address);
    range.network_high_ = network.high;
    range.network_low_ = network.low;
    range.host_mask_ = low_bits_mask(width - interface_prefix.length);
    // The first and last host addresses are reserved but in the smallest
    // prefixes, where every address is needed (RFC 3021, RFC 6164).
    const bool reserved_ends = interface_prefix.length < width - 1;
    range.first_ = reserved_ends ? 1 : 0;
    range.last_ = v4 && reserved_ends ? range.host_mask_ - 1 : range.host_mask_;
    range.appliance_ = halves_of(interface_prefix.address).low & range.host_mask_;
    range.lowest_free_ = range.first_;
    range.take(interface_prefix.address);
    return range;
}

std::optional<std::uint64_t> HostRange::offset_of(const ip::address& address) const {
    if (address.is_v4() != (family_ == Family::v4)) return std::nullopt;
    const Halves a = halves_of(address);
    if (a.high != network_high_ || (a.low & ~host_mask_) != network_low_) return std::nullopt;
    const std::uint64_t offset = a.low & host_mask_;
    if (offset < first_ || offset > last_) return std::nullopt;
    return offset;
}

void HostRange::take(const ip::address& address) {
    const auto offset = offset_of(address);
    if (!offset) return;
    used_.insert(*offset);
    if (lowest_free_ == offset) skip_taken();
}

void HostRange::release(const ip::address& address) {
    const auto offset = offset_of(address);
    if (!offset || *offset == appliance_) return;
    if (used_.erase(*offset) == 0) return;
    lowest_free_ = std::min(lowest_free_.value_or(*offset), *offset);
}

void HostRange::skip_taken() {
    while (lowest_free_ && used_.contains(*lowest_free_)) {
        if (*lowest_free_ == last_) {
            lowest_free_.reset();
        } else {
            ++*lowest_free_;
        }
    }
}

std::optional<ip::address> HostRange::lowest_free() const {
    if (!lowest_free_) return std::nullopt;
    return address_of(family_, {network_high_, network_low_ | *lowest_free_});
}

std::optional<ip::address> HostRange::free_above_lowest(std::uint64_t skip) const {
    if (!lowest_free_) return std::nullopt;
    std::uint64_t found = *lowest_free_;
    for (std::uint64_t offset = found; skip > 0 && offset < last_;) {
        ++offset;
        if (used_.contains(offset)) continue;
        found = offset;
        --skip;
    }
    return address_of(family_, {network_high_, network_low_ | found});
}

namespace {

// next_free_ipv4 and next_free_ipv6: one range, filled once.
template <typename Address>
tl::expected<Address, std::error_code> next_free(const netcfg::IpPrefix& interface_prefix,
                                                 const std::vector<Address>& taken) {
    constexpr bool v4 = std::is_same_v<Address, ip::address_v4>;
    auto range =
        HostRange::of(interface_prefix, v4 ? HostRange::Family::v4 : HostRange::Family::v6);
    if (!range) return tl::unexpected(range.error());
    for (const auto& a : taken) range->take(a);
    const auto free = range->lowest_free();
    if (!free) return tl::unexpected(make_error_code(Errc::prefix_full));
    if constexpr (v4) {
        return free->to_v4();
    } else {
        return free->to_v6();
    }
}

}  // namespace

tl::expected<ip::address_v4, std::error_code> next_free_ipv4(
    const netcfg::IpPrefix& interface_prefix, const std::vector<ip::address_v4>& taken) {
    return next_free(interface_prefix, taken);
}

tl::expected<ip::address_v6, std::error_code> next_free_ipv6(
    const netcfg::IpPrefix& interface_prefix, const std::vector<ip::address_v6>& taken) {
    return next_free(interface_prefix, taken);
}

tl::expected<AddressPool, std::error_code> AddressPool::make(
    const std::vector<netcfg::IpPrefix>& interface_prefixes,
    const std::vector<ip::address>& taken) {
    const auto first_of = [&](bool v4) {
        return std::find_if(interface_prefixes.begin(), interface_prefixes.end(),
                            [v4](const netcfg::IpPrefix& p) { return p.address.is_v4() == v4; });
    };
    const auto prefix4 = first_of(true);
    if (prefix4 == interface_prefixes.end())
        return tl::unexpected(make_error_code(Errc::invalid_prefix));
    auto v4 = HostRange::of(*prefix4, HostRange::Family::v4);
    if (!v4) return tl::unexpected(v4.error());
    std::optional<HostRange> v6;
    if (const auto prefix6 = first_of(false); prefix6 != interface_prefixes.end()) {
        auto range = HostRange::of(*prefix6, HostRange::Family::v6);
        if (!range) return tl::unexpected(range.error());
        v6 = std::move(*range);
    }
    AddressPool pool(std::move(*v4), std::move(v6));
    for (const auto& a : taken) {
        // Each range ignores the other family's addresses.
        pool.v4_.take(a);
        if (pool.v6_) pool.v6_->take(a);
    }
    return pool;
}

tl::expected<PeerAddresses, std::error_code> AddressPool::next(std::uint64_t skip) const {
    const auto ipv4 = v4_.free_above_lowest(skip);
    if (!ipv4) return tl::unexpected(make_error_code(Errc::prefix_full));
    PeerAddresses out{ipv4->to_v4(), std::nullopt};
    if (v6_) {
        const auto ipv6 = v6_->free_above_lowest(skip);
        if (!ipv6) return tl::unexpected(make_error_code(Errc::prefix_full));
        out.ipv6 = ipv6->to_v6();
    }
    return out;
}

void AddressPool::take(const PeerAddresses& addresses) {
    v4_.take(addresses.ipv4);
    if (v6_ && addresses.ipv6) v6_->take(*addresses.ipv6);
}

void AddressPool::release(const PeerAddresses& addresses) {
    v4_.release(addresses.ipv4);
    if (v6_ && addresses.ipv6) v6_->release(*addresses.ipv6);
}

tl::expected<PeerAddresses, std::error_code> allocate_addresses(
    const std::vector<netcfg::IpPrefix>& interface_prefixes,
    const std::vector<ip::address>& taken) {
    return AddressPool::make(interface_prefixes, taken).and_then([](const AddressPool& pool) {
        return pool.next();
    });
}

}  // namespace wmsgate::provisioning
