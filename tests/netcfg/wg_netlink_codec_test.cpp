#include "netcfg/wg_netlink_codec.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/genetlink.h>
#include <linux/time_types.h>
#include <linux/wireguard.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

#include "netcfg/errors.hpp"
#include "netlink_bytes.hpp"

namespace wmsgate::netcfg {
namespace {

using testing::NlBytes;

constexpr std::uint16_t family = 0x1c;
constexpr std::uint16_t set_flags = NLM_F_REQUEST | NLM_F_ACK;

PublicKey public_key(std::uint8_t fill) {
    std::array<std::uint8_t, key_size> b;
    b.fill(fill);
    return PublicKey::from_bytes(b);
}

SecretKey secret(std::uint8_t fill) {
    return *SecretKey::from_raw(std::string(key_size, static_cast<char>(fill)));
}

std::array<std::uint8_t, key_size> filled(std::uint8_t fill) {
    std::array<std::uint8_t, key_size> b;
    b.fill(fill);
    return b;
}

IpPrefix prefix(const char* text) {
    return *IpPrefix::parse(text);
}

void allowed_v4(NlBytes& list, std::array<std::uint8_t, 4> addr, std::uint8_t cidr) {
    list.nest(0, [&](NlBytes& ip) {
        ip.u16(WGALLOWEDIP_A_FAMILY, AF_INET)
            .attr(WGALLOWEDIP_A_IPADDR, addr.data(), 4)
            .u8(WGALLOWEDIP_A_CIDR_MASK, cidr);
    });
}

void allowed_v6(NlBytes& list, std::array<std::uint8_t, 16> addr, std::uint8_t cidr) {
    list.nest(0, [&](NlBytes& ip) {
        ip.u16(WGALLOWEDIP_A_FAMILY, AF_INET6)
            .attr(WGALLOWEDIP_A_IPADDR, addr.data(), 16)
            .u8(WGALLOWEDIP_A_CIDR_MASK, cidr);
    });
}

const nlmsghdr* header(const std::vector<std::uint8_t>& bytes) {
    return reinterpret_cast<const nlmsghdr*>(bytes.data());
}

// An attribute as the tests see it, read without the codec's helpers.
struct Attr {
    std::uint16_t type;
    std::vector<std::uint8_t> payload;
};

std::vector<Attr> read_attrs(const std::uint8_t* p, std::size_t len) {
    std::vector<Attr> out;
    std::size_t pos = 0;
    while (pos + 4 <= len) {
        std::uint16_t alen, type;
        std::memcpy(&alen, p + pos, 2);
        std::memcpy(&type, p + pos + 2, 2);
        EXPECT_GE(alen, 4);
        EXPECT_LE(pos + alen, len);
        if (alen < 4 || pos + alen > len) break;
        out.push_back({static_cast<std::uint16_t>(type & NLA_TYPE_MASK),
                       std::vector<std::uint8_t>(p + pos + 4, p + pos + alen)});
        pos += (alen + 3u) & ~3u;
    }
    return out;
}

std::vector<Attr> read_attrs(const std::vector<std::uint8_t>& v) {
    return read_attrs(v.data(), v.size());
}

const Attr* find(const std::vector<Attr>& attrs, std::uint16_t type) {
    for (const auto& a : attrs)
        if (a.type == type) return &a;
    return nullptr;
}

// The top-level attributes of a set message (after nlmsghdr and genlmsghdr).
std::vector<Attr> message_attrs(const NetlinkMessage& m) {
    return read_attrs(m.data() + 20, m.size() - 20);
}

// The offset of the first byte that differs (or the shorter length); -1 when
// equal. Says more than gtest's dump of two 500-byte vectors.
long first_difference(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
    if (a == b) return -1;
    const auto [ia, ib] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
    return static_cast<long>(ia - a.begin());
}

std::uint32_t u32_of(const Attr& a) {
    std::uint32_t v;
    std::memcpy(&v, a.payload.data(), 4);
    return v;
}

TEST(WgNetlinkEncode, GetDeviceDumpRequestBytes) {
    NlBytes attrs;
    attrs.strz(WGDEVICE_A_IFNAME, "wg0");
    EXPECT_EQ(encode_get_device(family, "wg0"),
              NlBytes::genl(family, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, WG_CMD_GET_DEVICE,
                            WG_GENL_VERSION, attrs));
}

TEST(WgNetlinkEncode, SetDeviceWithEveryFieldIsByteExact) {
    DeviceUpdate update;
    update.private_key = secret(0x11);
    update.listen_port = 51820;
    update.fwmark = 0x77;
    update.replace_peers = true;
    WgPeer gone;
    gone.public_key = public_key(0xaa);
    WgPeer a;
    a.public_key = public_key(0xbb);
    a.preshared_key = secret(0x22);
    a.endpoint = "192.0.2.7:51821";
    a.persistent_keepalive = 25;
    a.allowed_ips = {prefix("10.77.0.2/32"), prefix("fd77::2/128")};
    WgPeer b;
    b.public_key = public_key(0xcc);
    b.endpoint = "[2001:db8::1]:443";
    b.allowed_ips = {prefix("10.77.1.0/24")};
    update.peers = {{PeerUpdate::Kind::remove, gone},
                    {PeerUpdate::Kind::upsert, a},
                    {PeerUpdate::Kind::update_only, b}};

    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(51821);
    sin.sin_addr.s_addr = htonl(0xc0000207);
    sockaddr_in6 sin6{};
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(443);
    inet_pton(AF_INET6, "2001:db8::1", &sin6.sin6_addr);
    std::array<std::uint8_t, 16> fd77_2{0xfd, 0x77};
    fd77_2[15] = 2;

    const auto k11 = filled(0x11), kaa = filled(0xaa), kbb = filled(0xbb), k22 = filled(0x22),
               kcc = filled(0xcc), zero = filled(0);
    NlBytes attrs;
    attrs.strz(WGDEVICE_A_IFNAME, "wg0")
        .attr(WGDEVICE_A_PRIVATE_KEY, k11.data(), 32)
        .u16(WGDEVICE_A_LISTEN_PORT, 51820)
        .u32(WGDEVICE_A_FWMARK, 0x77)
        .u32(WGDEVICE_A_FLAGS, WGDEVICE_F_REPLACE_PEERS)
        .nest(WGDEVICE_A_PEERS, [&](NlBytes& peers) {
            peers.nest(0, [&](NlBytes& p) {
                p.attr(WGPEER_A_PUBLIC_KEY, kaa.data(), 32).u32(WGPEER_A_FLAGS, WGPEER_F_REMOVE_ME);
            });
            peers.nest(0, [&](NlBytes& p) {
                p.attr(WGPEER_A_PUBLIC_KEY, kbb.data(), 32)
                    .u32(WGPEER_A_FLAGS, WGPEER_F_REPLACE_ALLOWEDIPS)
                    .attr(WGPEER_A_PRESHARED_KEY, k22.data(), 32)
                    .attr(WGPEER_A_ENDPOINT, &sin, sizeof sin)
                    .u16(WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, 25)
                    .nest(WGPEER_A_ALLOWEDIPS, [&](NlBytes& ips) {
                        allowed_v4(ips, {10, 77, 0, 2}, 32);
                        allowed_v6(ips, fd77_2, 128);
                    });
            });
            peers.nest(0, [&](NlBytes& p) {
                p.attr(WGPEER_A_PUBLIC_KEY, kcc.data(), 32)
                    .u32(WGPEER_A_FLAGS, WGPEER_F_REPLACE_ALLOWEDIPS | WGPEER_F_UPDATE_ONLY)
                    .attr(WGPEER_A_PRESHARED_KEY, zero.data(), 32)
                    .attr(WGPEER_A_ENDPOINT, &sin6, sizeof sin6)
                    .u16(WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, 0)
                    .nest(WGPEER_A_ALLOWEDIPS, [&](NlBytes& ips) {
                        allowed_v4(ips, {10, 77, 1, 0}, 24);
                    });
            });
        });
    const auto messages = encode_set_device(family, "wg0", update);
    ASSERT_EQ(messages.size(), 1u);
    const auto expected =
        NlBytes::genl(family, set_flags, WG_CMD_SET_DEVICE, WG_GENL_VERSION, attrs);
    EXPECT_EQ(first_difference(messages[0], expected), -1);
    EXPECT_EQ(messages[0].size(), expected.size());
}

TEST(WgNetlinkEncode, DeviceFieldsOnlyMakeOneMessageWithoutPeers) {
    DeviceUpdate update;
    update.listen_port = 1;
    NlBytes attrs;
    attrs.strz(WGDEVICE_A_IFNAME, "wg0").u16(WGDEVICE_A_LISTEN_PORT, 1);
    const auto messages = encode_set_device(family, "wg0", update);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0],
              NlBytes::genl(family, set_flags, WG_CMD_SET_DEVICE, WG_GENL_VERSION, attrs));
}

