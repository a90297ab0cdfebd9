// How the reply to one netlink request is read (rtnetlink and generic
// netlink alike): what is not ours is skipped, interrupted dumps are read to
// their end, a dump's own result counts.
#include "netcfg/netlink_reply.hpp"

#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "netcfg/errors.hpp"
#include "netlink_bytes.hpp"

namespace wmsgate::netcfg {
namespace {

using testing::NlBytes;
using Bytes = std::vector<std::uint8_t>;

constexpr std::uint32_t our_port = 4242;
constexpr std::uint32_t our_seq = 1000;

// `message` with its sequence number and port id set.
Bytes stamped(Bytes message, std::uint32_t seq = our_seq, std::uint32_t port = 0) {
    std::memcpy(&message[8], &seq, 4);
    std::memcpy(&message[12], &port, 4);
    return message;
}

Bytes data_message(std::uint16_t flags = 0, std::uint32_t seq = our_seq) {
    return stamped(NlBytes::message(RTM_NEWADDR, flags, Bytes(8, 0)), seq);
}

Bytes error_ack(int error, std::uint32_t seq = our_seq, std::uint16_t flags = NLM_F_CAPPED,
                const Bytes& tlvs = {}) {
    NlBytes payload;
    payload.raw(&error, 4);
    const std::uint32_t request[4] = {16, RTM_NEWLINK, seq, our_port};
    payload.raw(request, sizeof request);
    payload.raw(tlvs.data(), tlvs.size());
    return stamped(NlBytes::message(NLMSG_ERROR, flags, payload.bytes()), seq);
}

Bytes done(int result, std::uint16_t flags = NLM_F_MULTI) {
    NlBytes payload;
    payload.raw(&result, 4);
    return stamped(NlBytes::message(NLMSG_DONE, flags, payload.bytes()));
}

Bytes datagram(std::initializer_list<Bytes> messages) {
    Bytes out;
    for (const auto& m : messages) out.insert(out.end(), m.begin(), m.end());
    return out;
}

struct Counting {
    int handed = 0;
    NetlinkReply::OnMessage on_message = [this](const nlmsghdr*) {
        ++handed;
        return tl::expected<void, std::error_code>{};
    };
};

TEST(NetlinkReply, AnAckEndsTheReply) {
    Counting count;
    NetlinkReply reply(our_port, our_seq, count.on_message);
    const auto bytes = datagram({error_ack(0)});
    ASSERT_TRUE(reply.read(bytes.data(), bytes.size()));
    EXPECT_TRUE(reply.result());
    EXPECT_EQ(count.handed, 0);
}

// libmnl's mnl_cb_run fails with EPROTO here, and that is how a dump that
// failed half-way used to fail the next request on the same socket too.
TEST(NetlinkReply, LeftoversOfAnEarlierRequestAreSkipped) {
    Counting count;
    NetlinkReply reply(our_port, our_seq, count.on_message);
    const auto stale =
        datagram({data_message(NLM_F_MULTI, our_seq - 1), data_message(NLM_F_MULTI, our_seq - 1),
                  stamped(done(-EBUSY), our_seq - 1)});
    EXPECT_FALSE(reply.read(stale.data(), stale.size()));
    const auto ours = datagram({data_message(NLM_F_MULTI), done(0)});
    ASSERT_TRUE(reply.read(ours.data(), ours.size()));
    EXPECT_TRUE(reply.result()) << reply.result().error().message();
    EXPECT_EQ(count.handed, 1);
}

TEST(NetlinkReply, MessagesForAnotherPortAreSkipped) {
    Counting count;
    NetlinkReply reply(our_port, our_seq, count.on_message);
    const auto bytes = datagram({stamped(error_ack(-EPERM), our_seq, our_port + 1), data_message(),
                                 stamped(error_ack(0), our_seq, our_port)});
    ASSERT_TRUE(reply.read(bytes.data(), bytes.size()));
    EXPECT_TRUE(reply.result());
    EXPECT_EQ(count.handed, 1);
}

TEST(NetlinkReply, AnInterruptedDumpIsReadToItsEndThenFails) {
    Counting count;
    NetlinkReply reply(our_port, our_seq, count.on_message);
    const auto first = datagram({data_message(NLM_F_MULTI | NLM_F_DUMP_INTR)});
    EXPECT_FALSE(reply.read(first.data(), first.size()));
    const auto last = datagram({data_message(NLM_F_MULTI), done(0)});
    ASSERT_TRUE(reply.read(last.data(), last.size()));
    ASSERT_FALSE(reply.result());
    EXPECT_EQ(reply.result().error(), make_error_code(Errc::netlink_dump_interrupted));
    EXPECT_EQ(count.handed, 2);
}

// mnl_cb_run's NLMSG_DONE handler stops without reading the result.
TEST(NetlinkReply, ADumpsEndCarryingAnErrnoFails) {
    Counting count;
    NetlinkReply reply(our_port, our_seq, count.on_message);
    const auto bytes = datagram({data_message(NLM_F_MULTI), done(-EMSGSIZE)});
    ASSERT_TRUE(reply.read(bytes.data(), bytes.size()));
    ASSERT_FALSE(reply.result());
    EXPECT_EQ(reply.result().error(), std::error_code(EMSGSIZE, std::system_category()));
}

TEST(NetlinkReply, AnErrorAckKeepsTheKernelsExplanation) {
    Counting count;
    NetlinkReply reply(our_port, our_seq, count.on_message);
    NlBytes tlvs;
    tlvs.strz(NLMSGERR_ATTR_MSG, "Unknown device type");
    const auto bytes =
        datagram({error_ack(-EOPNOTSUPP, our_seq, NLM_F_CAPPED | NLM_F_ACK_TLVS, tlvs.bytes())});
    ASSERT_TRUE(reply.read(bytes.data(), bytes.size()));
    ASSERT_FALSE(reply.result());
    EXPECT_EQ(reply.result().error(), std::error_code(EOPNOTSUPP, std::system_category()));
    EXPECT_EQ(reply.error_text(), "Unknown device type");
}

TEST(NetlinkReply, AfterTheHandlerFailsTheRestIsReadButNotHandedOn) {
    int handed = 0;
    const NetlinkReply::OnMessage refuse_first =
        [&](const nlmsghdr*) -> tl::expected<void, std::error_code> {
        ++handed;
        return tl::unexpected(make_error_code(Errc::netlink_protocol));
    };
    NetlinkReply reply(our_port, our_seq, refuse_first);
    const auto bytes = datagram({data_message(NLM_F_MULTI), data_message(NLM_F_MULTI), done(0)});
    ASSERT_TRUE(reply.read(bytes.data(), bytes.size()));
    ASSERT_FALSE(reply.result());
    EXPECT_EQ(reply.result().error(), make_error_code(Errc::netlink_protocol));
    EXPECT_EQ(handed, 1);
}

// The kernel sends whole messages; waiting for the rest of a cut one would
// wait for ever.
TEST(NetlinkReply, BytesThatMakeNoMessageEndTheReplyAsMalformed) {
    Counting count;
    NetlinkReply reply(our_port, our_seq, count.on_message);
    auto bytes = datagram({data_message(NLM_F_MULTI), done(0)});
    bytes.resize(bytes.size() - 4);
    ASSERT_TRUE(reply.read(bytes.data(), bytes.size()));
    ASSERT_FALSE(reply.result());
    EXPECT_EQ(reply.result().error(), make_error_code(Errc::netlink_protocol));
    EXPECT_EQ(count.handed, 1);
}

// libmnl's mnl_nlmsg_ok (inside mnl_cb_run) compares the length as an int,
// so 2 GiB and more read as negative, and the message as one that fits.
TEST(NetlinkReply, ALengthOf2GiBIsNoMessageThatFits) {
    Counting count;
    NetlinkReply reply(our_port, our_seq, count.on_message);
    auto bytes = data_message();
    const std::uint32_t huge = 0x80000000u;
    std::memcpy(bytes.data(), &huge, 4);
    ASSERT_TRUE(reply.read(bytes.data(), bytes.size()));
    ASSERT_FALSE(reply.result());
    EXPECT_EQ(reply.result().error(), make_error_code(Errc::netlink_protocol));
    EXPECT_EQ(count.handed, 0);
}

}  // namespace
}  // namespace wmsgate::netcfg
