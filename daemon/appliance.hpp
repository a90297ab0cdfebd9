#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>
#include <tl/expected.hpp>

#include "daemon/config.hpp"
#include "daemon/control_server.hpp"
#include "daemon/expiry_timer.hpp"
#include "daemon/live_policy.hpp"
#include "daemon/log.hpp"
#include "daemon/peer_commands.hpp"
#include "daemon/request_counter.hpp"
#include "netcfg/key.hpp"
#include "netcfg/rtnetlink.hpp"
#include "netcfg/wg_backend.hpp"
#include "netcfg/wg_device.hpp"
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
        Config config, boost::asio::io_context& io, const Log& log);
    ~Appliance();

    // Stops accepting WMS and control connections; the destructor does the rest.
    void shutdown();

  private:
    Appliance(Config config, boost::asio::io_context& io, const Log& log,
              provisioning::Registry registry, netcfg::SecretKey server_key);

    tl::expected<void, StartupError> start_device();
    tl::expected<void, StartupError> configure_device(bool full);
    tl::expected<void, StartupError> start_wms();
    tl::expected<void, StartupError> start_control();
    void publish_policy();
    void supervise();
    void disconnect(const std::vector<boost::asio::ip::address>& addresses,
                    std::function<void()> closed);
    void audit_denied(const Caller& caller, const std::string& command);

    Config config_;
    boost::asio::io_context& io_;
    const Log& log_;
    provisioning::Registry registry_;
    netcfg::SecretKey server_key_;
    netcfg::OpenedDevice opened_;
    LivePolicy policy_;
    RequestCounter requests_;
    std::unique_ptr<PeerCommands> peer_commands_;
    std::unique_ptr<wms::Server> wms_;
    std::unique_ptr<ControlServer> control_;
    boost::asio::steady_timer supervise_timer_;
    std::unique_ptr<ExpiryTimer> expiry_;
};

}  // namespace wmsgate::daemon
