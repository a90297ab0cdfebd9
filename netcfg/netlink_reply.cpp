#include "netcfg/netlink_reply.hpp"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include "netcfg/errors.hpp"
#include "netcfg/netlink_ack.hpp"
#include "netcfg/netlink_attr.hpp"

namespace wmsgate::netcfg {

bool NetlinkReply::read(const void* datagram, std::size_t length) {
    int len = static_cast<int>(length);
    const auto* nlh = static_cast<const nlmsghdr*>(datagram);
    for (; nlattr_read::message_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
        if (!mnl_nlmsg_portid_ok(nlh, port_id_) || !mnl_nlmsg_seq_ok(nlh, seq_)) continue;
        if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) interrupted_ = true;
        if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE) {
            const auto ack = decode_ack(nlh);
            if (!ack) {
                result_ = tl::unexpected(make_error_code(Errc::netlink_protocol));
            } else if (ack->error != 0) {
                error_text_ = ack->message;
                result_ = tl::unexpected(kernel_error_code(ack->error));
            } else if (result_ && interrupted_) {
                result_ = tl::unexpected(make_error_code(Errc::netlink_dump_interrupted));
            }
            return true;
        }
        if (nlh->nlmsg_type < NLMSG_MIN_TYPE) continue;  // NOOP, OVERRUN
        if (result_ && on_message_) result_ = on_message_(nlh);
    }
    // The kernel sends whole messages only; bytes left over that do not make
    // one are malformed, and waiting for more would wait for ever.
    if (len > 0) {
        result_ = tl::unexpected(make_error_code(Errc::netlink_protocol));
        return true;
    }
    return false;
}

}  // namespace wmsgate::netcfg
