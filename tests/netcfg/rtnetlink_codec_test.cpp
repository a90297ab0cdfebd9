// rtnetlink's link decoder reads no byte past an attribute.
#include "netcfg/rtnetlink_codec.hpp"

#include <gtest/gtest.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cstring>
#include <vector>

namespace wmsgate::netcfg {
namespace {

void put_attr(std::vector<std::uint8_t>& out, std::uint16_t type, const void* data,
              std::uint16_t size) {
    const std::uint16_t length = static_cast<std::uint16_t>(4 + size);
    out.push_back(static_cast<std::uint8_t>(length & 0xff));
    out.push_back(static_cast<std::uint8_t>(length >> 8));
    out.push_back(static_cast<std::uint8_t>(type & 0xff));
    out.push_back(static_cast<std::uint8_t>(type >> 8));
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    out.insert(out.end(), bytes, bytes + size);
    while (out.size() % 4) out.push_back(0);
}

// Found by tests/fuzz (corpus/netlink/crash-kind-unterminated): a kind
// without its NUL was read with strlen into the next attribute.
TEST(RtnetlinkCodec, AnUnterminatedLinkKindEndsWithItsAttribute) {
    std::vector<std::uint8_t> nested;
    put_attr(nested, IFLA_INFO_KIND, "wire", 4);  // no NUL, no padding
    put_attr(nested, IFLA_INFO_DATA, "XXXX", 4);
    std::vector<std::uint8_t> payload(sizeof(ifinfomsg), 0);
    put_attr(payload, IFLA_LINKINFO | NLA_F_NESTED, nested.data(),
             static_cast<std::uint16_t>(nested.size()));
    std::vector<std::uint32_t> message((sizeof(nlmsghdr) + payload.size()) / 4);
    nlmsghdr header{};
    header.nlmsg_len = static_cast<std::uint32_t>(message.size() * 4);
    header.nlmsg_type = RTM_NEWLINK;
    std::memcpy(message.data(), &header, sizeof header);
    std::memcpy(reinterpret_cast<std::uint8_t*>(message.data()) + sizeof header, payload.data(),
                payload.size());
    Rtnetlink::LinkInfo info;
    on_link_details(reinterpret_cast<const nlmsghdr*>(message.data()), &info);
    EXPECT_EQ(info.kind, "wire");
}

}  // namespace
}  // namespace wmsgate::netcfg
