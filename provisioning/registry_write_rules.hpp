#pragma once

// What every registry backend does alike before and around a write: the
// time and audit line of a change, group and layer names checked, and the
// columns a new peer must not share with another. Private to provisioning/;
// each backend puts these into its own SQL.

#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

#include "provisioning/errors.hpp"
#include "provisioning/peer.hpp"
#include "provisioning/registry_backend.hpp"

namespace wmsgate::provisioning::write_rules {

Seconds now_seconds();

// The audit line of a change `actor` made now.
AuditEntry audit_of(const Actor& actor, std::string action, std::string_view peer);

// `names` as a set, or `invalid` when one is not a valid group or layer name.
tl::expected<std::set<std::string>, std::error_code> checked_names(
    const std::vector<std::string>& names, Errc invalid);

// A value of a new peer that no stored peer may hold in `column`.
struct UniqueValue {
    const char* column;
    std::string value;
    Errc taken;  // the error when another peer holds it
};
// Checked in this order before the insert, for an error that names the
// clash; the schema's UNIQUE constraints stay the last line of defence.
std::vector<UniqueValue> unique_values(const NewPeer& peer);

}  // namespace wmsgate::provisioning::write_rules
