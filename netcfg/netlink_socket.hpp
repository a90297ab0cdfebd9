#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

#include "netcfg/netlink_message.hpp"

struct mnl_socket;
struct nlmsghdr;

namespace wmsgate::netcfg {

// A netlink socket of one protocol (NETLINK_GENERIC for WireGuard) in the
// network namespace of the thread that opened it, moving requests and their
// replies. One request at a time; not thread-safe.
class NetlinkSocket {
  public:
    static tl::expected<NetlinkSocket, std::error_code> open(int protocol);

    using OnMessage = std::function<tl::expected<void, std::error_code>(const nlmsghdr*)>;

    // Sends `request` (its sequence number is set here) and hands each data
    // message of the reply to `on_message`, up to the kernel's ack or the end
    // of the dump. An error ack gives kernel_error_code(errno), with the
    // kernel's explanation, if it sent one, in last_error_text(). A dump any
    // of whose messages was flagged NLM_F_DUMP_INTR (the object changed while
    // it was being read) is still read to its end, then gives
    // Errc::netlink_dump_interrupted. The receive buffer is wiped before
    // returning, since replies may carry keys.
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
