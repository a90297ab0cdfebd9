// Times what the daemon does to a WireGuard device: apply a whole peer set to
// an empty device (start-up), and add one peer to a device that holds it
// (`wmsgatectl peer add`). Runs in a network namespace of its own.
//
//   netcfg_bench [--backend uapi|kernel|auto] [--peers N] [--runs N] [--without-key]
//
// Needs root (a namespace and a link). For uapi it starts /usr/bin/wireguard-go.
#include <sched.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "bench/args.hpp"
#include "daemon/console.hpp"
#include "netcfg/uapi_codec.hpp"
#include "netcfg/wg_backend.hpp"
#include "netcfg/wg_netlink_codec.hpp"

namespace {

using namespace wmsgate::netcfg;
using Clock = std::chrono::steady_clock;

struct Options {
    BackendChoice backend = BackendChoice::uapi;
    int peers = 10000;
    int runs = 5;
    // Leave the device without a private key: then no backend computes a
    // Diffie-Hellman per peer, which shows how much of the time that is.
    bool with_key = true;
};

std::string hex(int value) {
    std::array<char, 16> text{};
    const auto written = std::to_chars(text.data(), text.data() + text.size(), value, 16);
    return {text.data(), written.ptr};
}

std::string v6_host(int host) {
    return "fd00::" + hex(host >> 16) + ":" + hex(host & 0xffff) + "/128";
}

// Peer n: a random public key, a preshared key, 10.x.y.z/32 and fd00::n/128,
// as the daemon gives every client.
WgPeer make_peer(int n) {
    WgPeer p;
    std::array<std::uint8_t, key_size> key;
    randombytes_buf(key.data(), key.size());
    p.public_key = PublicKey::from_bytes(key);
    p.preshared_key = SecretKey::generate_preshared();
    const int host = n + 2;
    p.allowed_ips = {*IpPrefix::parse("10." + std::to_string(host >> 16) + "." +
                                      std::to_string((host >> 8) & 255) + "." +
                                      std::to_string(host & 255) + "/32"),
                     *IpPrefix::parse(v6_host(host))};
    return p;
}

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

struct Stats {
    double median, min;
};

Stats stats(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return {v[v.size() / 2], v.front()};
}

bool parse(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--without-key") {
            o.with_key = false;
            continue;
        }
        if (i + 1 >= argc) return false;
        const std::string value = argv[++i];
        if (arg == "--backend") {
            const auto choice = parse_backend_choice(value);
            if (!choice) return false;
            o.backend = *choice;
        } else if (arg == "--peers" || arg == "--runs") {
            const auto n = wmsgate::bench::parse_number(value, 1, 1000000);
            if (!n) return false;
            (arg == "--peers" ? o.peers : o.runs) = *n;
        } else {
            return false;
        }
    }
    return true;
}

int fail(const std::string& what, const std::error_code& e) {
    wmsgate::daemon::console::message("netcfg_bench: " + what + ": " + e.message());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (!parse(argc, argv, o)) {
        wmsgate::daemon::console::message(
            "usage: netcfg_bench [--backend uapi|kernel|auto] [--peers N] [--runs N] "
            "[--without-key]");
        return 2;
    }
    if (sodium_init() < 0) return 1;
    // A namespace of our own: nothing here can disturb the host's links.
    if (::unshare(CLONE_NEWNET) != 0) {
        std::perror("netcfg_bench: unshare(CLONE_NEWNET) (run as root)");
        return 1;
    }

    std::vector<PeerUpdate> all;
    all.reserve(static_cast<std::size_t>(o.peers));
    for (int n = 0; n < o.peers; ++n) all.push_back({PeerUpdate::Kind::upsert, make_peer(n)});

    UapiSettings settings;
    settings.binary = "/usr/bin/wireguard-go";
    settings.socket_timeout = std::chrono::milliseconds(30000);
    const std::string ifname = "wgb" + std::to_string(::getpid());
    constexpr int one_more_per_run = 10;
    std::vector<double> full, one, read;
    std::string backend_name;
    for (int run = 0; run < o.runs; ++run) {
        auto opened = open_wireguard_device(ifname, o.backend, settings);
        if (!opened) return fail("open " + ifname, opened.error());
        backend_name = opened->backend_name;
        WgDevice& device = *opened->device;
        // The server key goes on first, as at start-up; peers are what is timed.
        DeviceUpdate identity;
        if (o.with_key) identity.private_key = SecretKey::generate_private();
        identity.listen_port = 51820;
        if (auto ok = device.apply(identity); !ok) return fail("set key", ok.error());

        DeviceUpdate update;
        update.peers = all;
        auto start = Clock::now();
        if (auto ok = device.apply(update); !ok) return fail("apply peers", ok.error());
        full.push_back(ms(Clock::now() - start));

        for (int k = 0; k < one_more_per_run; ++k) {
            DeviceUpdate more;
            more.peers = {{PeerUpdate::Kind::upsert, make_peer(o.peers + k)}};
            start = Clock::now();
            if (auto ok = device.apply(more); !ok) return fail("apply one more", ok.error());
            one.push_back(ms(Clock::now() - start));
        }

        start = Clock::now();
        auto state = device.get();
        if (!state) return fail("get", state.error());
        read.push_back(ms(Clock::now() - start));
        if (state->peers.size() != static_cast<std::size_t>(o.peers) + one_more_per_run) {
            wmsgate::daemon::console::message(
                "netcfg_bench: device holds " + std::to_string(state->peers.size()) +
                " peers, expected " + std::to_string(o.peers + one_more_per_run));
            return 1;
        }
    }

    // Our side alone: building the request(s) for the whole set, no I/O.
    std::vector<double> encode;
    DeviceUpdate everything;
    everything.peers = all;
    for (int run = 0; run < o.runs; ++run) {
        const auto start = Clock::now();
        std::size_t bytes = 0;
        if (backend_name == "kernel") {
            for (const auto& m : encode_set_device(1, ifname, everything)) bytes += m.size();
        } else {
            bytes = encode_set_request(everything).size();
        }
        encode.push_back(ms(Clock::now() - start));
        if (bytes == 0) return 1;
    }

    const auto f = stats(full), m = stats(one), r = stats(read), e = stats(encode);
    std::printf("backend %s, %d runs%s\n", backend_name.c_str(), o.runs,
                o.with_key ? "" : ", device without a private key");
    std::printf(
        "  apply %d peers to an empty device: median %.1f ms, min %.1f ms (target <= 2000)\n",
        o.peers, f.median, f.min);
    std::printf(
        "  add one peer to a device of %d:    median %.2f ms, min %.2f ms (target <= 10; %zu "
        "samples)\n",
        o.peers, m.median, m.min, one.size());
    std::printf("  read back %d peers:                 median %.1f ms, min %.1f ms\n",
                o.peers + one_more_per_run, r.median, r.min);
    std::printf("  of the first, encoding alone:       median %.1f ms, min %.1f ms\n", e.median,
                e.min);
    return wmsgate::daemon::console::stdout_complete("netcfg_bench") ? 0 : 1;
}
