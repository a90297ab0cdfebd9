// PeerCommands: the dispatch table and the commands that change peers.

#include "daemon/peer_commands.hpp"

#include "daemon/command_args.hpp"
#include "daemon/peer_json.hpp"
#include "provisioning/address_pool.hpp"
#include "provisioning/client_config.hpp"
#include "provisioning/errors.hpp"
#include "provisioning/expiry.hpp"

namespace wmsgate::daemon {
namespace {

using provisioning::Clock;
using provisioning::PeerState;

provisioning::Actor actor_of(const Caller& caller, std::string details = {}) {
    return {static_cast<std::int64_t>(caller.uid), std::move(details)};
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ",") + name;
    return out;
}

// "never" clears an expiry; anything else must parse and lie ahead.
tl::expected<std::optional<provisioning::Seconds>, ControlReply> parse_expiry_arg(
    const std::string& text) {
    if (text == "never") return std::optional<provisioning::Seconds>();
    auto at = provisioning::parse_expiry(text, Clock::now());
    if (!at) return tl::unexpected(args::failure(at.error(), "--expires " + text));
    return std::optional<provisioning::Seconds>(*at);
}

}  // namespace

PeerCommands::PeerCommands(const Config& config, provisioning::Registry& registry,
                           netcfg::WgDevice& device, netcfg::PublicKey server_key,
                           PeerEffects effects)
    : config_(config),
      registry_(registry),
      device_(device),
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

void PeerCommands::handle(const ControlRequest& request, const Caller& caller,
                          ControlReplyFn reply) {
    const auto it = table().find(request.command);
    if (it == table().end()) {
        return reply(ControlReply::failure(ControlStatus::invalid,
                                           "unknown command \"" + request.command + "\""));
    }
    (this->*(it->second))(request.args, caller, reply);
}

std::string PeerCommands::client_config(const provisioning::Peer& peer,
                                        const netcfg::SecretKey* private_key) const {
    const provisioning::ApplianceInfo appliance{
        server_key_, config_.interface.endpoint, config_.interface.addresses,
        "http://" + config_.tunnel_ipv4().address.to_string() + ":" +
            std::to_string(config_.wms.port) + "/wms"};
    return provisioning::client_config_text(peer, appliance, private_key);
}

void PeerCommands::follow(const provisioning::Peer& peer,
                          const std::optional<netcfg::PublicKey>& old_key, ControlReply answer,
                          ControlReplyFn reply) {
    const bool active = peer.state(Clock::now()) == PeerState::active;
    netcfg::DeviceUpdate update;
    if (old_key) {
        netcfg::WgPeer old;
        old.public_key = *old_key;
        update.peers.push_back({netcfg::PeerUpdate::Kind::remove, std::move(old)});
    }
    // Upserts carry the full allowed-ips list and replace the device's, so
    // the peer holds exactly its own addresses.
    update.peers.push_back(
        {active ? netcfg::PeerUpdate::Kind::upsert : netcfg::PeerUpdate::Kind::remove,
         device_peer(peer)});
    const auto applied = device_.apply(update);
    // The policy follows the registry even when the device did not: a peer
    // the registry took out of service must lose the WMS at once.
    effects_.update_policy({peer});
    effects_.rearm_expiry();
    if (!applied) {
        answer = ControlReply::failure(ControlStatus::failed,
                                       "the registry is changed but " + device_.interface_name() +
                                           " refused the update (" + applied.error().message() +
                                           "); restarting wmsgated reconciles the device");
    }
    if (active && !old_key) return reply(std::move(answer));

    std::vector<boost::asio::ip::address> addresses{peer.ipv4};
    if (peer.ipv6) addresses.emplace_back(*peer.ipv6);
    effects_.disconnect(addresses,
                        [reply = std::move(reply), answer = std::move(answer)] { reply(answer); });
}

