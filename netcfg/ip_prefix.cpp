#include "netcfg/ip_prefix.hpp"

#include <charconv>

#include "netcfg/errors.hpp"

namespace wmsgate::netcfg {
namespace ip = boost::asio::ip;

tl::expected<IpPrefix, std::error_code> IpPrefix::parse(std::string_view text) {
    const auto slash = text.find('/');
    // A zone index ("fe80::1%eth0") means nothing in a tunnel prefix, and
    // Boost reads a numeric one with silent wrap-around, so the prefix would
    // not print back as written (found by tests/fuzz, corpus/parsers/crash-zone-index).
    if (text.substr(0, slash).find('%') != std::string_view::npos)
        return tl::unexpected(make_error_code(Errc::invalid_address));
    boost::system::error_code ec;
    const auto address = ip::make_address(std::string(text.substr(0, slash)), ec);
    if (ec) return tl::unexpected(make_error_code(Errc::invalid_address));
    const unsigned max_length = address.is_v4() ? 32 : 128;
    if (slash == std::string_view::npos)
        return IpPrefix{address, static_cast<std::uint8_t>(max_length)};

    const auto digits = text.substr(slash + 1);
    unsigned length = 0;
    const auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (digits.empty() || err != std::errc() || end != digits.data() + digits.size() ||
        length > max_length) {
        return tl::unexpected(make_error_code(Errc::invalid_address));
    }
    return IpPrefix{address, static_cast<std::uint8_t>(length)};
}

std::string IpPrefix::to_string() const {
    return address.to_string() + "/" + std::to_string(length);
}

namespace {

template <std::size_t N>
bool same_leading_bits(const std::array<unsigned char, N>& a, const std::array<unsigned char, N>& b,
                       unsigned bits) {
    for (std::size_t i = 0; i < N && bits > 0; ++i) {
        const unsigned take = bits >= 8 ? 8 : bits;
        const auto mask = static_cast<unsigned char>(0xff << (8 - take));
        if ((a[i] & mask) != (b[i] & mask)) return false;
        bits -= take;
    }
    return true;
}

template <std::size_t N>
void clear_host_bits(std::array<unsigned char, N>& bytes, unsigned bits) {
    for (std::size_t i = 0; i < N; ++i) {
        const unsigned keep = bits >= 8 ? 8 : bits;
        bytes[i] &= static_cast<unsigned char>(keep == 0 ? 0 : 0xff << (8 - keep));
        bits -= keep;
    }
}

}  // namespace

bool IpPrefix::contains(const ip::address& a) const {
    if (a.is_v4() != address.is_v4()) return false;
    if (a.is_v4())
        return same_leading_bits(address.to_v4().to_bytes(), a.to_v4().to_bytes(), length);
    return same_leading_bits(address.to_v6().to_bytes(), a.to_v6().to_bytes(), length);
}

IpPrefix IpPrefix::network() const {
    if (address.is_v4()) {
        auto bytes = address.to_v4().to_bytes();
        clear_host_bits(bytes, length);
        return {ip::address_v4(bytes), length};
    }
    auto bytes = address.to_v6().to_bytes();
    clear_host_bits(bytes, length);
    return {ip::address_v6(bytes), length};
}

}  // namespace wmsgate::netcfg
