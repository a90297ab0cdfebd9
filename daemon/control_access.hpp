#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <tl/expected.hpp>

#include "daemon/config.hpp"
#include "daemon/control_server.hpp"
#include "daemon/log.hpp"
#include "daemon/startup_error.hpp"
#include "provisioning/registry.hpp"

namespace wmsgate::daemon {

// The gid of group `name`; nullopt when there is no such group.
std::optional<gid_t> group_id(const std::string& name);

// Starts `server` listening. Under systemd the socket comes from
// wmsgate-control.socket, which owns the file, its group and mode (the
// daemon's user may not chown to the admin group, nor create files in
// /run). Run by hand, the daemon makes it at daemon.control_socket.
tl::expected<void, StartupError> listen_for_control(ControlServer& server,
                                                    const DaemonSection& daemon, const Log& log);

// `reply`, logging the command, its caller and whether it succeeded first.
ControlReplyFn logged_reply(const Log& log, std::string command, const Caller& caller,
                            ControlReplyFn reply);

// A caller refused for not being an admin: an audit line and a warning.
void record_refused_caller(provisioning::Registry& registry, const Log& log, const Caller& caller,
                           const std::string& command);

}  // namespace wmsgate::daemon