void PeerCommands::add(const nlohmann::json& a, const Caller& caller, ControlReplyFn& reply) {
    auto name = args::peer_name(a);
    if (!name) return reply(name.error());
    if (!provisioning::is_valid_peer_name(*name)) {
        return reply(
            args::failure(make_error_code(provisioning::Errc::invalid_name), "\"" + *name + "\""));
    }
    auto groups = args::name_list(a, "groups");
    if (!groups) return reply(groups.error());
    auto layers = args::name_list(a, "layers");
    if (!layers) return reply(layers.error());
    auto expires_text = args::text(a, "expires");
    if (!expires_text) return reply(expires_text.error());
    auto public_key_text = args::text(a, "public_key");
    if (!public_key_text) return reply(public_key_text.error());
    const auto group_names = groups->value_or(std::vector<std::string>{});
    const auto layer_names = layers->value_or(std::vector<std::string>{});
    if (auto ok = args::known_groups(config_, group_names); !ok) return reply(ok.error());
    if (auto ok = args::known_layers(config_, layer_names); !ok) return reply(ok.error());
    std::optional<provisioning::Seconds> expires;
    if (*expires_text) {
        auto parsed = parse_expiry_arg(**expires_text);
        if (!parsed) return reply(parsed.error());
        expires = *parsed;
    }

    provisioning::NewPeer peer;
    peer.name = *name;
    peer.groups = group_names;
    peer.layers = layer_names;
    peer.expires = expires;
    std::optional<netcfg::SecretKey> private_key;
    if (*public_key_text) {
        auto parsed = netcfg::PublicKey::from_base64(**public_key_text);
        if (!parsed) {
            return reply(ControlReply::failure(ControlStatus::invalid,
                                               "--public-key: " + parsed.error().message()));
        }
        peer.public_key = *parsed;
        peer.key_origin = provisioning::KeyOrigin::client;
    } else {
        private_key = netcfg::SecretKey::generate_private();
        peer.public_key = private_key->public_key();
        peer.key_origin = provisioning::KeyOrigin::appliance;
    }
    if (!args::flag(a, "no_psk")) peer.preshared_key = netcfg::SecretKey::generate_preshared();

    auto pool = address_pool();
    if (!pool) return reply(args::failure(pool.error()));
    auto addresses = (*pool)->next();
    if (!addresses) return reply(args::failure(addresses.error()));
    peer.ipv4 = addresses->ipv4;
    peer.ipv6 = addresses->ipv6;

    const std::string details =
        "groups=" + joined(peer.groups) + " layers=" + joined(peer.layers) +
        " expires=" + (expires ? provisioning::format_utc(*expires) : "never") +
        " key=" + provisioning::to_string(peer.key_origin);
    auto added = registry_.add(peer, actor_of(caller, details));
    if (!added) {
        // The pool missed an address the registry holds: read it again.
        if (added.error() == provisioning::Errc::address_taken) pool_.reset();
        return reply(args::failure(added.error()));
    }
    (*pool)->take(*addresses);

    netcfg::DeviceUpdate update;
    update.peers.push_back({netcfg::PeerUpdate::Kind::upsert, device_peer(*added)});
    if (auto applied = device_.apply(update); !applied) {
        // Without the device entry the peer could never connect: undo the
        // add, so that the admin can simply try again.
        if (registry_.remove(*name, actor_of(caller, "device refused the add"))) {
            (*pool)->release(*addresses);
        }
        return reply(ControlReply::failure(
            ControlStatus::failed, "could not add the peer to " + device_.interface_name() + ": " +
                                       applied.error().message()));
    }
    effects_.update_policy({*added});
    effects_.rearm_expiry();

    auto result = peer_json(*added, Clock::now());
    result["config"] = client_config(*added, private_key ? &*private_key : nullptr);
    reply(ControlReply::success(std::move(result)));
}

void PeerCommands::set(const nlohmann::json& a, const Caller& caller, ControlReplyFn& reply) {
    auto name = args::peer_name(a);
    if (!name) return reply(name.error());
    provisioning::PeerChange change;
    auto groups = args::name_list(a, "groups");
    if (!groups) return reply(groups.error());
    auto layers = args::name_list(a, "layers");
    if (!layers) return reply(layers.error());
    auto expires_text = args::text(a, "expires");
    if (!expires_text) return reply(expires_text.error());
    std::string details;
    if (*groups) {
        if (auto ok = args::known_groups(config_, **groups); !ok) return reply(ok.error());
        change.groups = **groups;
        details += "groups=" + joined(**groups) + " ";
    }
    if (*layers) {
        if (auto ok = args::known_layers(config_, **layers); !ok) return reply(ok.error());
        change.layers = **layers;
        details += "layers=" + joined(**layers) + " ";
    }
    if (*expires_text) {
        auto parsed = parse_expiry_arg(**expires_text);
        if (!parsed) return reply(parsed.error());
        change.expires = *parsed;
        details += "expires=" + (*parsed ? provisioning::format_utc(**parsed) : "never");
    }
    if (details.empty()) {
        return reply(ControlReply::failure(ControlStatus::invalid,
                                           "nothing to change: give --groups, --layers or "
                                           "--expires"));
    }
    follow_change(*name, registry_.change(*name, change, actor_of(caller, details)), reply);
}

