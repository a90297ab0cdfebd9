#pragma once

#include <string>
#include <tl/expected.hpp>
#include <vector>

#include "daemon/log.hpp"
#include "daemon/startup_error.hpp"
#include "netcfg/ip_prefix.hpp"
#include "netcfg/wg_backend.hpp"

namespace wmsgate::daemon {

// Opens (adopts or creates) the WireGuard device `name` with `backend`. A
// kernel link of our name is one a killed run of ours left behind (start-up
// converges it to the registry): it goes when we stop, as one we create
// does. An adopted wireguard-go belongs to whoever runs it.
tl::expected<netcfg::OpenedDevice, StartupError> open_tunnel_device(const std::string& name,
                                                                    netcfg::BackendChoice backend,
                                                                    const Log& log);

// Gives link `name` exactly the `wanted` addresses and sets it up. An
// adopted link may carry addresses of an earlier config: the WMS would
// otherwise answer on a prefix no longer ours. Link-local IPv6 is the
// kernel's own and stays.
tl::expected<void, StartupError> converge_addresses(const std::string& name,
                                                    const std::vector<netcfg::IpPrefix>& wanted);

}  // namespace wmsgate::daemon
