// Netlink replies as the kernel backend decodes them: acks and errors
// (extended acks included), rtnetlink's address and link dumps, the generic
// netlink family lookup, and the WireGuard device dump, whose peers merge
// across messages. The input is a receive buffer, read by NetlinkReply as
// both sockets read what recv() returned, and walked message by message
// for the decoders; the socket layer adds no other checks.

#include <libmnl/libmnl.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "netcfg/genl_codec.hpp"
#include "netcfg/netlink_ack.hpp"
#include "netcfg/netlink_attr.hpp"
#include "netcfg/netlink_reply.hpp"
#include "netcfg/rtnetlink_codec.hpp"
#include "netcfg/wg_device.hpp"
#include "netcfg/wg_netlink_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // recv() fills an aligned buffer; so does this copy, of exactly `size`
    // bytes so that ASan sees a read past the end.
    std::vector<std::uint32_t> aligned((size + 3) / 4);
    if (size > 0) std::memcpy(aligned.data(), data, size);
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(aligned.data());
    int length = static_cast<int>(size);
    wmsgate::netcfg::DeviceDumpDecoder dump;
    wmsgate::netcfg::AddressDump addresses{7, {}};
    wmsgate::netcfg::Rtnetlink::LinkInfo link;
    // Port and sequence number 0 accept every message.
    const wmsgate::netcfg::NetlinkReply::OnMessage on_message =
        [&](const nlmsghdr* message) -> tl::expected<void, std::error_code> {
        wmsgate::netcfg::on_address(message, &addresses);
        return {};
    };
    wmsgate::netcfg::NetlinkReply reply(0, 0, on_message);
    (void)reply.read(aligned.data(), size);
    for (; wmsgate::netcfg::nlattr_read::message_ok(nlh, length);
         nlh = mnl_nlmsg_next(nlh, &length)) {
        (void)wmsgate::netcfg::decode_ack(nlh);
        wmsgate::netcfg::on_address(nlh, &addresses);
        wmsgate::netcfg::on_link_details(nlh, &link);
        (void)wmsgate::netcfg::decode_family_id(nlh);
        if (!dump.add(nlh)) break;  // as the backend: the dump stops at the first bad message
    }
    const auto state = dump.take();
    // What a decoded dump feeds next: the reconcile diff and the encoder.
    wmsgate::netcfg::DeviceUpdate update;
    for (const auto& peer : state.peers)
        update.peers.push_back({wmsgate::netcfg::PeerUpdate::Kind::upsert, peer});
    (void)wmsgate::netcfg::encode_set_device(1, "wg0", update);
    return 0;
}
