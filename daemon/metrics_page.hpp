#pragma once

#include <boost/asio/ip/address.hpp>
#include <functional>

#include "daemon/config.hpp"
#include "daemon/live_policy.hpp"
#include "daemon/log.hpp"
#include "daemon/metrics.hpp"
#include "daemon/registry_health.hpp"
#include "netcfg/wg_device.hpp"
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
    // Everything is read at each request; `config` follows reloads. Who may
    // read the page is decided from the policy snapshot, so the page still
    // answers while a fleet's registry is out of reach (and says so).
    MetricsPage(const Config& config, const LivePolicy& policy,
                std::function<RegistryHealth()> registry_health, netcfg::WgDevice& device,
                const Metrics& metrics, const Log& log)
        : config_(config),
          policy_(policy),
          registry_health_(std::move(registry_health)),
          device_(device),
          metrics_(metrics),
          log_(log) {}

    // On the io_context's thread: the registry and the device belong to it.
    void serve(const boost::asio::ip::address& client, const wms::PageReply& reply) const;

  private:
    const Config& config_;
    const LivePolicy& policy_;
    std::function<RegistryHealth()> registry_health_;
    netcfg::WgDevice& device_;
    const Metrics& metrics_;
    const Log& log_;
};

}  // namespace wmsgate::daemon
