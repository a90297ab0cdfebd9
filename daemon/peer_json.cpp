#include "daemon/peer_json.hpp"

#include "provisioning/expiry.hpp"

namespace wmsgate::daemon {
namespace {

nlohmann::json time_json(const std::optional<provisioning::Seconds>& t) {
    if (!t) return nullptr;
    return provisioning::format_utc(*t);
}

}  // namespace

nlohmann::json peer_json(const provisioning::Peer& peer, provisioning::Clock::time_point now) {
    return {{"name", peer.name},
            {"state", provisioning::to_string(peer.state(now))},
            {"address", peer.ipv4.to_string()},
            {"ipv6", peer.ipv6 ? nlohmann::json(peer.ipv6->to_string()) : nlohmann::json()},
            {"public_key", peer.public_key.base64()},
            {"key_origin", provisioning::to_string(peer.key_origin)},
            {"preshared_key", peer.preshared_key.has_value()},
            {"groups", peer.groups},
            {"layers", peer.layers},
            {"created", provisioning::format_utc(peer.created)},
            {"expires", time_json(peer.expires)},
            {"disabled", peer.disabled},
            {"revoked", time_json(peer.revoked)}};
}

nlohmann::json audit_json(const provisioning::AuditEntry& entry) {
    return {{"time", provisioning::format_utc(entry.time)},
            {"caller_uid", entry.caller_uid},
            {"action", entry.action},
            {"peer", entry.peer.empty() ? nlohmann::json() : nlohmann::json(entry.peer)},
            {"details", entry.details}};
}

}  // namespace wmsgate::daemon
