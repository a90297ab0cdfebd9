#include "netcfg/netlink_ack.hpp"

#include <gtest/gtest.h>
#include <linux/netlink.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include "netcfg/errors.hpp"
#include "netcfg/netlink_attr.hpp"
#include "netlink_bytes.hpp"

namespace wmsgate::netcfg {
namespace {

using testing::NlBytes;

const nlmsghdr* header(const std::vector<std::uint8_t>& bytes) {
    return reinterpret_cast<const nlmsghdr*>(bytes.data());
}

// nlmsgerr: the (negative) errno, then the request's header.
std::vector<std::uint8_t> error_payload(int error, std::uint32_t request_len) {
    NlBytes p;
    p.raw(&error, 4);
    const std::uint32_t hdr[4] = {request_len, 0x10 | (NLM_F_REQUEST << 16), 7, 0};
    p.raw(hdr, sizeof hdr);
    return p.bytes();
}

TEST(NetlinkAck, CappedErrorWithKernelMessage) {
    auto payload = error_payload(-EOPNOTSUPP, 64);
    NlBytes tlvs;
    tlvs.strz(NLMSGERR_ATTR_MSG, "Unknown device type");
    payload.insert(payload.end(), tlvs.bytes().begin(), tlvs.bytes().end());
    const auto msg = NlBytes::message(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, payload);

    const auto ack = decode_ack(header(msg));
    ASSERT_TRUE(ack);
    EXPECT_EQ(ack->error, EOPNOTSUPP);
    EXPECT_EQ(ack->message, "Unknown device type");
    EXPECT_EQ(kernel_error_code(ack->error).message(), std::strerror(EOPNOTSUPP));
}

TEST(NetlinkAck, UncappedErrorSkipsTheEchoedRequest) {
    // The echoed request: a 16-byte header and 8 bytes of its payload.
    auto payload = error_payload(-EINVAL, 24);
    const std::uint8_t echoed[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    payload.insert(payload.end(), echoed, echoed + 8);
    NlBytes tlvs;
    tlvs.u32(NLMSGERR_ATTR_OFFS, 20).strz(NLMSGERR_ATTR_MSG, "bad attribute");
    payload.insert(payload.end(), tlvs.bytes().begin(), tlvs.bytes().end());
    const auto msg = NlBytes::message(NLMSG_ERROR, NLM_F_ACK_TLVS, payload);

    const auto ack = decode_ack(header(msg));
    ASSERT_TRUE(ack);
    EXPECT_EQ(ack->error, EINVAL);
    EXPECT_EQ(ack->message, "bad attribute");
}

TEST(NetlinkAck, SuccessAckAndPlainError) {
    const auto ok = NlBytes::message(NLMSG_ERROR, NLM_F_CAPPED, error_payload(0, 32));
    ASSERT_TRUE(decode_ack(header(ok)));
    EXPECT_EQ(decode_ack(header(ok))->error, 0);

    const auto eperm = NlBytes::message(NLMSG_ERROR, 0, error_payload(-EPERM, 16));
    const auto ack = decode_ack(header(eperm));
    ASSERT_TRUE(ack);
    EXPECT_EQ(ack->error, EPERM);
    EXPECT_EQ(ack->message, "");
    EXPECT_EQ(kernel_error_code(EPERM), make_error_code(Errc::netlink_failed));
    EXPECT_EQ(kernel_error_code(ENODEV), make_error_code(Errc::link_not_found));
}

TEST(NetlinkAck, DumpDoneCarriesTheDumpsResult) {
    const int result = -ENODEV;
    NlBytes p;
    p.raw(&result, 4);
    const auto done = NlBytes::message(NLMSG_DONE, NLM_F_MULTI, p.bytes());
    const auto ack = decode_ack(header(done));
    ASSERT_TRUE(ack);
    EXPECT_EQ(ack->error, ENODEV);
}

TEST(NetlinkAck, TruncatedOrOtherMessagesAreNotAcks) {
    const auto short_error = NlBytes::message(NLMSG_ERROR, 0, {0, 0, 0});
    EXPECT_FALSE(decode_ack(header(short_error)));
    const auto data = NlBytes::message(0x20, 0, std::vector<std::uint8_t>(8, 0));
    EXPECT_FALSE(decode_ack(header(data)));
}

// Found by tests/fuzz: libmnl's mnl_nlmsg_ok takes a length of 2 GiB or more
// for a negative int and lets the walk jump outside the buffer.
TEST(NetlinkMessageOk, ALengthPastTheBufferIsRefusedHoweverLarge) {
    alignas(nlmsghdr) unsigned char buffer[36] = {};
    auto* nlh = reinterpret_cast<nlmsghdr*>(buffer);
    nlh->nlmsg_len = 36;
    EXPECT_TRUE(nlattr_read::message_ok(nlh, 36));
    for (const std::uint32_t length : {37u, 0x80000000u, 0xf1000024u, 0xffffffffu, 15u}) {
        nlh->nlmsg_len = length;
        EXPECT_FALSE(nlattr_read::message_ok(nlh, 36)) << length;
    }
    nlh->nlmsg_len = 16;
    EXPECT_FALSE(nlattr_read::message_ok(nlh, 15));
}

// Found by tests/fuzz (corpus/netlink/crash-int-min): INT_MIN as a result
// was negated, which overflows.
TEST(NetlinkAck, IntMinIsNoErrno) {
    for (const std::uint16_t type : {std::uint16_t{NLMSG_DONE}, std::uint16_t{NLMSG_ERROR}}) {
        alignas(nlmsghdr) unsigned char buffer[64] = {};
        auto* nlh = reinterpret_cast<nlmsghdr*>(buffer);
        nlh->nlmsg_len = type == NLMSG_DONE ? 20 : 36;
        nlh->nlmsg_type = type;
        const int result = std::numeric_limits<int>::min();
        std::memcpy(buffer + sizeof(nlmsghdr), &result, sizeof result);
        EXPECT_FALSE(decode_ack(nlh)) << type;
    }
}

}  // namespace
}  // namespace wmsgate::netcfg
