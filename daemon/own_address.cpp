#include "daemon/own_address.hpp"

namespace wmsgate::daemon {

tl::expected<void, std::string> check_no_peer_holds_own_address(
    const std::vector<netcfg::IpPrefix>& own, const std::vector<provisioning::Peer>& peers,
    const std::filesystem::path& config_file) {
    for (const auto& peer : peers) {
        if (peer.revoked) continue;  // a revoked peer is served nothing
        for (const auto& prefix : own) {
            const bool held = prefix.address == boost::asio::ip::address(peer.ipv4) ||
                              (peer.ipv6 && prefix.address == boost::asio::ip::address(*peer.ipv6));
            if (!held) continue;
            return tl::unexpected(
                "peer \"" + peer.name + "\" holds " + prefix.address.to_string() +
                ", the appliance's own tunnel address (interface.address in " +
                config_file.string() +
                "): every local process would be served as that peer. Fix: give the appliance "
                "an address no peer holds in interface.address, or start once with the old "
                "address and run 'wmsgatectl peer revoke " +
                peer.name + "' before renumbering");
        }
    }
    return {};
}

}  // namespace wmsgate::daemon
