// The small text parsers an admin or a config feeds: expiry durations and
// dates, IP prefixes, keys (base64 and hex), endpoints, interface, peer and
// group names. The first byte picks the parser; the rest is its input.
// Each either parses or says why not; a parsed value must print back to
// something the same parser accepts.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "netcfg/endpoint.hpp"
#include "netcfg/interface_name.hpp"
#include "netcfg/ip_prefix.hpp"
#include "netcfg/key.hpp"
#include "provisioning/expiry.hpp"
#include "provisioning/registry.hpp"

namespace {

using namespace wmsgate;

void check(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 7) {
        case 0: {
            // A fixed "now", so that a crash replays.
            const auto now = provisioning::Clock::time_point(std::chrono::seconds(1'780'000'000));
            if (auto at = provisioning::parse_expiry(text, now)) {
                // What format_utc prints, parse_expiry reads back as the same time.
                const auto printed = provisioning::format_utc(*at);
                auto again = provisioning::parse_expiry(printed, now);
                check(again && *again == *at);
            }
            break;
        }
        case 1:
            if (auto prefix = netcfg::IpPrefix::parse(text)) {
                auto again = netcfg::IpPrefix::parse(prefix->to_string());
                check(again && *again == *prefix);
                (void)prefix->network();
            }
            break;
        case 2:
            if (auto key = netcfg::PublicKey::from_base64(text)) {
                auto again = netcfg::PublicKey::from_base64(key->base64());
                check(again && again->base64() == key->base64());
            }
            (void)netcfg::PublicKey::from_hex(text);
            break;
        case 3:
            (void)netcfg::SecretKey::from_base64(text);
            (void)netcfg::SecretKey::from_hex(text);
            break;
        case 4:
            if (auto endpoint = netcfg::Endpoint::parse(text)) (void)endpoint->to_string();
            break;
        case 5:
            (void)netcfg::check_interface_name(text);
            break;
        case 6:
            (void)provisioning::is_valid_peer_name(text);
            (void)provisioning::is_valid_group_name(text);
            break;
    }
    return 0;
}
