#pragma once

#include <boost/asio/ip/address.hpp>

#include "daemon/config.hpp"
#include "daemon/live_policy.hpp"
#include "daemon/log.hpp"
#include "daemon/metrics.hpp"
#include "netcfg/wg_device.hpp"
#include "provisioning/registry.hpp"
#include "wms/server.hpp"

namespace wmsgate::daemon {

// The tunnel's figures from a read of the device at `now`. WireGuard
// re-keys every 2 minutes while traffic flows; a handshake older than 3
// minutes means the peer is idle or gone.
PeerFigures peer_figures(const netcfg::WgDeviceState& device,
                         std::chrono::system_clock::time_point now);

// /metrics for peers in the config's metrics group; anyone else is answered
// as for a path that does not exist, so the page's existence leaks nothing
// either. The scraper sees only series of layers it may see.
class MetricsPage {
  public:
    // Everything is read at each request; `config` follows reloads.
    MetricsPage(const Config& config, const LivePolicy& policy, provisioning::Registry& registry,
                netcfg::WgDevice& device, const Metrics& metrics, const Log& log)
        : config_(config),
          policy_(policy),
          registry_(registry),
          device_(device),
          metrics_(metrics),
          log_(log) {}

    // On the io_context's thread: the registry and the device belong to it.
    void serve(const boost::asio::ip::address& client, const wms::PageReply& reply) const;

  private:
    const Config& config_;
    const LivePolicy& policy_;
    provisioning::Registry& registry_;
    netcfg::WgDevice& device_;
    const Metrics& metrics_;
    const Log& log_;
};

}  // namespace wmsgate::daemon
