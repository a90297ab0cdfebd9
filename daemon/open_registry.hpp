#pragma once

#include <tl/expected.hpp>

#include "daemon/config.hpp"
#include "daemon/startup_error.hpp"
#include "netcfg/key.hpp"
#include "provisioning/registry.hpp"

namespace wmsgate::daemon {

// The registry the config names: SQLite in the state directory, or the
// fleet's PostgreSQL. A fleet's registry records the first appliance's
// server public key; an appliance with another key refuses to start,
// naming both, since a client's config would work with only some of the
// fleet. The error never shows the dsn (it may hold a password).
tl::expected<provisioning::Registry, StartupError> open_registry(
    const Config& config, const netcfg::PublicKey& server_key);

}  // namespace wmsgate::daemon
