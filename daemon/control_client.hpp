#pragma once

#include <filesystem>
#include <string>
#include <tl/expected.hpp>

#include "daemon/control_protocol.hpp"

namespace wmsgate::daemon {

// One request over the control socket, waiting for its reply. The error
// text says why the daemon could not be reached.
tl::expected<ControlReply, std::string> call_daemon(const std::filesystem::path& socket,
                                                    const ControlRequest& request);

}  // namespace wmsgate::daemon
