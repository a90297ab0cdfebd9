#pragma once

// Fixed keys (made once with `wg genkey | wg pubkey` and `wg genpsk`), so
// tests can compare exact text.

#include <string_view>

#include "netcfg/key.hpp"

namespace wmsgate::provisioning::test {

inline constexpr std::string_view client_private_b64 =
    "kPwOkjKGAH1yh7KzINruLlvlOmT1oazaqLsL1XkeCl0=";
inline constexpr std::string_view client_public_b64 =
    "46vxOipAF3+0R+4L5DvydprP8riuMDj24oPueHNrRBw=";
inline constexpr std::string_view other_public_b64 = "BpcFLNWLRjfDQsZBK4OmQc7ym0fA1kPEu7nf4KbvvX4=";
inline constexpr std::string_view appliance_public_b64 =
    "DsOm4q7X89BzZZDWzKx8xr+GOhcG4ZINE9iEq9TdWhw=";
inline constexpr std::string_view psk_b64 = "CMl4yxkZ2Vm1Fd8bWbHXJSKqBynq4wQ4pTfpuhlqoJU=";

inline netcfg::PublicKey public_key(std::string_view b64) {
    return netcfg::PublicKey::from_base64(b64).value();
}
inline netcfg::SecretKey secret_key(std::string_view b64) {
    return netcfg::SecretKey::from_base64(b64).value();
}

}  // namespace wmsgate::provisioning::test
