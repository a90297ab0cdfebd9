// The control protocol as the daemon serves it: a request line decoded, then
// the command run by PeerCommands against a fresh registry (in /dev/shm) and
// a fake device, and its reply encoded. The input is a sequence of request
// lines, so that commands meet peers earlier lines added. Whatever the
// admin sends, each request gets exactly one reply and the daemon lives on.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/control_protocol.hpp"
#include "daemon/peer_commands.hpp"

namespace {

using namespace wmsgate;
namespace fs = std::filesystem;

class FakeDevice final : public netcfg::WgDevice {
  public:
    const std::string& interface_name() const override { return name_; }
    tl::expected<netcfg::WgDeviceState, std::error_code> get() override {
        netcfg::WgDeviceState state;
        for (const auto& [key, peer] : peers_) state.peers.push_back(peer);
        return state;
    }
    tl::expected<void, std::error_code> apply(const netcfg::DeviceUpdate& update) override {
        for (const auto& change : update.peers) {
            if (change.kind == netcfg::PeerUpdate::Kind::remove) {
                peers_.erase(change.peer.public_key.base64());
            } else {
                peers_.insert_or_assign(change.peer.public_key.base64(), change.peer);
            }
        }
        return {};
    }

  private:
    std::string name_ = "wgfuzz0";
    std::map<std::string, netcfg::WgPeer> peers_;
};

daemon::Config make_config() {
    daemon::Config config;
    config.interface.addresses = {netcfg::IpPrefix::parse("10.77.0.1/28").value(),
                                  netcfg::IpPrefix::parse("fd77::1/64").value()};
    config.interface.endpoint = "192.0.2.1:51820";
    wms::LayerConfig ortho;
    ortho.name = "ortho";
    config.layers = {ortho};
    config.groups = {{"survey", {"ortho"}}};
    return config;
}

const fs::path& dir() {
    static const fs::path path = fs::path(fs::exists("/dev/shm") ? "/dev/shm" : "/tmp") /
                                 ("wmsgate-fuzz-control-" + std::to_string(::getpid()));
    return path;
}

struct Remove {
    ~Remove() {
        std::error_code ignored;
        fs::remove_all(dir(), ignored);
    }
} remove_at_exit;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const daemon::Config config = make_config();
    static const auto server_key = netcfg::SecretKey::generate_private().public_key();
    std::error_code ignored;
    fs::remove_all(dir(), ignored);
    fs::create_directories(dir());
    auto registry = provisioning::Registry::open(dir() / "registry.sqlite3");
    if (!registry) std::abort();
    FakeDevice device;
    daemon::PeerEffects effects;
    effects.update_policy = [](const std::vector<provisioning::Peer>&) {};
    effects.disconnect = [](const std::vector<boost::asio::ip::address>&,
                            std::function<void()> closed) { closed(); };
    effects.rearm_expiry = [] {};
    effects.requests_served = [](const std::string&) { return std::uint64_t{0}; };
    daemon::PeerCommands commands(config, *registry, device, server_key, std::move(effects));

    std::string_view input(reinterpret_cast<const char*>(data), size);
    for (int lines = 0; !input.empty() && lines < 16; ++lines) {
        const auto end = input.find('\n');
        const auto line = input.substr(0, end);
        input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
        auto request = daemon::decode_request(line);
        if (!request) continue;
        int replies = 0;
        commands.handle(*request, daemon::Caller{1, 0, 0, {}}, [&](daemon::ControlReply reply) {
            ++replies;
            (void)daemon::encode_reply(reply);
        });
        if (replies != 1) std::abort();
    }
    return 0;
}
