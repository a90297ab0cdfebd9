#pragma once

#include <string_view>
#include <system_error>
#include <tl/expected.hpp>

namespace wmsgate::netcfg {

// A Linux interface name: 1 to 15 characters (IFNAMSIZ - 1), no '/', ':' or
// whitespace, and not "." or "..". The name also becomes a file name in
// /var/run/wireguard, so this check is what keeps it inside that directory.
tl::expected<void, std::error_code> check_interface_name(std::string_view name);

}  // namespace wmsgate::netcfg
