#include "provisioning/client_config.hpp"

#include <sstream>

#include "provisioning/expiry.hpp"

namespace wmsgate::provisioning {
namespace {

// Keeps each value on its own line: a line break inside a configured
// endpoint or URL would otherwise add lines of its own to the client's config.
std::string one_line(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) out += (c == '\n' || c == '\r') ? ' ' : c;
    return out;
}

// Client apps route AllowedIPs into the tunnel. Only the appliance's own
// addresses, as host routes, so the tunnel carries WMS traffic and nothing
// of the client's other traffic.
std::string allowed_ips(const std::vector<netcfg::IpPrefix>& addresses) {
    std::string out;
    for (const auto& prefix : addresses) {
        if (!out.empty()) out += ", ";
        out += netcfg::IpPrefix::host(prefix.address).to_string();
    }
    return out;
}

}  // namespace

std::string client_config_text(const Peer& peer, const ApplianceInfo& appliance,
                               const netcfg::SecretKey* private_key) {
    // PersistentKeepalive: clients usually sit behind NAT, and a client that
    // only ever answers would lose its mapping between map requests.
    constexpr int keepalive_seconds = 25;

    std::ostringstream out;
    out << "# wmsgate client config for peer \"" << one_line(peer.name) << "\"\n"
        << "# WMS: " << one_line(appliance.wms_url) << "\n"
        << "# Expires: " << (peer.expires ? format_utc(*peer.expires) : std::string("never"))
        << "\n"
        << "[Interface]\n";
    if (private_key != nullptr) {
        out << "PrivateKey = " << private_key->reveal_base64() << "\n";
    } else {
        out << "# Put the private key you made for this peer here and remove the leading \"# \":\n"
            << "# PrivateKey = \n";
    }
    out << "Address = " << netcfg::IpPrefix::host(peer.ipv4).to_string();
    if (peer.ipv6) out << ", " << netcfg::IpPrefix::host(*peer.ipv6).to_string();
    out << "\n"
        << "\n"
        << "[Peer]\n"
        << "PublicKey = " << appliance.public_key.base64() << "\n";
    if (peer.preshared_key) out << "PresharedKey = " << peer.preshared_key->reveal_base64() << "\n";
    out << "Endpoint = " << one_line(appliance.endpoint) << "\n"
        << "AllowedIPs = " << allowed_ips(appliance.addresses) << "\n"
        << "PersistentKeepalive = " << keepalive_seconds << "\n";
    return out.str();
}

}  // namespace wmsgate::provisioning
