#pragma once

#include <nlohmann/json.hpp>

#include "provisioning/peer.hpp"

namespace wmsgate::daemon {

// A peer as control replies describe it (no key but the public one). Times
// are ISO 8601 UTC strings, null when absent.
nlohmann::json peer_json(const provisioning::Peer& peer, provisioning::Clock::time_point now);

nlohmann::json audit_json(const provisioning::AuditEntry& entry);

}  // namespace wmsgate::daemon
