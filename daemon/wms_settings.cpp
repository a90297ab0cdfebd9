#include "daemon/wms_settings.hpp"

namespace wmsgate::daemon {

wms::ServiceConfig wms_service(const Config& config) {
    wms::ServiceConfig service = config.wms.service;
    service.online_resource = config.wms_url();
    service.layers = config.layers;
    return service;
}

wms::ServerOptions wms_server_options(const Config& config) {
    wms::ServerOptions options;
    options.bind_address = config.tunnel_ipv4().address;
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

}  // namespace wmsgate::daemon
