#pragma once

#include <boost/asio/ip/address_v4.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netcfg/key.hpp"

namespace wmsgate::provisioning {

// A client as the registry stores it.
struct Peer {
    std::int64_t id = 0;
    std::string name;
    netcfg::PublicKey public_key;
    std::optional<netcfg::SecretKey> preshared_key;
    boost::asio::ip::address_v4 ipv4;
    std::vector<std::string> groups;
    std::chrono::system_clock::time_point created;
};

// What an admin asks for; the registry assigns id and created.
struct NewPeer {
    std::string name;
    netcfg::PublicKey public_key;
    std::optional<netcfg::SecretKey> preshared_key;
    boost::asio::ip::address_v4 ipv4;
    std::vector<std::string> groups;
};

}  // namespace wmsgate::provisioning
