#pragma once

#include <string>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>

#include "netcfg/wg_device.hpp"

namespace wmsgate::netcfg {

// The cross-platform WireGuard UAPI text protocol (wireguard.com/xplatform),
// spoken by wireguard-go on /var/run/wireguard/<ifname>.sock. Pure functions:
// no sockets, so they can be tested byte for byte and fuzzed.

// "set=1\n" ... "\n". Keys are hex. An upsert states the peer completely:
// preshared_key is always sent (all zeros = none), allowed IPs are replaced
// as a whole, and endpoint is only sent when given (the protocol cannot unset
// one). Precondition: every endpoint passed Endpoint::parse (UapiDevice checks
// this), so no value can smuggle a newline into the request.
// The result holds secret key text; wipe it after use.
std::string encode_set_request(const DeviceUpdate& update);

// The reply to "get=1\n\n", up to and including its blank line. The device's
// public key is computed from its private key; an all-zero preshared key means
// none. Unknown keys are skipped (newer wireguard-go versions add some).
// A nonzero errno (Debian's wireguard-go writes negative ones) gives
// Errc::uapi_rejected; anything malformed gives Errc::uapi_protocol.
tl::expected<WgDeviceState, std::error_code> decode_get_reply(std::string_view text);

// The reply to a set request: "errno=0\n\n" is success, any other errno
// Errc::uapi_rejected, anything else Errc::uapi_protocol.
tl::expected<void, std::error_code> decode_set_reply(std::string_view text);

}  // namespace wmsgate::netcfg
