// PeerCommands: the commands that only read.

#include <map>

#include "daemon/command_args.hpp"
#include "daemon/peer_commands.hpp"
#include "daemon/peer_json.hpp"
#include "provisioning/errors.hpp"
#include "provisioning/expiry.hpp"

namespace wmsgate::daemon {
namespace {

using provisioning::Clock;

tl::expected<provisioning::Peer, ControlReply> find_peer(provisioning::Registry& registry,
                                                         const nlohmann::json& a) {
    auto name = args::peer_name(a);
    if (!name) return tl::unexpected(name.error());
    auto peer = registry.find(*name);
    if (!peer) return tl::unexpected(args::failure(peer.error()));
    if (!*peer) {
        return tl::unexpected(args::failure(make_error_code(provisioning::Errc::not_found),
                                            "peer \"" + *name + "\""));
    }
    return std::move(**peer);
}

// --since: a duration back from now ("1h", "7d") or a UTC date or time.
tl::expected<provisioning::Seconds, ControlReply> since_arg(const nlohmann::json& a) {
    auto text = args::text(a, "since");
    if (!text) return tl::unexpected(text.error());
    if (!*text) return provisioning::Seconds{};
    const auto now = Clock::now();
    // parse_expiry reads the same forms, forwards; a duration ahead of now
    // is mirrored back, a date is taken as it is.
    const bool is_date = (*text)->find('-') != std::string::npos;
    auto parsed = provisioning::parse_expiry(**text, is_date ? Clock::time_point{} : now);
    if (!parsed) return tl::unexpected(args::failure(parsed.error(), "--since " + **text));
    if (is_date) return *parsed;
    const auto now_s = std::chrono::time_point_cast<std::chrono::seconds>(now);
    return now_s - (*parsed - now_s);
}

}  // namespace

void PeerCommands::list(const nlohmann::json&, const Caller&, ControlReplyFn& reply) {
    auto peers = registry_.list();
    if (!peers) return reply(args::failure(peers.error()));
    const auto now = Clock::now();
    nlohmann::json result = nlohmann::json::array();
    for (const auto& peer : *peers) result.push_back(peer_json(peer, now));
    reply(ControlReply::success(std::move(result)));
}

void PeerCommands::show(const nlohmann::json& a, const Caller&, ControlReplyFn& reply) {
    auto peer = find_peer(registry_, a);
    if (!peer) return reply(peer.error());
    auto result = peer_json(*peer, Clock::now());
    result["requests_served"] = effects_.requests_served(peer->name);
    reply(ControlReply::success(std::move(result)));
}

void PeerCommands::config(const nlohmann::json& a, const Caller&, ControlReplyFn& reply) {
    auto peer = find_peer(registry_, a);
    if (!peer) return reply(peer.error());
    if (peer->revoked) {
        return reply(ControlReply::failure(
            ControlStatus::conflict, "peer \"" + peer->name + "\" is revoked; its config is void"));
    }
    if (peer->key_origin == provisioning::KeyOrigin::appliance) {
        return reply(ControlReply::failure(
            ControlStatus::conflict,
            "peer \"" + peer->name +
                "\" has a key pair made by the appliance, whose private key was shown once and "
                "never stored, so its config cannot be printed again; 'wmsgatectl peer rotate " +
                peer->name + "' issues a new key pair and config (the old one stops working)"));
    }
    auto result = peer_json(*peer, Clock::now());
    // The client made its key: the config has a placeholder for it.
    result["config"] = client_config(*peer, nullptr);
    reply(ControlReply::success(std::move(result)));
}

void PeerCommands::group_list(const nlohmann::json&, const Caller&, ControlReplyFn& reply) {
    nlohmann::json result = nlohmann::json::array();
    for (const auto& [name, layers] : config_.groups) {
        // Layer -> area file, for the layers the group shows only inside one.
        nlohmann::json areas = nlohmann::json::object();
        if (const auto limits = config_.group_areas.find(name); limits != config_.group_areas.end())
            for (const auto& [layer, area] : limits->second) areas[layer] = area;
        result.push_back({{"name", name}, {"layers", layers}, {"areas", std::move(areas)}});
    }
    reply(ControlReply::success(std::move(result)));
}

void PeerCommands::layer_list(const nlohmann::json&, const Caller&, ControlReplyFn& reply) {
    nlohmann::json result = nlohmann::json::array();
    for (const auto& layer : config_.layers) {
        std::vector<std::string> groups;
        for (const auto& [name, layers] : config_.groups)
            if (layers.contains(layer.name)) groups.push_back(name);
        result.push_back({{"name", layer.name}, {"title", layer.title}, {"groups", groups}});
    }
    reply(ControlReply::success(std::move(result)));
}

// With a fleet's registry out of reach, status still answers: the device's
// figures, the registry's state, and no peer rows (the registry holds them).
void PeerCommands::status(const nlohmann::json&, const Caller&, ControlReplyFn& reply) {
    const auto health = effects_.registry_health ? effects_.registry_health() : RegistryHealth{};
    auto peers = registry_.list();
    if (!peers && !(health.shared && !health.reachable)) return reply(args::failure(peers.error()));
    auto device = device_.get();
    if (!device) {
        return reply(ControlReply::failure(
            ControlStatus::failed,
            "cannot read " + device_.interface_name() + ": " + device.error().message()));
    }
    std::map<netcfg::PublicKey, const netcfg::WgPeer*> on_device;
    for (const auto& peer : device->peers) on_device.emplace(peer.public_key, &peer);

    const auto now = Clock::now();
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& peer : peers ? *peers : std::vector<provisioning::Peer>{}) {
        nlohmann::json row{{"name", peer.name},
                           {"state", provisioning::to_string(peer.state(now))},
                           {"address", peer.ipv4.to_string()},
                           {"on_device", false},
                           {"endpoint", nullptr},
                           {"last_handshake", nullptr},
                           {"rx_bytes", 0},
                           {"tx_bytes", 0},
                           {"requests_served", effects_.requests_served(peer.name)}};
        if (const auto it = on_device.find(peer.public_key); it != on_device.end()) {
            const auto& wg = *it->second;
            row["on_device"] = true;
            if (wg.endpoint) row["endpoint"] = *wg.endpoint;
            if (wg.last_handshake.time_since_epoch().count() != 0) {
                row["last_handshake"] = provisioning::format_utc(
                    std::chrono::time_point_cast<std::chrono::seconds>(wg.last_handshake));
            }
            row["rx_bytes"] = wg.rx_bytes;
            row["tx_bytes"] = wg.tx_bytes;
        }
        rows.push_back(std::move(row));
    }
    nlohmann::json result{{"interface", device_.interface_name()},
                          {"public_key", server_key_.base64()},
                          {"listen_port", device->listen_port},
                          {"peers", std::move(rows)}};
    if (health.shared) {
        result["registry"] = {
            {"backend", "postgresql"},
            {"state", health.reachable ? "reachable" : "unreachable"},
            {"since", provisioning::format_utc(
                          std::chrono::time_point_cast<std::chrono::seconds>(health.since))},
            {"resyncs", health.resyncs},
            {"peers_on_device", device->peers.size()}};
    }
    reply(ControlReply::success(std::move(result)));
}

void PeerCommands::audit(const nlohmann::json& a, const Caller&, ControlReplyFn& reply) {
    auto since = since_arg(a);
    if (!since) return reply(since.error());
    auto entries = registry_.audit_since(*since);
    if (!entries) return reply(args::failure(entries.error()));
    nlohmann::json result = nlohmann::json::array();
    for (const auto& entry : *entries) result.push_back(audit_json(entry));
    reply(ControlReply::success(std::move(result)));
}

}  // namespace wmsgate::daemon
