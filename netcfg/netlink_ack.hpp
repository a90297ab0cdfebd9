#pragma once

#include <optional>
#include <string>
#include <system_error>

struct nlmsghdr;

namespace wmsgate::netcfg {

// What an NLMSG_ERROR (or a dump's NLMSG_DONE) message says: the errno the
// kernel answered (0: success) and, when the socket asked for extended acks,
// the kernel's own explanation ("Unknown device type", ...). Pure.
struct NetlinkAck {
    int error = 0;  // a positive errno value
    std::string message;
};

// nullopt for a message that is neither NLMSG_ERROR nor NLMSG_DONE, or is cut short.
std::optional<NetlinkAck> decode_ack(const nlmsghdr* nlh);

// The error code netcfg reports for a kernel errno: Errc::link_not_found for
// ENODEV, Errc::netlink_failed for EPERM/EACCES (CAP_NET_ADMIN missing), else
// the errno itself in the system category, whose message() is the errno text.
std::error_code kernel_error_code(int error);

}  // namespace wmsgate::netcfg
