#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

#include "netcfg/netlink_message.hpp"
#include "netcfg/netlink_reply.hpp"

struct mnl_socket;
struct nlmsghdr;

namespace wmsgate::netcfg {

// A netlink socket of one protocol (NETLINK_GENERIC for WireGuard) in the
// network namespace of the thread that opened it, moving requests and their
// replies. One request at a time; not thread-safe.
class NetlinkSocket {
  public:
    static tl::expected<NetlinkSocket, std::error_code> open(int protocol);

    using OnMessage = NetlinkReply::OnMessage;

    // Sends `request` (its sequence number is set here) and hands each data
    // message of the reply to `on_message`, up to the kernel's ack or the end
    // of the dump, as NetlinkReply reads it: an error ack gives
    // kernel_error_code(errno), with the kernel's explanation, if it sent
    // one, in last_error_text(); an interrupted dump (the object changed
    // while it was being read) gives Errc::netlink_dump_interrupted. The
    // receive buffer is wiped before returning, since replies may carry keys.
    tl::expected<void, std::error_code> transact(NetlinkMessage& request,
                                                 const OnMessage& on_message);

    // What the kernel said about the last failed request; empty if nothing.
    const std::string& last_error_text() const { return last_error_text_; }

  private:
    struct SocketDeleter {
        void operator()(mnl_socket* socket) const;
    };
    using Socket = std::unique_ptr<mnl_socket, SocketDeleter>;

    NetlinkSocket(Socket socket, std::uint32_t port_id)
        : socket_(std::move(socket)), port_id_(port_id) {}
    tl::expected<void, std::error_code> receive(std::uint32_t seq, const OnMessage& on_message);

    Socket socket_;
    std::uint32_t port_id_ = 0;
    std::uint32_t seq_ = 0;
    std::vector<std::uint8_t> buffer_;
    std::string last_error_text_;
};

}  // namespace wmsgate::netcfg