void PeerCommands::follow_change(const std::string& name,
                                 tl::expected<provisioning::Peer, std::error_code> changed,
                                 ControlReplyFn& reply) {
    if (!changed) return reply(args::failure(changed.error(), "peer \"" + name + "\""));
    follow(*changed, std::nullopt, ControlReply::success(peer_json(*changed, Clock::now())),
           std::move(reply));
}

void PeerCommands::disable(const nlohmann::json& a, const Caller& caller, ControlReplyFn& reply) {
    set_in_service(a, caller, reply, Service::out);
}

void PeerCommands::enable(const nlohmann::json& a, const Caller& caller, ControlReplyFn& reply) {
    set_in_service(a, caller, reply, Service::in);
}

void PeerCommands::set_in_service(const nlohmann::json& a, const Caller& caller,
                                  ControlReplyFn& reply, Service service) {
    auto name = args::peer_name(a);
    if (!name) return reply(name.error());
    follow_change(*name, registry_.set_disabled(*name, service == Service::out, actor_of(caller)),
                  reply);
}

void PeerCommands::revoke(const nlohmann::json& a, const Caller& caller, ControlReplyFn& reply) {
    auto name = args::peer_name(a);
    if (!name) return reply(name.error());
    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(Clock::now());
    follow_change(*name, registry_.revoke(*name, now, actor_of(caller)), reply);
}

void PeerCommands::rotate(const nlohmann::json& a, const Caller& caller, ControlReplyFn& reply) {
    auto name = args::peer_name(a);
    if (!name) return reply(name.error());
    auto before = registry_.find(*name);
    if (!before) return reply(args::failure(before.error()));
    if (!*before) {
        return reply(args::failure(make_error_code(provisioning::Errc::not_found),
                                   "peer \"" + *name + "\""));
    }
    const auto private_key = netcfg::SecretKey::generate_private();
    std::optional<netcfg::SecretKey> psk;
    if ((*before)->preshared_key) psk = netcfg::SecretKey::generate_preshared();
    auto changed = registry_.rotate_key(*name, private_key.public_key(), psk,
                                        provisioning::KeyOrigin::appliance,
                                        actor_of(caller, "new appliance-made key pair"));
    if (!changed) return reply(args::failure(changed.error(), "peer \"" + *name + "\""));
    auto result = peer_json(*changed, Clock::now());
    result["config"] = client_config(*changed, &private_key);
    follow(*changed, (*before)->public_key, ControlReply::success(std::move(result)),
           std::move(reply));
}

void PeerCommands::expire(provisioning::Seconds after, provisioning::Seconds upto) {
    auto names = registry_.expiring(after, upto);
    if (!names || names->empty()) return;
    std::vector<provisioning::Peer> expired;
    std::vector<provisioning::AuditEntry> audit;
    netcfg::DeviceUpdate update;
    std::vector<boost::asio::ip::address> addresses;
    for (const auto& name : *names) {
        auto peer = registry_.find(name);
        if (!peer || !*peer) continue;
        audit.push_back({upto, -1, "expire", name, "expired " + provisioning::format_utc(upto)});
        update.peers.push_back({netcfg::PeerUpdate::Kind::remove, device_peer(**peer)});
        addresses.emplace_back((*peer)->ipv4);
        if ((*peer)->ipv6) addresses.emplace_back(*(*peer)->ipv6);
        expired.push_back(std::move(**peer));
    }
    if (expired.empty()) return;
    (void)registry_.audit(audit);
    // A device that refused is repaired by the next start-up's reconcile;
    // until then the policy below keeps the expired peers from the WMS.
    (void)device_.apply(update);
    effects_.update_policy(expired);
    effects_.disconnect(addresses, [] {});
}

tl::expected<provisioning::AddressPool*, std::error_code> PeerCommands::address_pool() {
    // A reload cannot change the prefixes (that needs a restart), but a pool
    // of other prefixes than the config's must never be used.
    if (!pool_ || pool_prefixes_ != config_.interface.addresses) {
        pool_.reset();
        pool_prefixes_ = config_.interface.addresses;
        auto taken = registry_.taken_addresses();
        if (!taken) return tl::unexpected(taken.error());
        auto pool = provisioning::AddressPool::make(config_.interface.addresses, *taken);
        if (!pool) return tl::unexpected(pool.error());
        pool_ = std::move(*pool);
    }
    return &*pool_;
}

}  // namespace wmsgate::daemon
