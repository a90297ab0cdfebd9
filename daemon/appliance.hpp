#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>
#include <tl/expected.hpp>

#include "daemon/config.hpp"
#include "daemon/control_server.hpp"
#include "daemon/expiry_timer.hpp"
#include "daemon/fleet_sync.hpp"
#include "daemon/live_policy.hpp"
#include "daemon/log.hpp"
#include "daemon/metrics.hpp"
#include "daemon/metrics_page.hpp"
#include "daemon/peer_commands.hpp"
#include "daemon/request_counter.hpp"
#include "daemon/startup_error.hpp"
#include "daemon/wireguard_go_watch.hpp"
#include "netcfg/key.hpp"
#include "netcfg/wg_backend.hpp"
#include "provisioning/peer_service.hpp"
#include "provisioning/registry.hpp"
#include "wms/server.hpp"

namespace wmsgate::daemon {

// Everything the daemon runs, brought up in DESIGN.md's order, and wired
// together: the parts do the work (PeerService, PeerCommands, the WMS
// server, MetricsPage, ...); this class owns them and passes each what it
// needs. Destroying it takes down what it set up (wireguard-go removes the
// interface it made).
class Appliance {
  public:
    static tl::expected<std::unique_ptr<Appliance>, StartupError> bring_up(
        Config config, boost::asio::io_context& io, Log& log);
    ~Appliance();

    // Stops accepting WMS and control connections; the destructor does the rest.
    void shutdown();

    // SIGHUP: applies a new config's layers, groups, metrics group, WMS
    // settings, endpoint and log level without touching the tunnel or open
    // connections. On any error the running config stays as it was.
    tl::expected<void, StartupError> reload(Config next);

    // SIGTERM: stops taking control calls and WMS connections, lets requests
    // being answered finish (for at most the config's wms.drain_timeout),
    // then shuts down; `done` runs on the io_context after that.
    void drain(std::function<void()> done);

    // For systemd's STATUS=: peers in service, layers, requests answered.
    std::string status_line() const;

  private:
    Appliance(Config config, boost::asio::io_context& io, Log& log, provisioning::Registry registry,
              const netcfg::SecretKey& server_key);

    tl::expected<void, StartupError> start_device();
    tl::expected<void, StartupError> configure_device();
    tl::expected<void, StartupError> start_wms();
    void start_peer_commands();
    void start_expiry();
    tl::expected<void, StartupError> start_control();
    void watch_wireguard_go();
    // A fleet's registry: follow the other appliances' changes, fail static
    // while the database is away, resynchronise when it is back.
    void start_fleet_sync();
    bool follow_fleet(const std::vector<provisioning::ChangeNotice>& notices);
    bool resync_fleet();
    RegistryHealth registry_health() const;
    void after_wireguard_go_restart();
    void publish_policy();
    void record_access(const wms::AccessRecord& record);
    void disconnect(const std::vector<boost::asio::ip::address>& addresses,
                    std::function<void()> closed);

    Config config_;
    boost::asio::io_context& io_;
    Log& log_;
    provisioning::Registry registry_;
    netcfg::SecretKey server_key_;
    netcfg::OpenedDevice opened_;
    LivePolicy policy_;
    RequestCounter requests_;
    Metrics metrics_;
    std::unique_ptr<provisioning::PeerService> peers_;
    std::unique_ptr<MetricsPage> metrics_page_;
    std::unique_ptr<PeerCommands> peer_commands_;
    std::unique_ptr<wms::Server> wms_;
    std::unique_ptr<ControlServer> control_;
    std::unique_ptr<WireguardGoWatch> wireguard_go_watch_;
    std::unique_ptr<ExpiryTimer> expiry_;
    std::unique_ptr<FleetSync> fleet_sync_;
    // When configure_device last chose the peers in service.
    provisioning::Seconds reconciled_at_{};
};

}  // namespace wmsgate::daemon
