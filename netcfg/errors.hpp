#pragma once

#include <system_error>

namespace wmsgate::netcfg {

// Every failure netcfg reports. Messages tell a person what to check or do;
// callers add which interface or peer was involved when they log.
enum class Errc {
    invalid_key = 1,
    invalid_address,
    interface_name_invalid,
    interface_taken,
    link_not_found,
    netlink_failed,
    uapi_unreachable,
    uapi_protocol,
    uapi_rejected,
    wireguard_go_missing,
    wireguard_go_failed,
    key_file_insecure,
    io_failed,
    uapi_timeout,
    invalid_endpoint,
    kernel_wireguard_missing,
    netlink_protocol,
    netlink_dump_interrupted,
    backend_mismatch,
};

const std::error_category& netcfg_category() noexcept;

inline std::error_code make_error_code(Errc e) noexcept {
    return {static_cast<int>(e), netcfg_category()};
}

}  // namespace wmsgate::netcfg

template <>
struct std::is_error_code_enum<wmsgate::netcfg::Errc> : std::true_type {};
