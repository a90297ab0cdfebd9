#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <system_error>
#include <tl/expected.hpp>

#include "daemon/control_protocol.hpp"

namespace wmsgate::daemon {

// Who is on the other end of a control connection, from SO_PEERCRED.
struct Caller {
    pid_t pid = 0;
    uid_t uid = 0;
    gid_t gid = 0;
};

// True for root and for members (primary or supplementary) of admin_gid.
bool caller_is_admin(const Caller& caller, std::optional<gid_t> admin_gid);

using ControlHandler = std::function<ControlReply(const ControlRequest&, const Caller&)>;

// The admin control socket: a Unix stream socket, mode 0660, group
// admin_group. One request line, one reply line, then the connection closes.
// Handlers run on the io_context's thread, one at a time.
class ControlServer {
  public:
    ControlServer(boost::asio::io_context& io, std::filesystem::path path,
                  std::optional<gid_t> admin_gid, ControlHandler handler);
    ~ControlServer();

    // Replaces a stale socket file, but refuses one a live daemon answers on.
    tl::expected<void, std::error_code> start();
    void stop();

  private:
    void accept();

    boost::asio::local::stream_protocol::acceptor acceptor_;
    std::filesystem::path path_;
    std::optional<gid_t> admin_gid_;
    std::shared_ptr<const ControlHandler> handler_;
};

}  // namespace wmsgate::daemon
