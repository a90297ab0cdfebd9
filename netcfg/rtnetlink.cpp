#include "netcfg/rtnetlink.hpp"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "netcfg/errors.hpp"
#include "netcfg/interface_name.hpp"
#include "netcfg/netlink_reply.hpp"
#include "netcfg/rtnetlink_codec.hpp"

namespace wmsgate::netcfg {
namespace {

// Large enough for any single dump message the kernel sends.
constexpr std::size_t receive_buffer_size = 32768;

// Room for one request: a header and a few small attributes.
struct RequestBuffer {
    alignas(nlmsghdr) char bytes[1024];
};

}  // namespace

void Rtnetlink::SocketDeleter::operator()(mnl_socket* socket) const {
    mnl_socket_close(socket);
}

tl::expected<Rtnetlink, std::error_code> Rtnetlink::open() {
    Socket socket(mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC));
    if (!socket) return tl::unexpected(std::error_code(errno, std::system_category()));
    if (mnl_socket_bind(socket.get(), 0, MNL_SOCKET_AUTOPID) < 0)
        return tl::unexpected(std::error_code(errno, std::system_category()));
    // Ask for the kernel's error text too; older kernels ignore it, hence no check.
    int on = 1;
    mnl_socket_setsockopt(socket.get(), NETLINK_EXT_ACK, &on, sizeof on);
    const auto port_id = mnl_socket_get_portid(socket.get());
    return Rtnetlink(std::move(socket), port_id);
}

tl::expected<void, std::error_code> Rtnetlink::transact(nlmsghdr* request, Callback callback,
                                                        void* data) {
    // Sequence numbers start from the clock so that replies meant for an
    // earlier socket with our port id can never match.
    if (seq_ == 0) seq_ = static_cast<std::uint32_t>(std::time(nullptr));
    request->nlmsg_seq = ++seq_;
    request->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    if (mnl_socket_sendto(socket_.get(), request, request->nlmsg_len) < 0)
        return tl::unexpected(std::error_code(errno, std::system_category()));

    // The callbacks decode and keep what they need; one that returns
    // MNL_CB_ERROR found a message it cannot read.
    const NetlinkReply::OnMessage on_message =
        [&](const nlmsghdr* nlh) -> tl::expected<void, std::error_code> {
        if (callback != nullptr && callback(nlh, data) == MNL_CB_ERROR)
            return tl::unexpected(make_error_code(Errc::netlink_protocol));
        return {};
    };
    NetlinkReply reply(port_id_, request->nlmsg_seq, on_message);
    std::vector<char> buf(receive_buffer_size);
    while (true) {
        const ssize_t n = mnl_socket_recvfrom(socket_.get(), buf.data(), buf.size());
        if (n < 0) return tl::unexpected(std::error_code(errno, std::system_category()));
        if (reply.read(buf.data(), static_cast<std::size_t>(n))) return reply.result();
    }
}

tl::expected<int, std::error_code> Rtnetlink::link_index(std::string_view ifname) {
    auto info = link_info(ifname);
    if (!info) return tl::unexpected(info.error());
    return info->index;
}

tl::expected<Rtnetlink::LinkInfo, std::error_code> Rtnetlink::link_info(std::string_view ifname) {
    if (auto ok = check_interface_name(ifname); !ok) return tl::unexpected(ok.error());
    RequestBuffer buf;
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf.bytes);
    nlh->nlmsg_type = RTM_GETLINK;
    auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
    ifi->ifi_family = AF_UNSPEC;
    mnl_attr_put_strz(nlh, IFLA_IFNAME, std::string(ifname).c_str());
    // Without it, the reply would carry every statistic the link has.
    mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);

    LinkInfo info;
    if (auto ok = transact(nlh, on_link_details, &info); !ok) return tl::unexpected(ok.error());
    if (info.index <= 0) return tl::unexpected(make_error_code(Errc::link_not_found));
    return info;
}

tl::expected<int, std::error_code> Rtnetlink::create_link(std::string_view ifname,
                                                          std::string_view kind) {
    if (auto ok = check_interface_name(ifname); !ok) return tl::unexpected(ok.error());
    RequestBuffer buf;
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf.bytes);
    nlh->nlmsg_type = RTM_NEWLINK;
    // EXCL: a link of that name is someone else's, never silently adopted here.
    nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
    ifi->ifi_family = AF_UNSPEC;
    mnl_attr_put_strz(nlh, IFLA_IFNAME, std::string(ifname).c_str());
    nlattr* linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
    mnl_attr_put_str(nlh, IFLA_INFO_KIND, std::string(kind).c_str());
    mnl_attr_nest_end(nlh, linkinfo);

    auto done = transact(nlh, nullptr, nullptr);
    if (!done) {
        const auto& e = done.error();
        if (e == std::error_code(EEXIST, std::system_category()))
            return tl::unexpected(make_error_code(Errc::interface_taken));
        // The kernel knows no such kind and could not load a module for it.
        if (e == std::error_code(EOPNOTSUPP, std::system_category()) && kind == "wireguard")
            return tl::unexpected(make_error_code(Errc::kernel_wireguard_missing));
        return tl::unexpected(e);
    }
    return link_index(ifname);
}