// Peer n: a distinct key, a preshared key, one IPv4 and one IPv6 /32-/128.
WgPeer split_peer(int n) {
    WgPeer p;
    std::array<std::uint8_t, key_size> b{};
    std::memcpy(b.data(), &n, sizeof n);
    b[31] = 1;
    p.public_key = PublicKey::from_bytes(b);
    p.preshared_key = secret(0x33);
    p.allowed_ips = {
        prefix(("10.9." + std::to_string(n / 256) + "." + std::to_string(n % 256)).c_str()),
        prefix(("fd09::" + std::to_string(n)).c_str())};
    return p;
}

TEST(WgNetlinkEncode, ThousandPeersSplitWhereTheNextPeerWouldNotFit) {
    DeviceUpdate update;
    update.private_key = secret(0x44);
    update.listen_port = 51820;
    update.replace_peers = true;
    for (int n = 0; n < 1000; ++n)
        update.peers.push_back({PeerUpdate::Kind::upsert, split_peer(n)});
    const auto messages = encode_set_device(family, "wg0", update);

    // Sizes spelled out: nlmsghdr 16 + genlmsghdr 4 + IFNAME "wg0\0" 8 +
    // PEERS nest header 4 = 32; the first message adds the private key 36,
    // port 8 and flags 8 = 84. A peer: nest 4 + public key 36 + flags 8 +
    // preshared key 36 + keepalive 8 + allowed-IPs nest 4 + IPv4 entry 28 +
    // IPv6 entry 40 = 164. So (4096-84)/164 = 24 peers in the first message
    // and (4096-32)/164 = 24 in each later one: 41 full messages and 16 left.
    constexpr std::size_t peer_size = 164;
    ASSERT_EQ(messages.size(), 42u);
    std::size_t next = 0;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        SCOPED_TRACE(i);
        const auto& m = messages[i];
        EXPECT_LE(m.size(), default_set_message_size);
        const auto attrs = message_attrs(m);
        const bool first = i == 0;
        EXPECT_EQ(find(attrs, WGDEVICE_A_PRIVATE_KEY) != nullptr, first);
        EXPECT_EQ(find(attrs, WGDEVICE_A_LISTEN_PORT) != nullptr, first);
        // REPLACE_PEERS again would drop the peers sent before.
        EXPECT_EQ(find(attrs, WGDEVICE_A_FLAGS) != nullptr, first);
        const Attr* peers = find(attrs, WGDEVICE_A_PEERS);
        ASSERT_NE(peers, nullptr);
        const auto list = read_attrs(peers->payload);
        EXPECT_EQ(list.size(), i + 1 < messages.size() ? 24u : 16u);
        EXPECT_EQ(m.size(), (first ? 84u : 32u) + list.size() * peer_size);
        // The split point: one more peer would not have fitted.
        if (i + 1 < messages.size()) {
            EXPECT_GT(m.size() + peer_size, default_set_message_size);
        }
        for (const auto& peer : list) {
            const auto fields = read_attrs(peer.payload);
            const Attr* key = find(fields, WGPEER_A_PUBLIC_KEY);
            ASSERT_NE(key, nullptr);
            const auto& want = update.peers[next++].peer.public_key.bytes();
            EXPECT_TRUE(std::equal(want.begin(), want.end(), key->payload.begin()));
            ASSERT_NE(find(fields, WGPEER_A_FLAGS), nullptr);
            EXPECT_EQ(u32_of(*find(fields, WGPEER_A_FLAGS)), WGPEER_F_REPLACE_ALLOWEDIPS);
        }
    }
    EXPECT_EQ(next, 1000u);
}

