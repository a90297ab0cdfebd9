#include "daemon/peer_commands.hpp"

#include <chrono>

#include "provisioning/address_pool.hpp"
#include "provisioning/client_config.hpp"
#include "provisioning/errors.hpp"

namespace wmsgate::daemon {
namespace {

using provisioning::Errc;

ControlReply failure_from(const std::error_code& ec) {
    if (ec == Errc::name_taken || ec == Errc::public_key_taken || ec == Errc::address_taken) {
        return ControlReply::failure(ControlStatus::conflict, ec.message());
    }
    if (ec == Errc::not_found) return ControlReply::failure(ControlStatus::not_found, ec.message());
    if (ec == Errc::invalid_name)
        return ControlReply::failure(ControlStatus::invalid, ec.message());
    return ControlReply::failure(ControlStatus::failed, ec.message());
}

tl::expected<std::vector<std::string>, std::string> string_list(const nlohmann::json& args,
                                                                const char* key) {
    std::vector<std::string> out;
    const auto it = args.find(key);
    if (it == args.end() || it->is_null()) return out;
    if (!it->is_array()) return tl::unexpected(std::string(key) + " must be a list of names");
    for (const auto& item : *it) {
        if (!item.is_string()) return tl::unexpected(std::string(key) + " must be a list of names");
        out.push_back(item.get<std::string>());
    }
    return out;
}

std::string known_groups(const Config& config) {
    std::string out;
    for (const auto& [name, layers] : config.groups) out += (out.empty() ? "" : ", ") + name;
    return out.empty() ? "(none defined)" : out;
}

nlohmann::json peer_json(const provisioning::Peer& peer) {
    const auto created =
        std::chrono::duration_cast<std::chrono::seconds>(peer.created.time_since_epoch());
    return {{"name", peer.name},
            {"address", peer.ipv4.to_string()},
            {"public_key", peer.public_key.base64()},
            {"groups", peer.groups},
            {"created", created.count()}};
}

}  // namespace

std::vector<netcfg::WgPeer> device_peers(const std::vector<provisioning::Peer>& peers) {
    std::vector<netcfg::WgPeer> out;
    out.reserve(peers.size());
    for (const auto& peer : peers) {
        netcfg::WgPeer device_peer;
        device_peer.public_key = peer.public_key;
        device_peer.preshared_key = peer.preshared_key;
        device_peer.allowed_ips = {netcfg::IpPrefix::host(peer.ipv4)};
        out.push_back(std::move(device_peer));
    }
    return out;
}

PeerCommands::PeerCommands(const Config& config, provisioning::Registry& registry,
                           netcfg::WgDevice& device, netcfg::PublicKey server_key,
                           std::function<void()> on_peers_changed)
    : config_(config),
      registry_(registry),
      device_(device),
      server_key_(server_key),
      on_peers_changed_(std::move(on_peers_changed)) {}

ControlReply PeerCommands::handle(const ControlRequest& request, const Caller&) {
    if (request.command == "peer.add") return add(request.args);
    if (request.command == "peer.list") return list();
    return ControlReply::failure(ControlStatus::invalid,
                                 "unknown command \"" + request.command + "\"");
}

ControlReply PeerCommands::add(const nlohmann::json& args) {
    const auto name = args.value("name", std::string());
    if (!provisioning::is_valid_peer_name(name)) {
        return ControlReply::failure(
            ControlStatus::invalid,
            "invalid peer name \"" + name + "\": use 1 to 64 letters, digits, '.', '_' or '-'");
    }
    auto groups = string_list(args, "groups");
    if (!groups) return ControlReply::failure(ControlStatus::invalid, groups.error());
    for (const auto& group : *groups) {
        if (!config_.groups.contains(group)) {
            return ControlReply::failure(ControlStatus::invalid,
                                         "unknown group \"" + group + "\"; groups in " +
                                             config_.file.string() + ": " + known_groups(config_));
        }
    }

    std::optional<netcfg::SecretKey> private_key;
    netcfg::PublicKey public_key;
    if (const auto it = args.find("public_key"); it != args.end() && !it->is_null()) {
        auto parsed = netcfg::PublicKey::from_base64(it->is_string() ? it->get<std::string>() : "");
        if (!parsed) {
            return ControlReply::failure(ControlStatus::invalid,
                                         "--public-key: " + parsed.error().message());
        }
        public_key = *parsed;
    } else {
        private_key = netcfg::SecretKey::generate_private();
        public_key = private_key->public_key();
    }

    auto existing = registry_.list();
    if (!existing) return failure_from(existing.error());
    std::vector<boost::asio::ip::address_v4> taken;
    for (const auto& peer : *existing) taken.push_back(peer.ipv4);
    auto address = provisioning::next_free_ipv4(config_.tunnel_ipv4(), taken);
    if (!address) return failure_from(address.error());

    auto added = registry_.add(
        {name, public_key, netcfg::SecretKey::generate_preshared(), *address, *groups});
    if (!added) return failure_from(added.error());

    netcfg::DeviceUpdate update;
    update.peers.push_back({netcfg::PeerUpdate::Kind::upsert, device_peers({*added}).front()});
    if (auto applied = device_.apply(update); !applied) {
        // Keep registry and device in step: without the device entry the
        // peer could never connect, so the add did not happen.
        (void)registry_.remove(name);
        return ControlReply::failure(ControlStatus::failed, "could not add the peer to " +
                                                                device_.interface_name() + ": " +
                                                                applied.error().message());
    }
    on_peers_changed_();

    const provisioning::ApplianceInfo appliance{
        server_key_, config_.interface.endpoint, config_.interface.addresses,
        "http://" + config_.tunnel_ipv4().address.to_string() + ":" +
            std::to_string(config_.wms.port) + "/wms"};
    auto result = peer_json(*added);
    result["config"] =
        provisioning::client_config_text(*added, appliance, private_key ? &*private_key : nullptr);
    return ControlReply::success(std::move(result));
}

ControlReply PeerCommands::list() {
    auto peers = registry_.list();
    if (!peers) return failure_from(peers.error());
    nlohmann::json result = nlohmann::json::array();
    for (const auto& peer : *peers) result.push_back(peer_json(peer));
    return ControlReply::success(std::move(result));
}

}  // namespace wmsgate::daemon
