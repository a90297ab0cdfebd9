#pragma once

#include <boost/asio/ip/address.hpp>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "daemon/config.hpp"
#include "daemon/control_protocol.hpp"
#include "daemon/control_server.hpp"
#include "daemon/registry_health.hpp"
#include "netcfg/key.hpp"
#include "netcfg/wg_device.hpp"
#include "provisioning/peer_service.hpp"
#include "provisioning/registry.hpp"

namespace wmsgate::daemon {

// What a peer change sets off outside the registry and the device.
struct PeerEffects {
    // Puts these peers, as the registry now has them, into the policy
    // snapshot (a copy with just them changed) and swaps it in.
    std::function<void(const std::vector<provisioning::Peer>& changed)> update_policy;
    // Closes the WMS connections of these addresses; `closed` runs after.
    std::function<void(const std::vector<boost::asio::ip::address>&, std::function<void()> closed)>
        disconnect;
    // The next expiry may have changed.
    std::function<void()> rearm_expiry;
    // Requests served to a peer since start-up.
    std::function<std::uint64_t(const std::string& peer)> requests_served;
    // Whether the registry can be reached now (a fleet's may not be).
    std::function<RegistryHealth()> registry_health;
};

// The control socket's commands, one member function each: JSON arguments
// into PeerService calls, their results into replies and PeerEffects. After a
// change the policy is updated; a peer taken out of service (revoked,
// disabled, expired) or re-keyed gets its reply only once it is off the
// device and its WMS connections are closed.
class PeerCommands {
  public:
    // `registry` and `device` are read for list, show and status; changes
    // go through `peers`, which drives the same two.
    PeerCommands(const Config& config, provisioning::Registry& registry, netcfg::WgDevice& device,
                 provisioning::PeerService& peers, netcfg::PublicKey server_key,
                 PeerEffects effects);

    void handle(const ControlRequest& request, const Caller& caller, ControlReplyFn reply);

    // The expiry timer's work: takes the peers whose expiry passed in
    // (after, upto] off the device and closes their connections, all of
    // them with one audit transaction, one device update and one policy
    // update. The timer re-arms itself afterwards.
    void expire(provisioning::Seconds after, provisioning::Seconds upto);

  private:
    using Handler = void (PeerCommands::*)(const nlohmann::json& args, const Caller& caller,
                                           ControlReplyFn& reply);
    static const std::map<std::string, Handler, std::less<>>& table();

    void add(const nlohmann::json& args, const Caller& caller, ControlReplyFn& reply);
    void list(const nlohmann::json& args, const Caller& caller, ControlReplyFn& reply);
    void show(const nlohmann::json& args, const Caller& caller, ControlReplyFn& reply);
    void set(const nlohmann::json& args, const Caller& caller, ControlReplyFn& reply);
    void disable(const nlohmann::json& args, const Caller& caller, ControlReplyFn& reply);
    void enable(const nlohmann::json& args, const Caller& caller, ControlReplyFn& reply);
    void set_in_service(const nlohmann::json& args, const Caller& caller, ControlReplyFn& reply,
                        provisioning::InService in);
    void revoke(const nlohmann::json& args, const Caller& caller, ControlReplyFn& reply);
    void rotate(const nlohmann::json& args, const Caller& caller, ControlReplyFn& reply);
    void config(const nlohmann::json& args, const Caller& caller, ControlReplyFn& reply);
    void group_list(const nlohmann::json& args, const Caller& caller, ControlReplyFn& reply);
    void layer_list(const nlohmann::json& args, const Caller& caller, ControlReplyFn& reply);
    void status(const nlohmann::json& args, const Caller& caller, ControlReplyFn& reply);
    void audit(const nlohmann::json& args, const Caller& caller, ControlReplyFn& reply);

    // Updates the policy and re-arms the expiry timer after a change; closes
    // the connections the change asks for before replying.
    void follow(const provisioning::PeerChanged& changed, ControlReply answer,
                ControlReplyFn reply);
    // The answer to a change of peer `name`: the registry's refusal, or
    // `follow` with the changed peer as the reply.
    void follow_change(const std::string& name,
                       tl::expected<provisioning::PeerChanged, provisioning::PeerError> changed,
                       ControlReplyFn& reply);
    std::string client_config(const provisioning::Peer& peer,
                              const netcfg::SecretKey* private_key) const;

    const Config& config_;
    provisioning::Registry& registry_;
    netcfg::WgDevice& device_;
    provisioning::PeerService& peers_;
    netcfg::PublicKey server_key_;
    PeerEffects effects_;
};

}  // namespace wmsgate::daemon