TEST(WgNetlinkEncode, PeerWithThousandAllowedIpsContinuesAcrossMessages) {
    WgPeer p;
    p.public_key = public_key(0x55);
    for (int n = 0; n < 1000; ++n)
        p.allowed_ips.push_back(
            prefix(("10.8." + std::to_string(n / 256) + "." + std::to_string(n % 256)).c_str()));
    DeviceUpdate update;
    update.peers = {{PeerUpdate::Kind::upsert, p}};
    const auto messages = encode_set_device(family, "wg0", update);

    // First piece: 32 + peer nest 4 + key 36 + flags 8 + zero preshared key
    // 36 + keepalive 8 + allowed-IPs nest 4 = 128, so (4096-128)/28 = 141
    // IPv4 entries. A continuation: 32 + 4 + key 36 + flags 8 + nest 4 = 84,
    // so (4096-84)/28 = 143. 141 + 6*143 = 999: eight messages, one IP last.
    ASSERT_EQ(messages.size(), 8u);
    std::vector<std::size_t> counts;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        SCOPED_TRACE(i);
        const auto attrs = message_attrs(messages[i]);
        const Attr* peers = find(attrs, WGDEVICE_A_PEERS);
        ASSERT_NE(peers, nullptr);
        const auto list = read_attrs(peers->payload);
        ASSERT_EQ(list.size(), 1u);
        const auto fields = read_attrs(list[0].payload);
        ASSERT_NE(find(fields, WGPEER_A_FLAGS), nullptr);
        const auto flags = u32_of(*find(fields, WGPEER_A_FLAGS));
        if (i == 0) {
            EXPECT_EQ(flags, WGPEER_F_REPLACE_ALLOWEDIPS);
            EXPECT_NE(find(fields, WGPEER_A_PRESHARED_KEY), nullptr);
        } else {
            // Adds to what the first piece set; never clears it, never creates.
            EXPECT_EQ(flags, WGPEER_F_UPDATE_ONLY);
            EXPECT_EQ(find(fields, WGPEER_A_PRESHARED_KEY), nullptr);
            EXPECT_EQ(find(fields, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL), nullptr);
        }
        const Attr* ips = find(fields, WGPEER_A_ALLOWEDIPS);
        ASSERT_NE(ips, nullptr);
        counts.push_back(read_attrs(ips->payload).size());
    }
    EXPECT_EQ(counts, (std::vector<std::size_t>{141, 143, 143, 143, 143, 143, 143, 1}));
}

