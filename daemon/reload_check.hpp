#pragma once

#include <string>
#include <vector>

#include "daemon/config.hpp"

namespace wmsgate::daemon {

// The keys that differ between the running config and a new one but only
// take effect at a restart: the tunnel, the listening socket, the state
// and control paths. A reload that changes any of them is refused whole,
// so the daemon never runs a mix of two configs. Empty: the new config can
// be applied live.
std::vector<std::string> keys_needing_restart(const Config& running, const Config& next);

}  // namespace wmsgate::daemon
