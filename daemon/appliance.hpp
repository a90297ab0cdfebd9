#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <string>
#include <tl/expected.hpp>

#include "daemon/config.hpp"
#include "daemon/control_server.hpp"
#include "daemon/expiry_timer.hpp"
#include "daemon/live_policy.hpp"
#include "daemon/log.hpp"
#include "daemon/metrics.hpp"
#include "daemon/peer_commands.hpp"
#include "daemon/request_counter.hpp"
#include "netcfg/key.hpp"
#include "netcfg/rtnetlink.hpp"
#include "netcfg/wg_backend.hpp"
#include "netcfg/wg_device.hpp"
#include "provisioning/peer_service.hpp"
#include "provisioning/registry.hpp"
#include "wms/server.hpp"

namespace wmsgate::daemon {

// A start-up failure, worded for the admin: the cause and the fix.
struct StartupError {
    std::string message;
};

// Everything the daemon runs, brought up in DESIGN.md's order. Destroying it
// takes down what it set up (wireguard-go removes the interface it made).
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
              netcfg::SecretKey server_key);

    tl::expected<void, StartupError> start_device();
    tl::expected<void, StartupError> configure_device();
    tl::expected<void, StartupError> converge_addresses();
    tl::expected<void, StartupError> start_wms();
    tl::expected<void, StartupError> start_control();
    tl::expected<void, StartupError> listen_for_control();
    void publish_policy();
    void log_access(const wms::AccessRecord& record);
    void warn_about_dangling_grants();
    void serve_metrics(const boost::asio::ip::address& client, wms::PageReply reply);
    void supervise();
    void disconnect(const std::vector<boost::asio::ip::address>& addresses,
                    std::function<void()> closed);
    void audit_denied(const Caller& caller, const std::string& command);

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
    std::unique_ptr<PeerCommands> peer_commands_;
    std::unique_ptr<wms::Server> wms_;
    std::unique_ptr<ControlServer> control_;
    boost::asio::steady_timer supervise_timer_;
    std::unique_ptr<ExpiryTimer> expiry_;
    // When configure_device last chose the peers in service.
    provisioning::Seconds reconciled_at_{};
};

}  // namespace wmsgate::daemon