TEST(WgNetlinkEncode, MessageSizeOutsideTheLimitsIsABug) {
    DeviceUpdate update;
    EXPECT_THROW(encode_set_device(family, "wg0", update, 100), std::invalid_argument);
    EXPECT_THROW(encode_set_device(family, "wg0", update, 70000), std::invalid_argument);
}

// Three dump messages as the kernel cuts them: peer B's allowed IPs run from
// the first message into the second, and peer C's from the second into the third.
TEST(WgNetlinkDecode, DumpCoalescesPeersAcrossMessages) {
    const auto priv = filled(0x01), pub = filled(0x02), ka = filled(0xa0), kb = filled(0xb0),
               kc = filled(0xc0), psk = filled(0x0f), zero = filled(0);
    sockaddr_in6 sin6{};
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(51820);
    inet_pton(AF_INET6, "2001:db8::9", &sin6.sin6_addr);
    __kernel_timespec handshake{1700000000, 500};
    std::array<std::uint8_t, 16> v6{0xfd, 0x77};
    v6[15] = 0x0a;

    NlBytes m1;
    m1.u32(WGDEVICE_A_IFINDEX, 7)
        .strz(WGDEVICE_A_IFNAME, "wg0")
        .attr(WGDEVICE_A_PRIVATE_KEY, priv.data(), 32)
        .attr(WGDEVICE_A_PUBLIC_KEY, pub.data(), 32)
        .u16(WGDEVICE_A_LISTEN_PORT, 51820)
        .u32(WGDEVICE_A_FWMARK, 9)
        .nest(WGDEVICE_A_PEERS, [&](NlBytes& peers) {
            peers.nest(0, [&](NlBytes& p) {
                p.attr(WGPEER_A_PUBLIC_KEY, ka.data(), 32)
                    .attr(WGPEER_A_PRESHARED_KEY, psk.data(), 32)
                    .attr(WGPEER_A_LAST_HANDSHAKE_TIME, &handshake, sizeof handshake)
                    .u16(WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, 25)
                    .u64(WGPEER_A_TX_BYTES, 1000)
                    .u64(WGPEER_A_RX_BYTES, 2000)
                    .u32(WGPEER_A_PROTOCOL_VERSION, 1)
                    .attr(WGPEER_A_ENDPOINT, &sin6, sizeof sin6)
                    .nest(WGPEER_A_ALLOWEDIPS, [&](NlBytes& ips) {
                        allowed_v4(ips, {10, 77, 0, 2}, 32);
                        allowed_v6(ips, v6, 128);
                    });
            });
            peers.nest(0, [&](NlBytes& p) {
                p.attr(WGPEER_A_PUBLIC_KEY, kb.data(), 32)
                    .attr(WGPEER_A_PRESHARED_KEY, zero.data(), 32)
                    .nest(WGPEER_A_ALLOWEDIPS, [&](NlBytes& ips) {
                        allowed_v4(ips, {10, 77, 0, 3}, 32);
                    });
            });
        });
    NlBytes m2;
    m2.nest(WGDEVICE_A_PEERS, [&](NlBytes& peers) {
        peers.nest(0, [&](NlBytes& p) {
            p.attr(WGPEER_A_PUBLIC_KEY, kb.data(), 32).nest(WGPEER_A_ALLOWEDIPS, [&](NlBytes& ips) {
                allowed_v4(ips, {10, 77, 0, 4}, 32);
                allowed_v4(ips, {10, 78, 0, 0}, 16);
            });
        });
        peers.nest(0, [&](NlBytes& p) {
            p.attr(WGPEER_A_PUBLIC_KEY, kc.data(), 32).nest(WGPEER_A_ALLOWEDIPS, [&](NlBytes& ips) {
                allowed_v4(ips, {10, 77, 0, 5}, 32);
            });
        });
    });
    NlBytes m3;
    m3.nest(WGDEVICE_A_PEERS, [&](NlBytes& peers) {
        peers.nest(0, [&](NlBytes& p) {
            p.attr(WGPEER_A_PUBLIC_KEY, kc.data(), 32).nest(WGPEER_A_ALLOWEDIPS, [&](NlBytes& ips) {
                allowed_v4(ips, {10, 77, 0, 6}, 32);
            });
        });
    });

    DeviceDumpDecoder decoder;
    for (const auto* attrs : {&m1, &m2, &m3}) {
        const auto msg = NlBytes::genl(family, NLM_F_MULTI, WG_CMD_GET_DEVICE, 1, *attrs);
        auto added = decoder.add(header(msg));
        ASSERT_TRUE(added) << added.error().message();
    }
    const auto state = decoder.take();
    ASSERT_TRUE(state.public_key);
    EXPECT_EQ(*state.public_key, public_key(0x02));
    EXPECT_EQ(state.listen_port, 51820);
    EXPECT_EQ(state.fwmark, 9u);
    ASSERT_EQ(state.peers.size(), 3u);

    const auto& a = state.peers[0];
    EXPECT_EQ(a.public_key, public_key(0xa0));
    ASSERT_TRUE(a.preshared_key);
    EXPECT_TRUE(*a.preshared_key == secret(0x0f));
    EXPECT_EQ(a.endpoint, "[2001:db8::9]:51820");
    EXPECT_EQ(a.persistent_keepalive, 25);
    EXPECT_EQ(a.tx_bytes, 1000u);
    EXPECT_EQ(a.rx_bytes, 2000u);
    EXPECT_EQ(a.last_handshake.time_since_epoch(),
              std::chrono::seconds(1700000000) + std::chrono::nanoseconds(500));
    EXPECT_EQ(a.allowed_ips,
              (std::vector<IpPrefix>{prefix("10.77.0.2/32"), prefix("fd77::a/128")}));

    const auto& b = state.peers[1];
    EXPECT_EQ(b.public_key, public_key(0xb0));
    EXPECT_FALSE(b.preshared_key);  // all zeros: none
    EXPECT_EQ(b.allowed_ips, (std::vector<IpPrefix>{prefix("10.77.0.3/32"), prefix("10.77.0.4/32"),
                                                    prefix("10.78.0.0/16")}));
    const auto& c = state.peers[2];
    EXPECT_EQ(c.allowed_ips,
              (std::vector<IpPrefix>{prefix("10.77.0.5/32"), prefix("10.77.0.6/32")}));

    // take() leaves the decoder empty for the next dump.
    EXPECT_TRUE(decoder.take().peers.empty());
}

