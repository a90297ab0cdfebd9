#include "netcfg/errors.hpp"

#include <string>

namespace wmsgate::netcfg {
namespace {

class Category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "netcfg"; }
    std::string message(int value) const override {
        switch (static_cast<Errc>(value)) {
            case Errc::invalid_key:
                return "not a WireGuard key (expected 32 bytes as 44 base64 or 64 hex characters)";
            case Errc::invalid_address:
                return "not an IP address or prefix (expected e.g. 10.77.0.1/24 or fd77::1/64)";
            case Errc::interface_name_invalid:
                return "invalid interface name (1 to 15 characters, no '/', ':' or spaces)";
            case Errc::interface_taken:
                return "the interface name is already in use; choose another [interface] name "
                       "or remove the existing interface";
            case Errc::link_not_found:
                return "no network interface of that name";
            case Errc::netlink_failed:
                return "the kernel refused a netlink request (is CAP_NET_ADMIN granted?)";
            case Errc::uapi_unreachable:
                return "cannot reach the WireGuard control socket in /var/run/wireguard";
            case Errc::uapi_protocol:
                return "malformed reply from the WireGuard control socket";
            case Errc::uapi_rejected:
                return "WireGuard refused the configuration change";
            case Errc::wireguard_go_missing:
                return "wireguard-go is not installed; install it (apt-get install wireguard-go) "
                       "or use a kernel with WireGuard";
            case Errc::wireguard_go_failed:
                return "wireguard-go exited or did not create its control socket in time";
            case Errc::key_file_insecure:
                return "key file is readable by group or others; chmod 600 it";
            case Errc::io_failed:
                return "file input/output failed";
            case Errc::uapi_timeout:
                return "the WireGuard control socket did not answer in time; check that "
                       "wireguard-go is running and not stuck";
            case Errc::invalid_endpoint:
                return "not a peer endpoint (expected an IP address and port, e.g. "
                       "192.0.2.1:51820 or [2001:db8::1]:51820)";
            case Errc::kernel_wireguard_missing:
                return "this kernel has no WireGuard (unknown link kind or generic netlink family "
                       "\"wireguard\"); load it (modprobe wireguard, or a kernel >= 5.6 built "
                       "with CONFIG_WIREGUARD), or set [interface] backend = \"uapi\" or \"auto\" "
                       "to use wireguard-go";
            case Errc::netlink_protocol:
                return "malformed or unexpected netlink reply from the kernel";
            case Errc::netlink_dump_interrupted:
                return "the network device kept changing while it was read; try again";
            case Errc::backend_mismatch:
                return "the interface is a WireGuard device of the other backend (kernel vs "
                       "wireguard-go); set [interface] backend to match it, or remove it";
        }
        return "unknown netcfg error";
    }
};

}  // namespace

const std::error_category& netcfg_category() noexcept {
    static const Category category;
    return category;
}

}  // namespace wmsgate::netcfg
