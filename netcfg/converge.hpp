#pragma once

#include <cstddef>
#include <cstdint>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

#include "netcfg/key.hpp"
#include "netcfg/wg_device.hpp"

namespace wmsgate::netcfg {

// Everything the device should hold when it is in step with its owner's
// records: identity, port, no firewall mark, and exactly these peers.
struct DesiredDevice {
    SecretKey private_key;
    std::uint16_t listen_port = 0;
    std::vector<WgPeer> peers;
};

// What converge_device() had to change.
struct Convergence {
    bool identity_changed = false;  // private key, listen port or fwmark
    std::size_t peers_removed = 0;
    std::size_t peers_written = 0;  // added, or corrected in place
};

// Reads the device and sends only the differences that turn it into
// `desired`, whether it is new (everything is sent), was left behind by a
// process that died (stray, revoked or expired peers are removed), or was
// edited by hand. Nothing is sent when it already matches. A device that
// cannot be read or refuses the update is an error, and then its state is
// whatever the backend managed to apply; calling again converges from there.
tl::expected<Convergence, std::error_code> converge_device(WgDevice& device,
                                                           const DesiredDevice& desired);

}  // namespace wmsgate::netcfg
