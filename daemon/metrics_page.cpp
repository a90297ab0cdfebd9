#include "daemon/metrics_page.hpp"

#include <algorithm>

namespace wmsgate::daemon {

PeerFigures peer_figures(const netcfg::WgDeviceState& device,
                         std::chrono::system_clock::time_point now) {
    const auto recent = now - std::chrono::minutes(3);
    PeerFigures figures;
    figures.total = device.peers.size();
    for (const auto& peer : device.peers) figures.recent_handshake += peer.last_handshake >= recent;
    return figures;
}

void MetricsPage::serve(const boost::asio::ip::address& client, const wms::PageReply& reply) const {
    const auto& group = config_.metrics.group;
    const auto access = policy_.view_for(client);
    if (group.empty() || !access) return reply(std::nullopt);
    const auto peer = policy_.current()->lookup(client);
    if (!peer || !peer->groups.contains(group)) return reply(std::nullopt);

    PeerFigures figures;
    if (auto state = device_.get()) {
        figures = peer_figures(*state, std::chrono::system_clock::now());
    } else {
        log_.warning("metrics: cannot read the WireGuard device",
                     {{"ERROR", state.error().message()}});
    }
    reply(wms::Page{metrics_content_type,
                    metrics_.exposition(figures, registry_health_(), access->layers)});
}

}  // namespace wmsgate::daemon
