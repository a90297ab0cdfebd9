#pragma once

#include <optional>
#include <string>
#include <tl/expected.hpp>

namespace wmsgate::daemon {

// The listening control socket systemd passed by socket activation
// (wmsgate-control.socket), or nullopt when the daemon was started without
// one and makes its own. Exactly one Unix stream socket in listening state
// is accepted; anything else passed is an error worded for the admin. The
// LISTEN_* variables are removed, so children (wireguard-go) never see them.
tl::expected<std::optional<int>, std::string> inherited_control_socket();

}  // namespace wmsgate::daemon
