#include "netcfg/netlink_socket.hpp"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <sodium.h>

#include <cerrno>
#include <ctime>

#include "netcfg/netlink_reply.hpp"

namespace wmsgate::netcfg {
namespace {

// Generic netlink dumps come in messages of up to 32 KiB (the kernel sizes
// them by what we offered before); twice that leaves room.
constexpr std::size_t receive_buffer_size = 65536;

std::error_code last_errno() {
    return {errno, std::system_category()};
}

// Wipes the receive buffer whichever way transact() leaves.
class WipeBuffer {
  public:
    explicit WipeBuffer(std::vector<std::uint8_t>& buf) : buf_(buf) {}
    WipeBuffer(const WipeBuffer&) = delete;
    WipeBuffer& operator=(const WipeBuffer&) = delete;
    ~WipeBuffer() { sodium_memzero(buf_.data(), buf_.size()); }

  private:
    std::vector<std::uint8_t>& buf_;
};

}  // namespace

void NetlinkSocket::SocketDeleter::operator()(mnl_socket* socket) const {
    mnl_socket_close(socket);
}

tl::expected<NetlinkSocket, std::error_code> NetlinkSocket::open(int protocol) {
    Socket socket(mnl_socket_open2(protocol, SOCK_CLOEXEC));
    if (!socket) return tl::unexpected(last_errno());
    if (mnl_socket_bind(socket.get(), 0, MNL_SOCKET_AUTOPID) < 0)
        return tl::unexpected(last_errno());
    // Ask for the kernel's error text, and for error acks that do not echo
    // the (possibly key-carrying, 4 KiB) request. Old kernels ignore either.
    int on = 1;
    mnl_socket_setsockopt(socket.get(), NETLINK_EXT_ACK, &on, sizeof on);
    mnl_socket_setsockopt(socket.get(), NETLINK_CAP_ACK, &on, sizeof on);
    const auto port_id = mnl_socket_get_portid(socket.get());
    NetlinkSocket result(std::move(socket), port_id);
    result.buffer_.resize(receive_buffer_size);
    return result;
}

tl::expected<void, std::error_code> NetlinkSocket::transact(NetlinkMessage& request,
                                                            const OnMessage& on_message) {
    last_error_text_.clear();
    auto* nlh = reinterpret_cast<nlmsghdr*>(request.data());
    // Sequence numbers start from the clock so that late replies to an
    // earlier socket that had our port id can never match.
    if (seq_ == 0) seq_ = static_cast<std::uint32_t>(std::time(nullptr));
    nlh->nlmsg_seq = ++seq_;
    if (mnl_socket_sendto(socket_.get(), request.data(), request.size()) < 0)
        return tl::unexpected(last_errno());
    WipeBuffer wipe(buffer_);
    return receive(nlh->nlmsg_seq, on_message);
}

tl::expected<void, std::error_code> NetlinkSocket::receive(std::uint32_t seq,
                                                           const OnMessage& on_message) {
    NetlinkReply reply(port_id_, seq, on_message);
    while (true) {
        const ssize_t n = mnl_socket_recvfrom(socket_.get(), buffer_.data(), buffer_.size());
        if (n < 0) return tl::unexpected(last_errno());
        if (reply.read(buffer_.data(), static_cast<std::size_t>(n))) {
            last_error_text_ = reply.error_text();
            return reply.result();
        }
    }
}

}  // namespace wmsgate::netcfg
