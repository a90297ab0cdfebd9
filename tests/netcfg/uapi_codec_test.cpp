#include "netcfg/uapi_codec.hpp"

#include <gtest/gtest.h>

#include "netcfg/errors.hpp"

namespace wmsgate::netcfg {
namespace {

const std::string priv_hex = "002a03e8407adaf74805c99835e3e4082071e7ac57250031e521a97aede8515e";
const std::string pub_hex = "156b3c266f9dd74a8d6033f77e573f474b033b1a4fa04c0bd0c3f99f53557923";
const std::string peer_a = "58402e695ba1772b1cc9309755f043251ea77fdcf10fbe63989ceae4e2a9e2c9";
const std::string peer_b = "662e14fd594556f522604703340351258903b64f35553763f19426ab2a515c58";
const std::string peer_c = "e84b5a6d2717c1003a13b431570353dbaca9146cf150c5f8575680feba52027a";
const std::string psk_hex = "188515093e952f5f22e865cef3012e72f8b5f0b598ac0309d5dacce3b70fcf52";
const std::string zeros(64, '0');

WgPeer peer(const std::string& key_hex) {
    WgPeer p;
    p.public_key = *PublicKey::from_hex(key_hex);
    return p;
}

TEST(UapiEncode, SetWithDeviceFieldsUpsertsAndRemoval) {
    DeviceUpdate update;
    update.private_key = *SecretKey::from_hex(priv_hex);
    update.listen_port = 51820;

    WgPeer a = peer(peer_a);
    a.preshared_key = *SecretKey::from_hex(psk_hex);
    a.endpoint = "192.0.2.7:51820";
    a.persistent_keepalive = 25;
    a.allowed_ips = {*IpPrefix::parse("10.77.0.2/32"), *IpPrefix::parse("fd77::2/128")};
    WgPeer b = peer(peer_b);
    b.allowed_ips = {*IpPrefix::parse("10.77.0.3/32")};
    update.peers = {{PeerUpdate::Kind::remove, peer(peer_c)},
                    {PeerUpdate::Kind::upsert, a},
                    {PeerUpdate::Kind::upsert, b}};

    const std::string expected =
        "set=1\n"
        "private_key=" +
        priv_hex +
        "\n"
        "listen_port=51820\n"
        "public_key=" +
        peer_c +
        "\n"
        "remove=true\n"
        "public_key=" +
        peer_a +
        "\n"
        "preshared_key=" +
        psk_hex +
        "\n"
        "endpoint=192.0.2.7:51820\n"
        "persistent_keepalive_interval=25\n"
        "replace_allowed_ips=true\n"
        "allowed_ip=10.77.0.2/32\n"
        "allowed_ip=fd77::2/128\n"
        "public_key=" +
        peer_b +
        "\n"
        "preshared_key=" +
        zeros +
        "\n"
        "persistent_keepalive_interval=0\n"
        "replace_allowed_ips=true\n"
        "allowed_ip=10.77.0.3/32\n"
        "\n";
    EXPECT_EQ(encode_set_request(update), expected);
}

TEST(UapiEncode, OnlyWhatIsGiven) {
    DeviceUpdate update;
    update.listen_port = 1;
    EXPECT_EQ(encode_set_request(update), "set=1\nlisten_port=1\n\n");
    EXPECT_EQ(encode_set_request(DeviceUpdate{}), "set=1\n\n");
}

TEST(UapiEncode, UpsertWithNoAllowedIpsClearsThem) {
    DeviceUpdate update;
    update.peers = {{PeerUpdate::Kind::upsert, peer(peer_a)}};
    EXPECT_EQ(encode_set_request(update), "set=1\npublic_key=" + peer_a +
                                              "\npreshared_key=" + zeros +
                                              "\npersistent_keepalive_interval=0\n"
                                              "replace_allowed_ips=true\n\n");
}

// As wireguard-go v0.0.20220316 writes it, with two peers.
const std::string two_peer_reply = "private_key=" + priv_hex +
                                   "\n"
                                   "listen_port=51820\n"
                                   "fwmark=0\n"
                                   "public_key=" +
                                   peer_a +
                                   "\n"
                                   "preshared_key=" +
                                   psk_hex +
                                   "\n"
                                   "protocol_version=1\n"
                                   "endpoint=[2001:db8::7]:4500\n"
                                   "last_handshake_time_sec=1700000000\n"
                                   "last_handshake_time_nsec=250000000\n"
                                   "tx_bytes=1234\n"
                                   "rx_bytes=98765432109\n"
                                   "persistent_keepalive_interval=25\n"
                                   "allowed_ip=10.77.0.2/32\n"
                                   "allowed_ip=fd77::2/128\n"
                                   "public_key=" +
                                   peer_b +
                                   "\n"
                                   "preshared_key=" +
                                   zeros +
                                   "\n"
                                   "protocol_version=1\n"
                                   "last_handshake_time_sec=0\n"
                                   "last_handshake_time_nsec=0\n"
                                   "tx_bytes=0\n"
                                   "rx_bytes=0\n"
                                   "persistent_keepalive_interval=0\n"
                                   "allowed_ip=10.77.0.3/32\n"
                                   "errno=0\n"
                                   "\n";

TEST(UapiDecode, GetReplyWithTwoPeers) {
    auto state = decode_get_reply(two_peer_reply);
    ASSERT_TRUE(state) << state.error().message();
    ASSERT_TRUE(state->public_key);
    EXPECT_EQ(state->public_key->hex(), pub_hex);
    EXPECT_EQ(state->listen_port, 51820);
    ASSERT_EQ(state->peers.size(), 2u);

    const auto& a = state->peers[0];
    EXPECT_EQ(a.public_key.hex(), peer_a);
    ASSERT_TRUE(a.preshared_key);
    EXPECT_EQ(a.preshared_key->reveal_hex(), psk_hex);
    EXPECT_EQ(a.endpoint, "[2001:db8::7]:4500");
    EXPECT_EQ(a.last_handshake,
              std::chrono::system_clock::time_point(std::chrono::seconds(1700000000) +
                                                    std::chrono::milliseconds(250)));
    EXPECT_EQ(a.tx_bytes, 1234u);
    EXPECT_EQ(a.rx_bytes, 98765432109u);
    EXPECT_EQ(a.persistent_keepalive, 25);
    EXPECT_EQ(a.allowed_ips,
              (std::vector{*IpPrefix::parse("10.77.0.2/32"), *IpPrefix::parse("fd77::2/128")}));

    const auto& b = state->peers[1];
    EXPECT_EQ(b.public_key.hex(), peer_b);
    EXPECT_FALSE(b.preshared_key);
    EXPECT_FALSE(b.endpoint);
    EXPECT_EQ(b.last_handshake, std::chrono::system_clock::time_point{});
    EXPECT_EQ(b.allowed_ips, std::vector{*IpPrefix::parse("10.77.0.3/32")});
}

TEST(UapiDecode, FreshDeviceHasNoKeyAndNoPeers) {
    auto state = decode_get_reply("listen_port=51873\nerrno=0\n\n");
    ASSERT_TRUE(state);
    EXPECT_FALSE(state->public_key);
    EXPECT_EQ(state->listen_port, 51873);
    EXPECT_TRUE(state->peers.empty());
    auto zero_key = decode_get_reply("private_key=" + zeros + "\nerrno=0\n\n");
    ASSERT_TRUE(zero_key);
    EXPECT_FALSE(zero_key->public_key);
}

TEST(UapiDecode, UnknownKeysAreSkipped) {
    auto state = decode_get_reply("listen_port=1\nnew_thing=5\npublic_key=" + peer_a +
                                  "\nfuture_peer_key=x\nerrno=0\n\n");
    ASSERT_TRUE(state);
    EXPECT_EQ(state->peers.size(), 1u);
}

TEST(UapiDecode, NonzeroErrnoIsRejected) {
    for (const char* reply : {"errno=-22\n\n", "errno=1\n\n", "listen_port=1\nerrno=-5\n\n"}) {
        auto state = decode_get_reply(reply);
        ASSERT_FALSE(state) << reply;
        EXPECT_EQ(state.error(), make_error_code(Errc::uapi_rejected));
    }
}

TEST(UapiDecode, MalformedIsAProtocolError) {
    const std::vector<std::string> bad = {
        "",
        "\n",
        "errno=0\n",                   // no blank line
        "listen_port=1\n\n",           // no errno
        "errno=0\n\nextra",            // bytes after the end
        "errno=0\nlisten_port=1\n\n",  // errno not last
        "errno=zero\n\n",
        "listen_port\nerrno=0\n\n",  // no '='
        "=1\nerrno=0\n\n",
        "listen_port=65536\nerrno=0\n\n",
        "listen_port=-1\nerrno=0\n\n",
        "private_key=abc\nerrno=0\n\n",
        "public_key=" + peer_a.substr(2) + "\nerrno=0\n\n",
        "public_key=" + peer_a + "\nallowed_ip=10.0.0.1/33\nerrno=0\n\n",
        "public_key=" + peer_a + "\nrx_bytes=1e3\nerrno=0\n\n",
        "public_key=" + peer_a + "\nendpoint=\nerrno=0\n\n",
    };
    for (const auto& text : bad) {
        auto state = decode_get_reply(text);
        ASSERT_FALSE(state) << text;
        EXPECT_EQ(state.error(), make_error_code(Errc::uapi_protocol)) << text;
    }
}

TEST(UapiDecode, SetReply) {
    EXPECT_TRUE(decode_set_reply("errno=0\n\n"));
    EXPECT_EQ(decode_set_reply("errno=-22\n\n").error(), make_error_code(Errc::uapi_rejected));
    EXPECT_EQ(decode_set_reply("errno=0\n").error(), make_error_code(Errc::uapi_protocol));
    EXPECT_EQ(decode_set_reply("listen_port=1\nerrno=0\n\n").error(),
              make_error_code(Errc::uapi_protocol));
    EXPECT_EQ(decode_set_reply("").error(), make_error_code(Errc::uapi_protocol));
}

TEST(UapiEncode, FwmarkReplacePeersAndUpdateOnly) {
    DeviceUpdate update;
    update.fwmark = 0x51;
    update.replace_peers = true;
    WgPeer b = peer(peer_b);
    b.allowed_ips = {*IpPrefix::parse("10.77.0.3/32")};
    update.peers = {{PeerUpdate::Kind::update_only, b}};
    EXPECT_EQ(encode_set_request(update),
              "set=1\n"
              "fwmark=81\n"
              "replace_peers=true\n"
              "public_key=" +
                  peer_b +
                  "\n"
                  "update_only=true\n"
                  "preshared_key=" +
                  zeros +
                  "\n"
                  "persistent_keepalive_interval=0\n"
                  "replace_allowed_ips=true\n"
                  "allowed_ip=10.77.0.3/32\n"
                  "\n");
}

TEST(UapiEncode, ReplacePeersAloneIsNotEmpty) {
    DeviceUpdate update;
    update.replace_peers = true;
    EXPECT_FALSE(update.empty());
    EXPECT_EQ(encode_set_request(update), "set=1\nreplace_peers=true\n\n");
}

TEST(UapiDecode, FwmarkIsRead) {
    const auto state = decode_get_reply("listen_port=1\nfwmark=7\nerrno=0\n\n");
    ASSERT_TRUE(state);
    EXPECT_EQ(state->fwmark, 7u);
}

// Found by tests/fuzz (netlink; the same arithmetic was here): a handshake
// time beyond the clock's 64-bit nanoseconds overflowed. It reads as never.
TEST(UapiDecode, AHandshakeTimeOutOfRangeIsNever) {
    const std::string peer = "public_key=" + std::string(64, 'a') + "\n";
    for (const char* sec : {"146367041129148672", "9223372036854775807", "-5"}) {
        auto state = decode_get_reply(peer + "last_handshake_time_sec=" + sec +
                                      "\nlast_handshake_time_nsec=7\nerrno=0\n\n");
        ASSERT_TRUE(state) << sec;
        ASSERT_EQ(state->peers.size(), 1u);
        EXPECT_EQ(state->peers[0].last_handshake.time_since_epoch().count(), 0) << sec;
    }
    EXPECT_EQ(handshake_time(1'700'000'000, 5).time_since_epoch(),
              std::chrono::seconds(1'700'000'000) + std::chrono::nanoseconds(5));
}

}  // namespace
}  // namespace wmsgate::netcfg
