#include "netcfg/rtnetlink_codec.hpp"

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstring>
#include <string>
#include <string_view>

namespace wmsgate::netcfg {
namespace {

struct AddressAttributes {
    std::size_t size;
    const nlattr* local;
    const nlattr* address;
};

int on_address_attribute(const nlattr* attr, void* data) {
    auto* attrs = static_cast<AddressAttributes*>(data);
    if (mnl_attr_get_payload_len(attr) != attrs->size) return MNL_CB_OK;
    if (mnl_attr_get_type(attr) == IFA_LOCAL) attrs->local = attr;
    if (mnl_attr_get_type(attr) == IFA_ADDRESS) attrs->address = attr;
    return MNL_CB_OK;
}

}  // namespace

int on_address(const nlmsghdr* nlh, void* data) {
    auto* dump = static_cast<AddressDump*>(data);
    // The fixed header is read before any attribute: a message too short
    // for it is not one to read.
    if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(ifaddrmsg))) return MNL_CB_OK;
    const auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(nlh));
    if (nlh->nlmsg_type != RTM_NEWADDR || static_cast<int>(ifa->ifa_index) != dump->ifindex)
        return MNL_CB_OK;
    const std::size_t want = ifa->ifa_family == AF_INET ? 4 : ifa->ifa_family == AF_INET6 ? 16 : 0;
    if (want == 0) return MNL_CB_OK;

    // IFA_LOCAL is the address itself; IFA_ADDRESS is the peer's on a
    // point-to-point link, and the only one IPv6 sends.
    AddressAttributes attrs{want, nullptr, nullptr};
    mnl_attr_parse(nlh, sizeof(ifaddrmsg), on_address_attribute, &attrs);
    const nlattr* local = attrs.local;
    const nlattr* address = attrs.address;
    const nlattr* chosen = local ? local : address;
    if (!chosen) return MNL_CB_OK;
    const auto* bytes = static_cast<const unsigned char*>(mnl_attr_get_payload(chosen));
    boost::asio::ip::address ip;
    if (want == 4) {
        boost::asio::ip::address_v4::bytes_type b;
        std::memcpy(b.data(), bytes, b.size());
        ip = boost::asio::ip::address_v4(b);
    } else {
        boost::asio::ip::address_v6::bytes_type b;
        std::memcpy(b.data(), bytes, b.size());
        ip = boost::asio::ip::address_v6(b);
    }
    dump->found.push_back({ip, ifa->ifa_prefixlen});
    return MNL_CB_OK;
}

namespace {

int on_link_info_attr(const nlattr* attr, void* data) {
    auto* info = static_cast<Rtnetlink::LinkInfo*>(data);
    // MNL_TYPE_STRING does not promise a terminating NUL (mnl_attr_get_str's
    // strlen read past the attribute; found by tests/fuzz): the payload's
    // length bounds the kind.
    if (mnl_attr_get_type(attr) == IFLA_INFO_KIND) {
        const std::string_view payload(static_cast<const char*>(mnl_attr_get_payload(attr)),
                                       mnl_attr_get_payload_len(attr));
        info->kind = std::string(payload.substr(0, payload.find('\0')));
    }
    return MNL_CB_OK;
}

int on_link_attr(const nlattr* attr, void* data) {
    auto* info = static_cast<Rtnetlink::LinkInfo*>(data);
    if (mnl_attr_get_type(attr) == IFLA_MTU && mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
        info->mtu = mnl_attr_get_u32(attr);
    if (mnl_attr_get_type(attr) == IFLA_LINKINFO && mnl_attr_validate(attr, MNL_TYPE_NESTED) >= 0)
        mnl_attr_parse_nested(attr, on_link_info_attr, data);
    return MNL_CB_OK;
}

}  // namespace

int on_link_details(const nlmsghdr* nlh, void* data) {
    if (nlh->nlmsg_type != RTM_NEWLINK) return MNL_CB_OK;
    if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(ifinfomsg))) return MNL_CB_OK;
    auto* info = static_cast<Rtnetlink::LinkInfo*>(data);
    const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
    info->index = ifi->ifi_index;
    info->up = (ifi->ifi_flags & IFF_UP) != 0;
    mnl_attr_parse(nlh, sizeof(ifinfomsg), on_link_attr, data);
    return MNL_CB_OK;
}

}  // namespace wmsgate::netcfg
