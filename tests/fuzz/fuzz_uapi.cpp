// wireguard-go's UAPI replies (the text after "get=1" and "set=1"), as the
// uapi backend decodes them. A reply that decodes must describe a device
// the encoder can write back without throwing.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "netcfg/uapi_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)wmsgate::netcfg::decode_set_reply(text);
    auto state = wmsgate::netcfg::decode_get_reply(text);
    if (!state) return 0;
    wmsgate::netcfg::DeviceUpdate update;
    update.listen_port = state->listen_port;
    for (const auto& peer : state->peers)
        update.peers.push_back({wmsgate::netcfg::PeerUpdate::Kind::upsert, peer});
    (void)wmsgate::netcfg::encode_set_request(update);
    return 0;
}
