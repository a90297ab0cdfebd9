#include "netcfg/uapi_device.hpp"

#include <sodium.h>

#include "netcfg/endpoint.hpp"
#include "netcfg/interface_name.hpp"
#include "netcfg/uapi_codec.hpp"
#include "netcfg/uapi_socket.hpp"

namespace wmsgate::netcfg {
namespace {

// Wipes a buffer that held key text, whatever path leaves the scope.
class WipeOnExit {
  public:
    explicit WipeOnExit(std::string& text) : text_(text) {}
    WipeOnExit(const WipeOnExit&) = delete;
    WipeOnExit& operator=(const WipeOnExit&) = delete;
    ~WipeOnExit() { sodium_memzero(text_.data(), text_.size()); }

  private:
    std::string& text_;
};

// Endpoints are the only free text in a request; checking them keeps a stray
// newline from turning into protocol lines.
tl::expected<void, std::error_code> check_endpoints(const DeviceUpdate& update) {
    for (const auto& peer : update.peers) {
        if (peer.kind != PeerUpdate::Kind::remove && peer.peer.endpoint) {
            if (auto ok = Endpoint::parse(*peer.peer.endpoint); !ok)
                return tl::unexpected(ok.error());
        }
    }
    return {};
}

}  // namespace

UapiDevice::UapiDevice(std::string ifname, std::filesystem::path socket_dir,
                       std::chrono::milliseconds timeout)
    : ifname_(std::move(ifname)), socket_dir_(std::move(socket_dir)), timeout_(timeout) {}

tl::expected<std::string, std::error_code> UapiDevice::exchange(std::string_view request) {
    // The name becomes a path: checking it keeps us inside socket_dir.
    if (auto ok = check_interface_name(ifname_); !ok) return tl::unexpected(ok.error());
    auto fd = connect_uapi(uapi_socket_path(socket_dir_, ifname_), timeout_);
    if (!fd) return tl::unexpected(fd.error());
    if (auto sent = send_all(fd->get(), request); !sent) return tl::unexpected(sent.error());
    return receive_reply(fd->get());
}

tl::expected<WgDeviceState, std::error_code> UapiDevice::get() {
    auto reply = exchange("get=1\n\n");
    if (!reply) return tl::unexpected(reply.error());
    WipeOnExit wipe(*reply);  // it carries the private key
    return decode_get_reply(*reply);
}

tl::expected<void, std::error_code> UapiDevice::apply(const DeviceUpdate& update) {
    if (update.empty()) return {};
    if (auto ok = check_endpoints(update); !ok) return ok;
    std::string request = encode_set_request(update);
    WipeOnExit wipe(request);
    auto reply = exchange(request);
    if (!reply) return tl::unexpected(reply.error());
    return decode_set_reply(*reply);
}

}  // namespace wmsgate::netcfg
