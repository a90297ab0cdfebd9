#include "netcfg/genl_codec.hpp"

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include <string>

#include "netcfg/netlink_attr.hpp"

namespace wmsgate::netcfg {

NetlinkMessage encode_get_family(std::string_view name) {
    // Header, genl header and a name of at most GENL_NAMSIZ bytes.
    NetlinkMessage buf(MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(genlmsghdr)) + MNL_ATTR_HDRLEN +
                       MNL_ALIGN(GENL_NAMSIZ));
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
    nlh->nlmsg_type = GENL_ID_CTRL;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    auto* genl = static_cast<genlmsghdr*>(mnl_nlmsg_put_extra_header(nlh, sizeof(genlmsghdr)));
    genl->cmd = CTRL_CMD_GETFAMILY;
    genl->version = 1;
    const std::string z(name.substr(0, GENL_NAMSIZ - 1));
    mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, z.c_str());
    buf.resize(nlh->nlmsg_len);
    return buf;
}

std::optional<std::uint16_t> decode_family_id(const nlmsghdr* reply) {
    std::optional<std::uint16_t> id;
    nlattr_read::walk_message(reply, sizeof(genlmsghdr), [&](const nlattr* attr) {
        if (nlattr_read::type_of(attr) == CTRL_ATTR_FAMILY_ID)
            id = nlattr_read::fixed<std::uint16_t>(attr);
        return true;
    });
    return id;
}

}  // namespace wmsgate::netcfg
