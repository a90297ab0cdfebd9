#pragma once

#include <string>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>

#include "provisioning/peer.hpp"

namespace wmsgate::provisioning {

// An expiry as an admin writes it: a duration from `now` ("90s", "45m",
// "12h", "30d", "2w") or a UTC date ("2027-01-31", meaning 00:00 UTC of that
// day) or date and time ("2027-01-31T12:00:00Z"). Errors: invalid_expiry for
// anything else, expiry_in_past for a time at or before `now`.
tl::expected<Seconds, std::error_code> parse_expiry(std::string_view text, Clock::time_point now);

// "2027-01-31T00:00:00Z".
std::string format_utc(Seconds time);

}  // namespace wmsgate::provisioning
