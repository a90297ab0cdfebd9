#include "daemon/wms_settings.hpp"

#include <algorithm>

namespace wmsgate::daemon {

wms::ServiceConfig wms_service(const Config& config) {
    wms::ServiceConfig service = config.wms.service;
    service.online_resource = config.wms_url();
    service.layers = config.layers;
    return service;
}

// The tunnel's IPv4 address and, where the interface has an IPv6 one, the
// first (the prefix peers get their IPv6 addresses from): an IPv6 peer
// reaches the map service through the tunnel as an IPv4 one does.
std::vector<boost::asio::ip::address> wms_addresses(const Config& config) {
    std::vector<boost::asio::ip::address> out{config.tunnel_ipv4().address};
    const auto& prefixes = config.interface.addresses;
    const auto v6 = std::find_if(prefixes.begin(), prefixes.end(),
                                 [](const auto& p) { return p.address.is_v6(); });
    if (v6 != prefixes.end()) out.push_back(v6->address);
    return out;
}

wms::ServerOptions wms_server_options(const Config& config) {
    wms::ServerOptions options;
    options.bind_addresses = wms_addresses(config);
    options.port = config.wms.port;
    options.bind_device = config.interface.name;
    options.render_threads = config.wms.render_threads;
    options.read_timeout = config.wms.request_timeout;
    options.write_timeout = config.wms.write_timeout;
    options.max_connections = config.wms.max_connections;
    options.max_connections_per_client = config.wms.max_connections_per_peer;
    options.max_renders_per_client = config.wms.max_renders_per_peer;
    options.max_queued_requests = config.wms.max_queued_requests;
    return options;
}

void log_layer_warnings(const wms::Server& server, const Log& log) {
    for (const auto& warning : server.layer_warnings()) log.warning(warning);
}

}  // namespace wmsgate::daemon
