#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

#include "daemon/control_protocol.hpp"

namespace wmsgate::daemon {

// Who is on the other end of a control connection, as the kernel recorded
// it when the caller connected: pid, uid and gid from SO_PEERCRED, the
// supplementary groups from SO_PEERGROUPS.
struct Caller {
    pid_t pid = 0;
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
};

// True for uid 0 and for a caller holding admin_gid as its gid or among its
// supplementary groups. The process's own credentials count, not the group
// database: a process that dropped the admin group is no admin, whatever
// /etc/group says of its user.
bool caller_is_admin(const Caller& caller, std::optional<gid_t> admin_gid);

// Sends the one reply of a request. Call it exactly once, on the io_context.
using ControlReplyFn = std::function<void(ControlReply)>;
// Handles an admin's request; may answer later (e.g. once a revoked peer's
// connections are closed).
using ControlHandler =
    std::function<void(const ControlRequest&, const Caller&, ControlReplyFn reply)>;
// Told of every caller refused for not being an admin, with the command it
// asked for when it sent a readable one ("" otherwise).
using DeniedHandler = std::function<void(const Caller&, const std::string& command)>;

// The admin control socket: a Unix stream socket, mode 0660, group
// admin_group. One request line (at most max_control_line bytes, sent within
// `read_timeout`), one reply line, then the connection closes. Handlers run
// on the io_context's thread.
class ControlServer {
  public:
    ControlServer(boost::asio::io_context& io, std::filesystem::path path,
                  std::optional<gid_t> admin_gid, ControlHandler handler,
                  DeniedHandler on_denied = {},
                  std::chrono::milliseconds read_timeout = std::chrono::seconds(5));
    ~ControlServer();

    // Makes the socket: replaces a stale socket file, but refuses one a live
    // daemon answers on (errc::address_in_use). stop() removes the file.
    tl::expected<void, std::error_code> start();
    // Serves on a socket already bound and listening (systemd's socket
    // activation: the file, its group and mode are systemd's). stop() closes
    // it and leaves the file to systemd.
    tl::expected<void, std::error_code> adopt(int listening_fd);
    void stop();

    struct Shared;  // what sessions keep alive; defined in the .cpp

  private:
    void accept();

    boost::asio::local::stream_protocol::acceptor acceptor_;
    std::filesystem::path path_;  // empty for an adopted socket: not ours to remove
    std::shared_ptr<const Shared> shared_;
};

}  // namespace wmsgate::daemon
