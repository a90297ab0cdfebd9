#include "provisioning/registry_write_rules.hpp"

#include <algorithm>
#include <chrono>

#include "provisioning/names.hpp"

namespace wmsgate::provisioning::write_rules {

Seconds now_seconds() {
    return std::chrono::time_point_cast<std::chrono::seconds>(Clock::now());
}

AuditEntry audit_of(const Actor& actor, std::string action, std::string_view peer) {
    return {now_seconds(), actor.uid, std::move(action), std::string(peer), actor.details};
}

tl::expected<std::set<std::string>, std::error_code> checked_names(
    const std::vector<std::string>& names, Errc invalid) {
    if (!std::all_of(names.begin(), names.end(), is_valid_group_name))
        return tl::unexpected(make_error_code(invalid));
    return std::set<std::string>(names.begin(), names.end());
}

std::vector<UniqueValue> unique_values(const NewPeer& peer) {
    std::vector<UniqueValue> values = {
        {"name", peer.name, Errc::name_taken},
        {"public_key", peer.public_key.base64(), Errc::public_key_taken},
        {"ipv4", peer.ipv4.to_string(), Errc::address_taken},
    };
    if (peer.ipv6) values.push_back({"ipv6", peer.ipv6->to_string(), Errc::address_taken});
    return values;
}

}  // namespace wmsgate::provisioning::write_rules
