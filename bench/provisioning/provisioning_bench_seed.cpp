// Fills a fresh registry with COUNT active peers for the provisioning
// benchmark (bench/provisioning/run.py), written through the Registry API
// exactly as the daemon would store them.
//
//   provisioning_bench_seed STATE_DIR COUNT [GROUP]
//
// Peer i (0-based) is "seed-<i>" in GROUP (default "g") with address
// 10.80.0.0 + i + 2, so 10.80.0.1 stays free for the appliance ("10.80.0.1/16").
// Prints the time the writes took.

#include <boost/asio/ip/address_v4.hpp>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include "daemon/console.hpp"
#include "netcfg/key.hpp"
#include "provisioning/peer.hpp"
#include "provisioning/registry.hpp"

namespace {

namespace prov = wmsgate::provisioning;
using wmsgate::daemon::console::message;

constexpr std::uint32_t base_address = (10U << 24) | (80U << 16);  // 10.80.0.0
constexpr std::uint32_t first_host = 2;                            // .0.1 is the appliance
constexpr std::uint32_t max_count = 65534 - first_host;            // stays inside /16

int usage() {
    message("usage: provisioning_bench_seed STATE_DIR COUNT [GROUP]");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3 || argc > 4) return usage();
    const std::filesystem::path state_dir = argv[1];
    const std::string_view count_text = argv[2];
    std::uint32_t count = 0;
    const auto parsed =
        std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
    if (parsed.ec != std::errc{} || parsed.ptr != count_text.data() + count_text.size() ||
        count > max_count) {
        return usage();
    }
    const std::string group = argc == 4 ? argv[3] : "g";

    std::error_code ec;
    std::filesystem::create_directories(state_dir, ec);
    if (ec) {
        message("cannot create " + state_dir.string() + ": " + ec.message());
        return 1;
    }
    auto registry = prov::Registry::open(state_dir / "registry.sqlite3");
    if (!registry) {
        message("registry: " + registry.error().message());
        return 1;
    }

    const auto start = std::chrono::steady_clock::now();
    for (std::uint32_t i = 0; i < count; ++i) {
        prov::NewPeer peer;
        peer.name = "seed-" + std::to_string(i);
        peer.public_key = wmsgate::netcfg::SecretKey::generate_private().public_key();
        peer.key_origin = prov::KeyOrigin::client;
        peer.ipv4 = boost::asio::ip::address_v4(base_address + first_host + i);
        peer.groups = {group};
        const prov::Actor actor{0, "provisioning_bench_seed"};
        if (auto added = registry->add(peer, actor); !added) {
            message("add " + peer.name + ": " + added.error().message());
            return 1;
        }
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    std::printf("seeded %u peers into %s in %.2f s\n", count, state_dir.c_str(), took.count());
    return wmsgate::daemon::console::stdout_complete("provisioning_bench_seed") ? 0 : 1;
}
