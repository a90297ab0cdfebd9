#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <system_error>
#include <tl/expected.hpp>

struct nlmsghdr;

namespace wmsgate::netcfg {

// Reads the datagrams of the reply to one netlink request, shared by the
// rtnetlink and the generic netlink sockets. Pure: the sockets only move
// bytes, so every case below is unit-tested with bytes made by hand.
//
// Unlike libmnl's mnl_cb_run, which fails the whole request with EPROTO or
// ESRCH at the first message of another sequence number or port, a message
// that is not ours is skipped: it is a late reply to an earlier request
// that failed half-way, and failing on it would make that one failure fail
// every request after it. A dump flagged NLM_F_DUMP_INTR is read to its end
// (the rest would otherwise be such leftovers) and then fails with
// Errc::netlink_dump_interrupted, not EINTR, which names a signal. The
// result a dump's NLMSG_DONE carries counts, as an error ack does.
class NetlinkReply {
  public:
    // Handed each data message of ours; after it fails once, the rest of the
    // reply is still read, but not handed on.
    using OnMessage = std::function<tl::expected<void, std::error_code>(const nlmsghdr*)>;

    NetlinkReply(std::uint32_t port_id, std::uint32_t seq, const OnMessage& on_message)
        : port_id_(port_id), seq_(seq), on_message_(on_message) {}

    // Reads one received datagram. True when the reply is complete (the
    // kernel's ack, a dump's end, or bytes that are no netlink message):
    // result() then says how it ended. False: receive the next datagram.
    bool read(const void* datagram, std::size_t length);

    // Success, the first error on_message gave, kernel_error_code() of the
    // kernel's errno, or Errc::netlink_protocol / netlink_dump_interrupted.
    const tl::expected<void, std::error_code>& result() const { return result_; }
    // The kernel's explanation of an error ack, if it sent one (extended acks).
    const std::string& error_text() const { return error_text_; }

  private:
    std::uint32_t port_id_;
    std::uint32_t seq_;
    const OnMessage& on_message_;
    bool interrupted_ = false;
    tl::expected<void, std::error_code> result_;
    std::string error_text_;
};

}  // namespace wmsgate::netcfg
