#include "daemon/reload_check.hpp"

#include <algorithm>

namespace wmsgate::daemon {

std::vector<std::string> keys_needing_restart(const Config& running, const Config& next) {
    std::vector<std::string> keys;
    auto differs = [&keys](bool changed, const char* key) {
        if (changed) keys.emplace_back(key);
    };
    differs(running.daemon.state_dir != next.daemon.state_dir, "daemon.state_dir");
    differs(running.daemon.control_socket != next.daemon.control_socket, "daemon.control_socket");
    differs(running.daemon.admin_group != next.daemon.admin_group, "daemon.admin_group");
    differs(running.registry.backend != next.registry.backend, "registry.backend");
    differs(running.registry.dsn != next.registry.dsn, "registry.dsn");
    differs(running.interface.name != next.interface.name, "interface.name");
    differs(running.interface.listen_port != next.interface.listen_port, "interface.listen_port");
    differs(running.interface.addresses != next.interface.addresses, "interface.address");
    differs(running.interface.backend != next.interface.backend, "interface.backend");
    differs(running.wms.port != next.wms.port, "wms.port");
    differs(running.wms.render_threads != next.wms.render_threads, "wms.render_threads");
    differs(running.wms.max_connections != next.wms.max_connections, "wms.max_connections");
    differs(running.wms.max_connections_per_peer != next.wms.max_connections_per_peer,
            "wms.max_connections_per_peer");
    differs(running.wms.max_renders_per_peer != next.wms.max_renders_per_peer,
            "wms.max_renders_per_peer");
    differs(running.wms.max_queued_requests != next.wms.max_queued_requests,
            "wms.max_queued_requests");
    differs(running.wms.request_timeout != next.wms.request_timeout, "wms.request_timeout");
    differs(running.wms.write_timeout != next.wms.write_timeout, "wms.write_timeout");
    return keys;
}

DanglingGrants dangling_grants(const std::vector<provisioning::Peer>& peers, const Config& config) {
    DanglingGrants out;
    for (const auto& peer : peers) {
        for (const auto& group : peer.groups)
            if (!config.groups.contains(group)) out.groups.insert(group);
        for (const auto& layer : peer.layers) {
            const bool known = std::any_of(config.layers.begin(), config.layers.end(),
                                           [&](const auto& l) { return l.name == layer; });
            if (!known) out.layers.insert(layer);
        }
    }
    return out;
}

}  // namespace wmsgate::daemon
