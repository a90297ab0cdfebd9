#pragma once

// What a registry shared by a fleet tells the other appliances after each
// change to a peer: a PostgreSQL NOTIFY on one channel, sent inside the
// change's transaction (so it is delivered exactly when the change is
// committed, and never for a change rolled back). The payload is text:
//   "<origin> <peer name>"  or  "<origin> <peer name> <old public key>"
// The origin tells an appliance its own changes, which it applied already;
// the old key, after a rotation, is the one that must leave every device.

#include <optional>
#include <string>
#include <string_view>

#include "netcfg/key.hpp"

namespace wmsgate::provisioning {

inline constexpr const char* change_channel = "wmsgate_peers";

struct ChangeNotice {
    std::string origin;
    std::string peer;
    std::optional<netcfg::PublicKey> old_key;
};

std::string change_payload(const ChangeNotice& notice);
// nullopt for a payload not of that form (not ours: ignored).
std::optional<ChangeNotice> parse_change_payload(std::string_view payload);

}  // namespace wmsgate::provisioning
