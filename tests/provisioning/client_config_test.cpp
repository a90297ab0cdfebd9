#include "provisioning/client_config.hpp"

#include <gtest/gtest.h>

#include "tests/provisioning/test_keys.hpp"

namespace wmsgate::provisioning {
namespace {

Peer alice() {
    Peer peer;
    peer.id = 7;
    peer.name = "alice";
    peer.public_key = test::public_key(test::client_public_b64);
    peer.ipv4 = boost::asio::ip::make_address_v4("10.77.0.2");
    peer.groups = {"survey"};
    return peer;
}

ApplianceInfo appliance() {
    return {test::public_key(test::appliance_public_b64),
            "maps.example.org:51820",
            {netcfg::IpPrefix::parse("10.77.0.1/24").value(),
             netcfg::IpPrefix::parse("fd77::1/64").value()},
            "http://10.77.0.1:8080/wms"};
}

TEST(ClientConfig, WithPrivateKeyAndPresharedKey) {
    Peer peer = alice();
    peer.preshared_key = test::secret_key(test::psk_b64);
    const auto private_key = test::secret_key(test::client_private_b64);

    EXPECT_EQ(client_config_text(peer, appliance(), &private_key),
              "# wmsgate client config for peer \"alice\"\n"
              "# WMS: http://10.77.0.1:8080/wms\n"
              "# Expires: never\n"
              "[Interface]\n"
              "PrivateKey = kPwOkjKGAH1yh7KzINruLlvlOmT1oazaqLsL1XkeCl0=\n"
              "Address = 10.77.0.2/32\n"
              "\n"
              "[Peer]\n"
              "PublicKey = DsOm4q7X89BzZZDWzKx8xr+GOhcG4ZINE9iEq9TdWhw=\n"
              "PresharedKey = CMl4yxkZ2Vm1Fd8bWbHXJSKqBynq4wQ4pTfpuhlqoJU=\n"
              "Endpoint = maps.example.org:51820\n"
              "AllowedIPs = 10.77.0.1/32, fd77::1/128\n"
              "PersistentKeepalive = 25\n");
}

TEST(ClientConfig, WithoutPrivateKeyOrPresharedKey) {
    EXPECT_EQ(client_config_text(alice(), appliance(), nullptr),
              "# wmsgate client config for peer \"alice\"\n"
              "# WMS: http://10.77.0.1:8080/wms\n"
              "# Expires: never\n"
              "[Interface]\n"
              "# Put the private key you made for this peer here and remove the leading \"# \":\n"
              "# PrivateKey = \n"
              "Address = 10.77.0.2/32\n"
              "\n"
              "[Peer]\n"
              "PublicKey = DsOm4q7X89BzZZDWzKx8xr+GOhcG4ZINE9iEq9TdWhw=\n"
              "Endpoint = maps.example.org:51820\n"
              "AllowedIPs = 10.77.0.1/32, fd77::1/128\n"
              "PersistentKeepalive = 25\n");
}

TEST(ClientConfig, PrivateKeyWithoutPresharedKey) {
    const auto private_key = test::secret_key(test::client_private_b64);
    const auto text = client_config_text(alice(), appliance(), &private_key);
    EXPECT_NE(text.find("PrivateKey = kPwOkjKGAH1yh7KzINruLlvlOmT1oazaqLsL1XkeCl0=\n"),
              std::string::npos);
    EXPECT_EQ(text.find("PresharedKey"), std::string::npos);
}

TEST(ClientConfig, LineBreaksInConfiguredValuesCannotAddLines) {
    ApplianceInfo info = appliance();
    info.endpoint = "maps.example.org:51820\nPostUp = rm -rf /";
    const auto text = client_config_text(alice(), info, nullptr);
    EXPECT_EQ(text.find("\nPostUp"), std::string::npos);
    EXPECT_NE(text.find("Endpoint = maps.example.org:51820 PostUp = rm -rf /\n"),
              std::string::npos);
}

TEST(ClientConfig, DualStackAddressAndExpiry) {
    Peer peer = alice();
    peer.ipv6 = boost::asio::ip::make_address_v6("fd77::2");
    peer.expires = Seconds(std::chrono::seconds(1801353600));  // 2027-01-31T00:00:00Z
    const auto text = client_config_text(peer, appliance(), nullptr);
    EXPECT_NE(text.find("\nAddress = 10.77.0.2/32, fd77::2/128\n"), std::string::npos) << text;
    EXPECT_NE(text.find("\n# Expires: 2027-01-31T00:00:00Z\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace wmsgate::provisioning
