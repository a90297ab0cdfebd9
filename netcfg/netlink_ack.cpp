#include "netcfg/netlink_ack.hpp"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>

#include "netcfg/errors.hpp"
#include "netcfg/netlink_attr.hpp"

namespace wmsgate::netcfg {
namespace {

std::optional<NetlinkAck> decode_error_message(const nlmsghdr* nlh) {
    const std::size_t payload = nlh->nlmsg_len - MNL_NLMSG_HDRLEN;
    if (payload < sizeof(nlmsgerr)) return std::nullopt;
    const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
    NetlinkAck ack;
    // INT_MIN has no negation and is no errno (found by tests/fuzz).
    if (err->error == std::numeric_limits<int>::min()) return std::nullopt;
    ack.error = -err->error;
    if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) return ack;

    // The extended-ack attributes follow the echoed request, which is only
    // its header when the request was capped (NETLINK_CAP_ACK) or a success.
    std::size_t offset = sizeof(nlmsgerr);
    if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && err->error != 0)
        offset += MNL_ALIGN(err->msg.nlmsg_len) - sizeof(nlmsghdr);
    offset = MNL_ALIGN(offset);
    if (offset > payload) return ack;  // no room for them after all; the errno stands
    const auto* tlvs = static_cast<const char*>(mnl_nlmsg_get_payload(nlh)) + offset;
    nlattr_read::walk(tlvs, payload - offset, [&](const nlattr* attr) {
        if (nlattr_read::type_of(attr) == NLMSGERR_ATTR_MSG)
            ack.message = std::string(nlattr_read::text(attr));
        return true;
    });
    return ack;
}

std::optional<NetlinkAck> decode_done_message(const nlmsghdr* nlh) {
    // A dump's end carries the dump's result as an int, then maybe the same
    // extended-ack attributes.
    const std::size_t payload = nlh->nlmsg_len - MNL_NLMSG_HDRLEN;
    if (payload < sizeof(int)) return NetlinkAck{};  // old kernels send none: success
    int result = 0;
    std::memcpy(&result, mnl_nlmsg_get_payload(nlh), sizeof result);
    NetlinkAck ack;
    if (result == std::numeric_limits<int>::min()) return std::nullopt;  // no errno
    ack.error = -result;
    if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
        const std::size_t offset = MNL_ALIGN(sizeof(int));
        if (offset <= payload) {
            nlattr_read::walk(static_cast<const char*>(mnl_nlmsg_get_payload(nlh)) + offset,
                              payload - offset, [&](const nlattr* attr) {
                                  if (nlattr_read::type_of(attr) == NLMSGERR_ATTR_MSG)
                                      ack.message = std::string(nlattr_read::text(attr));
                                  return true;
                              });
        }
    }
    return ack;
}

}  // namespace

std::optional<NetlinkAck> decode_ack(const nlmsghdr* nlh) {
    if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN) return std::nullopt;
    if (nlh->nlmsg_type == NLMSG_ERROR) return decode_error_message(nlh);
    if (nlh->nlmsg_type == NLMSG_DONE) return decode_done_message(nlh);
    return std::nullopt;
}

std::error_code kernel_error_code(int error) {
    switch (error) {
        case ENODEV:
            return make_error_code(Errc::link_not_found);
        case EPERM:
        case EACCES:
            return make_error_code(Errc::netlink_failed);
        default:
            return {error, std::system_category()};
    }
}

}  // namespace wmsgate::netcfg
