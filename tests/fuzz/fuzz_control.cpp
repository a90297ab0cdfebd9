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
#include <optional>
#include <string>
#include <string_view>

#include "daemon/control_protocol.hpp"
#include "daemon/peer_commands.hpp"
#include "provisioning/peer_service.hpp"
#include "support/fake_wg_device.hpp"

namespace {

using namespace wmsgate;
namespace fs = std::filesystem;

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
    netcfg::testing::FakeWgDevice device("wgfuzz0");
    provisioning::PeerService peers(*registry, device, config.interface.addresses);
    daemon::PeerEffects effects;
    effects.update_policy = [](const std::vector<provisioning::Peer>&) {};
    effects.disconnect = [](const std::vector<boost::asio::ip::address>&,
                            std::function<void()> closed) { closed(); };
    effects.rearm_expiry = [] {};
    effects.requests_served = [](const std::string&) { return std::uint64_t{0}; };
    daemon::PeerCommands commands(config, *registry, device, peers, server_key, std::move(effects));

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
