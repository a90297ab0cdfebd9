// The PostgreSQL registry with 10,000 peers, as two appliances of a fleet
// see it (each a Registry, a PeerService and a device of its own, here the
// in-memory fake so that only the registry's part is timed):
//   - `peer add` latency on appliance A (address allocation, the insert with
//     its audit line and change notice, one transaction);
//   - fleet-wide revocation latency: from A's revoke being called until
//     appliance B has heard the notice (PgChangeFeed), read the peer and
//     taken it off its device.
// Run through bench/fleet/run.sh, which starts a temporary PostgreSQL 15.
// Usage: fleet_bench DSN [PEERS] [SAMPLES]

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/args.hpp"
#include "daemon/console.hpp"
#include "netcfg/ip_prefix.hpp"
#include "provisioning/peer_service.hpp"
#include "provisioning/pg_change_feed.hpp"
#include "provisioning/registry.hpp"
#include "support/fake_wg_device.hpp"

namespace prov = wmsgate::provisioning;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

void print(const char* what, std::vector<double> samples) {
    std::sort(samples.begin(), samples.end());
    const auto at = [&](double q) {
        return samples[static_cast<std::size_t>(q * static_cast<double>(samples.size() - 1))];
    };
    std::printf("%-44s n=%zu  median %.2f ms  p90 %.2f ms  max %.2f ms\n", what, samples.size(),
                at(0.5), at(0.9), samples.back());
}

}  // namespace

int run(int argc, char** argv) {
    using wmsgate::daemon::console::message;
    if (argc < 2) {
        message("usage: fleet_bench DSN [PEERS] [SAMPLES]");
        return 2;
    }
    const std::string dsn = argv[1];
    const auto peers = argc > 2 ? wmsgate::bench::parse_number(argv[2], 0, 60000) : 10000;
    const auto samples = argc > 3 ? wmsgate::bench::parse_number(argv[3], 1, 100000) : 200;
    if (!peers || !samples) {
        message("fleet_bench: PEERS is 0 to 60000, SAMPLES 1 to 100000");
        return 2;
    }

    auto registry_a = prov::Registry::open_postgresql(dsn);
    auto registry_b = prov::Registry::open_postgresql(dsn);
    if (!registry_a || !registry_b) {
        message("cannot open the registry: " +
                (registry_a ? registry_b : registry_a).error().detail);
        return 1;
    }
    // A /16 holds 10,000 peers and the samples.
    const std::vector<wmsgate::netcfg::IpPrefix> prefixes{
        wmsgate::netcfg::IpPrefix::parse("10.77.0.1/16").value()};
    wmsgate::netcfg::testing::FakeWgDevice device_a("wgbencha"), device_b("wgbenchb");
    prov::PeerService a(*registry_a, device_a, prefixes);
    prov::PeerService b(*registry_b, device_b, prefixes);

    const auto seed_started = Clock::now();
    for (int i = static_cast<int>(registry_a->list().value().size()); i < *peers; ++i) {
        prov::PeerRequest request;
        request.name = "seed" + std::to_string(i);
        request.groups = {"survey"};
        if (!a.add(request, 0)) {
            message("seeding failed at " + std::to_string(i));
            return 1;
        }
    }
    std::printf("registry seeded with %d peers in %.1f s\n", *peers,
                ms(Clock::now() - seed_started) / 1000);

    auto feed = prov::PgChangeFeed::open(dsn);
    if (!feed) {
        message("cannot listen: " + feed.error());
        return 1;
    }
    std::vector<double> add_ms, revoke_ms, revoke_call_ms;
    const auto stamp = std::to_string(::time(nullptr));
    for (int i = 0; i < *samples; ++i) {
        prov::PeerRequest request;
        request.name = "bench" + stamp + "-" + std::to_string(i);
        request.groups = {"survey"};
        const auto started = Clock::now();
        auto added = a.add(request, 0);
        add_ms.push_back(ms(Clock::now() - started));
        if (!added) {
            message("add failed: " + added.error().code.message());
            return 1;
        }
        // B follows the add first (as an appliance of the fleet would).
        for (bool heard = false; !heard;) {
            pollfd fd{feed->socket(), POLLIN, 0};
            // A timeout or an interruption only means looking again.
            static_cast<void>(::poll(&fd, 1, 1000));
            auto notices = feed->take(registry_b->change_origin());
            for (const auto& n : notices.value()) heard |= b.follow_notice(n).has_value();
        }

        const auto revoke_started = Clock::now();
        if (!a.revoke(request.name, 0)) return 1;
        revoke_call_ms.push_back(ms(Clock::now() - revoke_started));
        for (bool off = false; !off;) {
            pollfd fd{feed->socket(), POLLIN, 0};
            // A timeout or an interruption only means looking again.
            static_cast<void>(::poll(&fd, 1, 1000));
            auto notices = feed->take(registry_b->change_origin());
            for (const auto& n : notices.value()) {
                auto followed = b.follow_notice(n);
                off |= followed && followed->peer.revoked.has_value();
            }
        }
        revoke_ms.push_back(ms(Clock::now() - revoke_started));
    }
    std::printf("PostgreSQL registry, %d peers, fake devices (registry and notice only):\n",
                *peers);
    print("peer add on A (allocate, insert, audit)", add_ms);
    print("peer revoke on A (the call)", revoke_call_ms);
    print("revoke on A -> off B's device (NOTIFY)", revoke_ms);
    return wmsgate::daemon::console::stdout_complete("fleet_bench") ? 0 : 1;
}

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        wmsgate::daemon::console::message(std::string("fleet_bench: internal error: ") + e.what());
    } catch (...) {
        wmsgate::daemon::console::message("fleet_bench: internal error");
    }
    return 1;
}
