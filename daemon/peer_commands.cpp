// PeerCommands: the dispatch table and the commands that change peers.

#include "daemon/peer_commands.hpp"

#include "daemon/command_args.hpp"
#include "daemon/peer_json.hpp"
#include "provisioning/client_config.hpp"
#include "provisioning/errors.hpp"
#include "provisioning/expiry.hpp"

namespace wmsgate::daemon {
namespace {

using provisioning::Clock;

std::int64_t uid_of(const Caller& caller) {
    return static_cast<std::int64_t>(caller.uid);
}

// "never" clears an expiry; anything else must parse and lie ahead.
tl::expected<std::optional<provisioning::Seconds>, ControlReply> parse_expiry_arg(
    const std::string& text) {
    if (text == "never") return std::optional<provisioning::Seconds>();
    auto at = provisioning::parse_expiry(text, Clock::now());
    if (!at) return tl::unexpected(args::failure(at.error(), "--expires " + text));
    return std::optional<provisioning::Seconds>(*at);
}

// The registry refused a change of peer `name`.
ControlReply refused(const provisioning::PeerError& error, const std::string& name) {
    return args::failure(error.code, "peer \"" + name + "\"");
}

// What add, set and their like read from a request besides the name: the
// names checked against the config, the expiry parsed.
struct Grants {
    std::optional<std::vector<std::string>> groups;
    std::optional<std::vector<std::string>> layers;
    std::optional<std::optional<provisioning::Seconds>> expires;
};

tl::expected<Grants, ControlReply> grants_arg(const Config& config, const nlohmann::json& a) {
    Grants out;
    auto groups = args::name_list(a, "groups");
    if (!groups) return tl::unexpected(groups.error());
    auto layers = args::name_list(a, "layers");
    if (!layers) return tl::unexpected(layers.error());
    auto expires_text = args::text(a, "expires");
    if (!expires_text) return tl::unexpected(expires_text.error());
    if (*groups) {
        if (auto ok = args::known_groups(config, **groups); !ok) return tl::unexpected(ok.error());
        out.groups = std::move(**groups);
    }
    if (*layers) {
        if (auto ok = args::known_layers(config, **layers); !ok) return tl::unexpected(ok.error());
        out.layers = std::move(**layers);
    }
    if (*expires_text) {
        auto parsed = parse_expiry_arg(**expires_text);
        if (!parsed) return tl::unexpected(parsed.error());
        out.expires = *parsed;
    }
    return out;
}

}  // namespace

PeerCommands::PeerCommands(const Config& config, provisioning::Registry& registry,
                           netcfg::WgDevice& device, provisioning::PeerService& peers,
                           netcfg::PublicKey server_key, PeerEffects effects)
    : config_(config),
      registry_(registry),
      device_(device),
      peers_(peers),
      server_key_(server_key),
      effects_(std::move(effects)) {}

const std::map<std::string, PeerCommands::Handler, std::less<>>& PeerCommands::table() {
    static const std::map<std::string, Handler, std::less<>> commands = {
        {"peer.add", &PeerCommands::add},          {"peer.list", &PeerCommands::list},
        {"peer.show", &PeerCommands::show},        {"peer.set", &PeerCommands::set},
        {"peer.disable", &PeerCommands::disable},  {"peer.enable", &PeerCommands::enable},
        {"peer.revoke", &PeerCommands::revoke},    {"peer.rotate", &PeerCommands::rotate},
        {"peer.config", &PeerCommands::config},    {"group.list", &PeerCommands::group_list},
        {"layer.list", &PeerCommands::layer_list}, {"status", &PeerCommands::status},
        {"audit", &PeerCommands::audit},
    };
    return commands;
}

// `reply` by value: this copy is the one the command (through the table's
// member pointer, which clang-tidy does not follow) takes by reference.
void PeerCommands::handle(const ControlRequest& request, const Caller& caller,
                          ControlReplyFn reply) {  // NOLINT(performance-unnecessary-value-param)
    const auto it = table().find(request.command);
    if (it == table().end()) {
        return reply(ControlReply::failure(ControlStatus::invalid,
                                           "unknown command \"" + request.command + "\""));
    }
    (this->*(it->second))(request.args, caller, reply);
}

std::string PeerCommands::client_config(const provisioning::Peer& peer,
                                        const netcfg::SecretKey* private_key) const {
    const provisioning::ApplianceInfo appliance{server_key_, config_.interface.endpoint,
                                                config_.interface.addresses, config_.wms_url()};
    return provisioning::client_config_text(peer, appliance, private_key);
}

void PeerCommands::follow(const provisioning::PeerChanged& changed, ControlReply answer,
                          ControlReplyFn reply) {
    // The policy follows the registry even when the device did not: a peer
    // the registry took out of service must lose the WMS at once.
    effects_.update_policy({changed.peer});
    effects_.rearm_expiry();
    if (changed.device_error) {
        answer = ControlReply::failure(
            ControlStatus::failed, "the registry is changed but " + device_.interface_name() +
                                       " refused the update (" + changed.device_error.message() +
                                       "); restarting wmsgated reconciles the device");
    }
    if (changed.to_disconnect.empty()) return reply(std::move(answer));
    effects_.disconnect(changed.to_disconnect,
                        [reply = std::move(reply), answer = std::move(answer)] { reply(answer); });
}

void PeerCommands::follow_change(
    const std::string& name,
    tl::expected<provisioning::PeerChanged, provisioning::PeerError> changed,
    ControlReplyFn& reply) {
    if (!changed) return reply(refused(changed.error(), name));
    follow(*changed, ControlReply::success(peer_json(changed->peer, Clock::now())),
           std::move(reply));
}

void PeerCommands::add(const nlohmann::json& a, const Caller& caller, ControlReplyFn& reply) {
    auto name = args::peer_name(a);
    if (!name) return reply(name.error());
    if (!provisioning::is_valid_peer_name(*name)) {
        return reply(
            args::failure(make_error_code(provisioning::Errc::invalid_name), "\"" + *name + "\""));
    }
    auto grants = grants_arg(config_, a);
    if (!grants) return reply(grants.error());
    auto public_key_text = args::text(a, "public_key");
    if (!public_key_text) return reply(public_key_text.error());

    provisioning::PeerRequest request;
    request.name = *name;
    request.groups = grants->groups.value_or(std::vector<std::string>{});
    request.layers = grants->layers.value_or(std::vector<std::string>{});
    request.expires = grants->expires.value_or(std::nullopt);
    if (*public_key_text) {
        auto parsed = netcfg::PublicKey::from_base64(**public_key_text);
        if (!parsed) {
            return reply(ControlReply::failure(ControlStatus::invalid,
                                               "--public-key: " + parsed.error().message()));
        }
        request.client_key = *parsed;
    }
    if (args::flag(a, "no_psk"))
        request.preshared_key = provisioning::PeerRequest::PresharedKey::none;

    auto added = peers_.add(request, uid_of(caller));
    if (!added && added.error().stage == provisioning::PeerError::Stage::device) {
        return reply(ControlReply::failure(
            ControlStatus::failed, "could not add the peer to " + device_.interface_name() + ": " +
                                       added.error().code.message()));
    }
    if (!added) return reply(args::failure(added.error().code));
    effects_.update_policy({added->peer});
    effects_.rearm_expiry();

    auto result = peer_json(added->peer, Clock::now());
    result["config"] =
        client_config(added->peer, added->private_key ? &*added->private_key : nullptr);
    reply(ControlReply::success(std::move(result)));
}

void PeerCommands::set(const nlohmann::json& a, const Caller& caller, ControlReplyFn& reply) {
    auto name = args::peer_name(a);
    if (!name) return reply(name.error());
    auto grants = grants_arg(config_, a);
    if (!grants) return reply(grants.error());
    if (!grants->groups && !grants->layers && !grants->expires) {
        return reply(ControlReply::failure(ControlStatus::invalid,
                                           "nothing to change: give --groups, --layers or "
                                           "--expires"));
    }
    const provisioning::PeerChange change{std::move(grants->groups), std::move(grants->layers),
                                          grants->expires};
    follow_change(*name, peers_.set(*name, change, uid_of(caller)), reply);
}

void PeerCommands::disable(const nlohmann::json& a, const Caller& caller, ControlReplyFn& reply) {
    set_in_service(a, caller, reply, provisioning::InService::no);
}

void PeerCommands::enable(const nlohmann::json& a, const Caller& caller, ControlReplyFn& reply) {
    set_in_service(a, caller, reply, provisioning::InService::yes);
}

void PeerCommands::set_in_service(const nlohmann::json& a, const Caller& caller,
                                  ControlReplyFn& reply, provisioning::InService in) {
    auto name = args::peer_name(a);
    if (!name) return reply(name.error());
    follow_change(*name, peers_.set_in_service(*name, in, uid_of(caller)), reply);
}

void PeerCommands::revoke(const nlohmann::json& a, const Caller& caller, ControlReplyFn& reply) {
    auto name = args::peer_name(a);
    if (!name) return reply(name.error());
    follow_change(*name, peers_.revoke(*name, uid_of(caller)), reply);
}

void PeerCommands::rotate(const nlohmann::json& a, const Caller& caller, ControlReplyFn& reply) {
    auto name = args::peer_name(a);
    if (!name) return reply(name.error());
    auto rotated = peers_.rotate(*name, uid_of(caller));
    if (!rotated) return reply(refused(rotated.error(), *name));
    const auto& peer = rotated->changed.peer;
    auto result = peer_json(peer, Clock::now());
    result["config"] = client_config(peer, &rotated->private_key);
    follow(rotated->changed, ControlReply::success(std::move(result)), std::move(reply));
}

void PeerCommands::expire(provisioning::Seconds after, provisioning::Seconds upto) {
    const auto expired = peers_.expire(after, upto);
    if (expired.peers.empty()) return;
    // A device that refused is repaired by the next start-up's converge;
    // until then the policy below keeps the expired peers from the WMS.
    effects_.update_policy(expired.peers);
    effects_.disconnect(expired.to_disconnect, [] {});
}

}  // namespace wmsgate::daemon