TEST(WgNetlinkDecode, MalformedDumpsAreRejected) {
    const auto short_key = filled(0x01);
    NlBytes bad_key;
    bad_key.nest(WGDEVICE_A_PEERS, [&](NlBytes& peers) {
        peers.nest(0, [&](NlBytes& p) { p.attr(WGPEER_A_PUBLIC_KEY, short_key.data(), 31); });
    });
    NlBytes no_key;
    no_key.nest(WGDEVICE_A_PEERS, [&](NlBytes& peers) {
        peers.nest(0, [&](NlBytes& p) { p.u16(WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, 1); });
    });
    NlBytes bad_ip;
    bad_ip.nest(WGDEVICE_A_PEERS, [&](NlBytes& peers) {
        peers.nest(0, [&](NlBytes& p) {
            p.attr(WGPEER_A_PUBLIC_KEY, short_key.data(), 32)
                .nest(WGPEER_A_ALLOWEDIPS, [&](NlBytes& ips) {
                    ips.nest(0, [&](NlBytes& ip) {
                        const std::uint8_t addr[4] = {10, 0, 0, 1};
                        ip.u16(WGALLOWEDIP_A_FAMILY, AF_INET)
                            .attr(WGALLOWEDIP_A_IPADDR, addr, 4)
                            .u8(WGALLOWEDIP_A_CIDR_MASK, 33);
                    });
                });
        });
    });
    for (const auto* attrs : {&bad_key, &no_key, &bad_ip}) {
        const auto msg = NlBytes::genl(family, NLM_F_MULTI, WG_CMD_GET_DEVICE, 1, *attrs);
        DeviceDumpDecoder decoder;
        const auto added = decoder.add(header(msg));
        ASSERT_FALSE(added);
        EXPECT_EQ(added.error(), make_error_code(Errc::netlink_protocol));
    }

    // An attribute whose length runs past the message's end.
    NlBytes fine;
    fine.u16(WGDEVICE_A_LISTEN_PORT, 1);
    auto cut = NlBytes::genl(family, NLM_F_MULTI, WG_CMD_GET_DEVICE, 1, fine);
    cut[20] = 40;  // the attribute claims 40 bytes; the message has 8
    DeviceDumpDecoder decoder;
    EXPECT_FALSE(decoder.add(header(cut)));
}

}  // namespace
}  // namespace wmsgate::netcfg
