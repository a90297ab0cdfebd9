#pragma once

#include <filesystem>
#include <tl/expected.hpp>

#include "daemon/startup_error.hpp"
#include "netcfg/key.hpp"

namespace wmsgate::daemon {

// The appliance's WireGuard private key, `server.key` in the state
// directory: read when it exists, made (and written 0600) on the first
// start. The directory is created if missing and made 0700.
tl::expected<netcfg::SecretKey, StartupError> load_or_make_server_key(
    const std::filesystem::path& state_dir);

}  // namespace wmsgate::daemon
