#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

#include "netcfg/ip_prefix.hpp"

struct mnl_socket;
struct nlmsghdr;

namespace wmsgate::netcfg {

// Links and addresses through rtnetlink (libmnl), in the network namespace of
// the calling thread at open(). One request at a time; not thread-safe.
// Errors: Errc::link_not_found for an index or name the kernel does not know,
// Errc::netlink_failed when permission is missing, else the kernel's errno.
class Rtnetlink {
  public:
    static tl::expected<Rtnetlink, std::error_code> open();

    // Errc::interface_name_invalid before asking the kernel.
    tl::expected<int, std::error_code> link_index(std::string_view ifname);
    tl::expected<void, std::error_code> set_link_up(int ifindex);
    // Idempotent: an address that is already there is success.
    tl::expected<void, std::error_code> add_address(int ifindex, const IpPrefix& prefix);
    // Every IPv4 and IPv6 address on the link, including ones the kernel adds
    // itself (such as an IPv6 link-local address once the link is up).
    tl::expected<std::vector<IpPrefix>, std::error_code> addresses(int ifindex);
    tl::expected<void, std::error_code> delete_link(int ifindex);

  private:
    struct SocketDeleter {
        void operator()(mnl_socket* socket) const;
    };
    using Socket = std::unique_ptr<mnl_socket, SocketDeleter>;
    // Handed each data message of a reply, with the caller's data.
    using Callback = int (*)(const nlmsghdr*, void*);

    Rtnetlink(Socket socket, std::uint32_t port_id)
        : socket_(std::move(socket)), port_id_(port_id) {}
    // Sends `request` and runs `callback` on the reply's data messages until
    // the kernel's ack or the dump's end.
    tl::expected<void, std::error_code> transact(nlmsghdr* request, Callback callback, void* data);

    Socket socket_;
    std::uint32_t port_id_ = 0;
    std::uint32_t seq_ = 0;
};

}  // namespace wmsgate::netcfg
