#include "netcfg/wg_kernel.hpp"

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/wireguard.h>
#include <sodium.h>

#include <cerrno>

#include "netcfg/endpoint.hpp"
#include "netcfg/errors.hpp"
#include "netcfg/genl_codec.hpp"
#include "netcfg/interface_name.hpp"
#include "netcfg/wg_netlink_codec.hpp"

namespace wmsgate::netcfg {
namespace {

// A dump is interrupted when the device changes under it; a handful of
// retries outlasts any burst of changes but not a device changing for ever.
constexpr int dump_attempts = 5;

void wipe(NetlinkMessage& message) {
    sodium_memzero(message.data(), message.size());
}

tl::expected<void, std::error_code> check_endpoints(const DeviceUpdate& update) {
    for (const auto& change : update.peers) {
        if (change.kind != PeerUpdate::Kind::remove && change.peer.endpoint) {
            if (auto ok = Endpoint::parse(*change.peer.endpoint); !ok)
                return tl::unexpected(ok.error());
        }
    }
    return {};
}

}  // namespace

tl::expected<std::unique_ptr<KernelDevice>, std::error_code> KernelDevice::open(
    std::string ifname) {
    if (auto ok = check_interface_name(ifname); !ok) return tl::unexpected(ok.error());
    auto socket = NetlinkSocket::open(NETLINK_GENERIC);
    if (!socket) return tl::unexpected(socket.error());
    auto request = encode_get_family(WG_GENL_NAME);
    std::optional<std::uint16_t> family;
    auto done = socket->transact(request, [&](const nlmsghdr* reply) {
        family = decode_family_id(reply);
        return tl::expected<void, std::error_code>();
    });
    if (!done) {
        if (done.error() == std::error_code(ENOENT, std::system_category()))
            return tl::unexpected(make_error_code(Errc::kernel_wireguard_missing));
        return tl::unexpected(done.error());
    }
    if (!family) return tl::unexpected(make_error_code(Errc::netlink_protocol));
    return std::unique_ptr<KernelDevice>(
        new KernelDevice(std::move(ifname), std::move(*socket), *family));
}

tl::expected<WgDeviceState, std::error_code> KernelDevice::get() {
    std::error_code last;
    for (int attempt = 0; attempt < dump_attempts; ++attempt) {
        auto request = encode_get_device(family_id_, ifname_);
        DeviceDumpDecoder decoder;
        auto done = socket_.transact(request,
                                     [&](const nlmsghdr* message) { return decoder.add(message); });
        if (done) return decoder.take();
        last = done.error();
        if (last != make_error_code(Errc::netlink_dump_interrupted)) break;
    }
    return tl::unexpected(last);
}

tl::expected<void, std::error_code> KernelDevice::apply(const DeviceUpdate& update) {
    if (update.empty()) return {};
    if (auto ok = check_endpoints(update); !ok) return ok;
    auto messages = encode_set_device(family_id_, ifname_, update);
    tl::expected<void, std::error_code> result;
    for (auto& message : messages) {
        if (result) result = socket_.transact(message, nullptr);
        wipe(message);  // every one, sent or not: they hold keys
    }
    return result;
}

}  // namespace wmsgate::netcfg
