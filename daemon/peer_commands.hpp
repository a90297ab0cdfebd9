#pragma once

#include <functional>
#include <vector>

#include "daemon/config.hpp"
#include "daemon/control_protocol.hpp"
#include "daemon/control_server.hpp"
#include "netcfg/key.hpp"
#include "netcfg/wg_device.hpp"
#include "provisioning/registry.hpp"

namespace wmsgate::daemon {

// The device's view of registry peers: each peer gets exactly its own host
// address as allowed IPs, which is what makes the source address an identity.
std::vector<netcfg::WgPeer> device_peers(const std::vector<provisioning::Peer>& peers);

// The control socket's commands. The registry changes first and the device
// follows, so a crash in between is repaired by start-up's reconcile.
class PeerCommands {
  public:
    PeerCommands(const Config& config, provisioning::Registry& registry, netcfg::WgDevice& device,
                 netcfg::PublicKey server_key, std::function<void()> on_peers_changed);

    ControlReply handle(const ControlRequest& request, const Caller& caller);

  private:
    ControlReply add(const nlohmann::json& args);
    ControlReply list();

    const Config& config_;
    provisioning::Registry& registry_;
    netcfg::WgDevice& device_;
    netcfg::PublicKey server_key_;
    std::function<void()> on_peers_changed_;
};

}  // namespace wmsgate::daemon
