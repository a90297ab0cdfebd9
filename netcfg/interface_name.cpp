#include "netcfg/interface_name.hpp"

#include <net/if.h>

#include "netcfg/errors.hpp"

namespace wmsgate::netcfg {

tl::expected<void, std::error_code> check_interface_name(std::string_view name) {
    const auto invalid = tl::unexpected(make_error_code(Errc::interface_name_invalid));
    if (name.empty() || name.size() >= IFNAMSIZ || name == "." || name == "..") return invalid;
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        // The kernel's dev_valid_name() refuses '/', ':' and whitespace. ASCII
        // control characters are refused too, so a name never breaks a log line.
        if (c == '/' || c == ':' || u <= 0x20 || u == 0x7f) return invalid;
    }
    return {};
}

}  // namespace wmsgate::netcfg