tl::expected<void, std::error_code> Rtnetlink::change_link(int ifindex, unsigned flags,
                                                           unsigned change, std::uint32_t mtu) {
    RequestBuffer buf;
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf.bytes);
    nlh->nlmsg_type = RTM_NEWLINK;
    auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = ifindex;
    ifi->ifi_flags = flags;
    ifi->ifi_change = change;
    if (mtu != 0) mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
    return transact(nlh, nullptr, nullptr);
}

tl::expected<void, std::error_code> Rtnetlink::set_link_up(int ifindex) {
    return change_link(ifindex, IFF_UP, IFF_UP, 0);
}

tl::expected<void, std::error_code> Rtnetlink::set_link_down(int ifindex) {
    return change_link(ifindex, 0, IFF_UP, 0);
}

tl::expected<void, std::error_code> Rtnetlink::set_mtu(int ifindex, std::uint32_t mtu) {
    if (mtu == 0) return tl::unexpected(std::error_code(EINVAL, std::system_category()));
    return change_link(ifindex, 0, 0, mtu);
}

tl::expected<void, std::error_code> Rtnetlink::add_address(int ifindex, const IpPrefix& prefix) {
    auto done = change_address(RTM_NEWADDR, ifindex, prefix);
    if (!done && done.error() == std::error_code(EEXIST, std::system_category())) return {};
    return done;
}

tl::expected<void, std::error_code> Rtnetlink::remove_address(int ifindex, const IpPrefix& prefix) {
    auto done = change_address(RTM_DELADDR, ifindex, prefix);
    if (!done && done.error() == std::error_code(EADDRNOTAVAIL, std::system_category())) return {};
    return done;
}

tl::expected<void, std::error_code> Rtnetlink::change_address(std::uint16_t type, int ifindex,
                                                              const IpPrefix& prefix) {
    RequestBuffer buf;
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf.bytes);
    nlh->nlmsg_type = type;
    if (type == RTM_NEWADDR) nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
    auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
    ifa->ifa_prefixlen = prefix.length;
    ifa->ifa_scope = RT_SCOPE_UNIVERSE;
    ifa->ifa_index = static_cast<unsigned>(ifindex);
    // As `ip address add` does: local and address are the same unless a
    // point-to-point peer is named, which we never do.
    if (prefix.address.is_v4()) {
        ifa->ifa_family = AF_INET;
        const auto bytes = prefix.address.to_v4().to_bytes();
        mnl_attr_put(nlh, IFA_LOCAL, bytes.size(), bytes.data());
        mnl_attr_put(nlh, IFA_ADDRESS, bytes.size(), bytes.data());
    } else {
        ifa->ifa_family = AF_INET6;
        const auto bytes = prefix.address.to_v6().to_bytes();
        mnl_attr_put(nlh, IFA_LOCAL, bytes.size(), bytes.data());
        mnl_attr_put(nlh, IFA_ADDRESS, bytes.size(), bytes.data());
    }
    return transact(nlh, nullptr, nullptr);
}

tl::expected<std::vector<IpPrefix>, std::error_code> Rtnetlink::addresses(int ifindex) {
    RequestBuffer buf;
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf.bytes);
    nlh->nlmsg_type = RTM_GETADDR;
    nlh->nlmsg_flags = NLM_F_DUMP;
    auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
    ifa->ifa_family = AF_UNSPEC;
    // The dump covers every link (the kernel filters only in strict mode), so
    // the callback keeps this link's addresses.
    AddressDump dump{ifindex, {}};
    if (auto ok = transact(nlh, on_address, &dump); !ok) return tl::unexpected(ok.error());
    return std::move(dump.found);
}

tl::expected<void, std::error_code> Rtnetlink::delete_link(int ifindex) {
    RequestBuffer buf;
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf.bytes);
    nlh->nlmsg_type = RTM_DELLINK;
    auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = ifindex;
    return transact(nlh, nullptr, nullptr);
}

}  // namespace wmsgate::netcfg
