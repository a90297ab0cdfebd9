#include "netcfg/endpoint.hpp"

#include <charconv>

#include "netcfg/errors.hpp"

namespace wmsgate::netcfg {

tl::expected<Endpoint, std::error_code> Endpoint::parse(std::string_view text) {
    const auto invalid = tl::unexpected(make_error_code(Errc::invalid_endpoint));
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return invalid;
    auto host = text.substr(0, colon);
    const auto digits = text.substr(colon + 1);

    // A v6 literal must be bracketed, otherwise its last group reads as a port.
    const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
    if (bracketed) host = host.substr(1, host.size() - 2);

    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(std::string(host), ec);
    if (ec || address.is_v6() != bracketed) return invalid;

    unsigned port = 0;
    const auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || err != std::errc() || end != digits.data() + digits.size() || port == 0 ||
        port > 65535) {
        return invalid;
    }
    return Endpoint{address, static_cast<std::uint16_t>(port)};
}

std::string Endpoint::to_string() const {
    const auto port_text = ":" + std::to_string(port);
    if (address.is_v6()) return "[" + address.to_string() + "]" + port_text;
    return address.to_string() + port_text;
}

}  // namespace wmsgate::netcfg
