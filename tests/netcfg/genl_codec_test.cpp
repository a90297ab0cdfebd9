#include "netcfg/genl_codec.hpp"

#include <gtest/gtest.h>
#include <linux/genetlink.h>

#include "netlink_bytes.hpp"

namespace wmsgate::netcfg {
namespace {

using testing::NlBytes;

TEST(GenlCodec, GetFamilyRequestBytes) {
    NlBytes attrs;
    attrs.strz(CTRL_ATTR_FAMILY_NAME, "wireguard");
    const auto expected =
        NlBytes::genl(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, CTRL_CMD_GETFAMILY, 1, attrs);
    EXPECT_EQ(encode_get_family("wireguard"), expected);
    EXPECT_EQ(expected.size(), 16u + 4u + 4u + 12u);
}

TEST(GenlCodec, FamilyIdFromReply) {
    NlBytes attrs;
    attrs.strz(CTRL_ATTR_FAMILY_NAME, "wireguard")
        .u16(CTRL_ATTR_FAMILY_ID, 0x22)
        .u32(CTRL_ATTR_VERSION, 1)
        .nest(CTRL_ATTR_OPS,
              [](NlBytes& ops) { ops.nest(1, [](NlBytes& op) { op.u32(CTRL_ATTR_OP_ID, 0); }); });
    const auto reply = NlBytes::genl(GENL_ID_CTRL, 0, CTRL_CMD_NEWFAMILY, 2, attrs);
    const auto id = decode_family_id(reinterpret_cast<const nlmsghdr*>(reply.data()));
    ASSERT_TRUE(id);
    EXPECT_EQ(*id, 0x22);

    NlBytes none;
    none.strz(CTRL_ATTR_FAMILY_NAME, "wireguard");
    const auto empty = NlBytes::genl(GENL_ID_CTRL, 0, CTRL_CMD_NEWFAMILY, 2, none);
    EXPECT_FALSE(decode_family_id(reinterpret_cast<const nlmsghdr*>(empty.data())));
}

}  // namespace
}  // namespace wmsgate::netcfg
