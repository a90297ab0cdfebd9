#pragma once

#include <string_view>

namespace wmsgate::provisioning {

// Names of new peers: [a-z0-9][a-z0-9._-]{0,62}. Safe in file names, in
// comma-separated lists, on command lines and in log lines. (Peers from
// schema v1 may have older, looser names; they can still be found.)
bool is_valid_peer_name(std::string_view name);
// Group and layer names: 1..64 of [A-Za-z0-9._-], not starting with '-' or '.'.
bool is_valid_group_name(std::string_view name);

}  // namespace wmsgate::provisioning
