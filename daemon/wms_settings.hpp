#pragma once

#include "daemon/config.hpp"
#include "daemon/log.hpp"
#include "wms/server.hpp"

namespace wmsgate::daemon {

// What the map service gets of a config: its settings, the layers, and the
// URL clients reach it at (Config::wms_url). Follows a reload.
wms::ServiceConfig wms_service(const Config& config);

// How the WMS listens: on the tunnel's IPv4 address and its first IPv6
// address (if any), both bound to the tunnel device, with the config's
// limits. Fixed until a restart.
wms::ServerOptions wms_server_options(const Config& config);

// Logs, one warning each, what the server found worth telling the admin
// about its layers (a vector source without a spatial index).
void log_layer_warnings(const wms::Server& server, const Log& log);

}  // namespace wmsgate::daemon
