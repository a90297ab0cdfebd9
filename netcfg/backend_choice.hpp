#pragma once

#include <optional>
#include <string_view>

namespace wmsgate::netcfg {

// Which WireGuard implementation drives the interface ([interface] backend).
enum class BackendChoice { automatic, kernel, uapi };

// "auto", "kernel", "uapi"; nullopt for anything else.
std::optional<BackendChoice> parse_backend_choice(std::string_view text);

}  // namespace wmsgate::netcfg
