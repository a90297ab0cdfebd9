#pragma once

#include <cstdint>
#include <memory>
#include <string>
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

    struct LinkInfo {
        int index = 0;
        // IFLA_INFO_KIND: "wireguard" for a kernel WireGuard link, "tun" for
        // one wireguard-go made, "veth", ...; empty for a link with none (lo).
        std::string kind;
        std::uint32_t mtu = 0;
        bool up = false;  // administratively (IFF_UP)
    };

    // Errc::interface_name_invalid before asking the kernel.
    tl::expected<int, std::error_code> link_index(std::string_view ifname);
    tl::expected<LinkInfo, std::error_code> link_info(std::string_view ifname);
    // Creates a link of `kind` (down), returning its index. Errc::interface_taken
    // when a link of that name exists; for an unknown kind the kernel's
    // EOPNOTSUPP ("Unknown device type"), which for "wireguard" is
    // Errc::kernel_wireguard_missing.
    tl::expected<int, std::error_code> create_link(std::string_view ifname, std::string_view kind);
    tl::expected<int, std::error_code> create_wireguard_link(std::string_view ifname) {
        return create_link(ifname, "wireguard");
    }
    tl::expected<void, std::error_code> set_link_up(int ifindex);
    tl::expected<void, std::error_code> set_link_down(int ifindex);
    tl::expected<void, std::error_code> set_mtu(int ifindex, std::uint32_t mtu);
    // Idempotent: an address that is already there is success.
    tl::expected<void, std::error_code> add_address(int ifindex, const IpPrefix& prefix);
    // Idempotent: an address that is not there is success.
    tl::expected<void, std::error_code> remove_address(int ifindex, const IpPrefix& prefix);
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
    // the kernel's ack or the dump's end, as NetlinkReply reads them (not
    // mnl_cb_run: see there why).
    tl::expected<void, std::error_code> transact(nlmsghdr* request, Callback callback, void* data);
    // RTM_NEWLINK on an existing link: flags under `change`, and the MTU unless 0.
    tl::expected<void, std::error_code> change_link(int ifindex, unsigned flags, unsigned change,
                                                    std::uint32_t mtu);
    // RTM_NEWADDR or RTM_DELADDR for one address.
    tl::expected<void, std::error_code> change_address(std::uint16_t type, int ifindex,
                                                       const IpPrefix& prefix);

    Socket socket_;
    std::uint32_t port_id_ = 0;
    std::uint32_t seq_ = 0;
};

}  // namespace wmsgate::netcfg
