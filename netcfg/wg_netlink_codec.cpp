#include "netcfg/wg_netlink_codec.hpp"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/time_types.h>
#include <linux/wireguard.h>
#include <netinet/in.h>

#include <array>
#include <cstring>
#include <stdexcept>
#include <string>

#include "netcfg/endpoint.hpp"
#include "netcfg/errors.hpp"
#include "netcfg/netlink_attr.hpp"

namespace wmsgate::netcfg {
namespace {

constexpr std::array<std::uint8_t, key_size> zero_key{};

nlmsghdr* put_wg_header(void* buf, std::uint16_t family_id, std::uint8_t cmd, std::uint16_t flags) {
    nlmsghdr* nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = family_id;
    nlh->nlmsg_flags = flags;
    auto* genl = static_cast<genlmsghdr*>(mnl_nlmsg_put_extra_header(nlh, sizeof(genlmsghdr)));
    genl->cmd = cmd;
    genl->version = WG_GENL_VERSION;
    return nlh;
}

// The socket address the kernel takes as WGPEER_A_ENDPOINT.
bool put_endpoint(nlmsghdr* nlh, std::size_t max, const std::string& text) {
    const auto endpoint = Endpoint::parse(text);
    if (!endpoint) return true;  // precondition broken: leave it out rather than send junk
    if (endpoint->address.is_v4()) {
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        sin.sin_port = htons(endpoint->port);
        const auto bytes = endpoint->address.to_v4().to_bytes();
        std::memcpy(&sin.sin_addr, bytes.data(), bytes.size());
        return mnl_attr_put_check(nlh, max, WGPEER_A_ENDPOINT, sizeof sin, &sin);
    }
    sockaddr_in6 sin6{};
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(endpoint->port);
    const auto v6 = endpoint->address.to_v6();
    const auto bytes = v6.to_bytes();
    std::memcpy(&sin6.sin6_addr, bytes.data(), bytes.size());
    sin6.sin6_scope_id = static_cast<std::uint32_t>(v6.scope_id());
    return mnl_attr_put_check(nlh, max, WGPEER_A_ENDPOINT, sizeof sin6, &sin6);
}

bool put_allowed_ip(nlmsghdr* nlh, std::size_t max, const IpPrefix& prefix) {
    nlattr* nest = mnl_attr_nest_start_check(nlh, max, 0);
    if (!nest) return false;
    bool ok;
    if (prefix.address.is_v4()) {
        const auto bytes = prefix.address.to_v4().to_bytes();
        ok = mnl_attr_put_u16_check(nlh, max, WGALLOWEDIP_A_FAMILY, AF_INET) &&
             mnl_attr_put_check(nlh, max, WGALLOWEDIP_A_IPADDR, bytes.size(), bytes.data());
    } else {
        const auto bytes = prefix.address.to_v6().to_bytes();
        ok = mnl_attr_put_u16_check(nlh, max, WGALLOWEDIP_A_FAMILY, AF_INET6) &&
             mnl_attr_put_check(nlh, max, WGALLOWEDIP_A_IPADDR, bytes.size(), bytes.data());
    }
    ok = ok && mnl_attr_put_u8_check(nlh, max, WGALLOWEDIP_A_CIDR_MASK, prefix.length);
    if (!ok) {
        mnl_attr_nest_cancel(nlh, nest);
        return false;
    }
    mnl_attr_nest_end(nlh, nest);
    return true;
}

// Builds the set messages one after another; see encode_set_device for the
// rules it follows.
class SetMessageWriter {
  public:
    SetMessageWriter(std::uint16_t family_id, std::string_view ifname, const DeviceUpdate& update,
                     std::size_t max)
        : family_id_(family_id), ifname_(ifname), update_(update), max_(max) {
        start_message();
    }

    void add_peer(const PeerUpdate& change) {
        const auto& ips = change.peer.allowed_ips;
        std::size_t next_ip = 0;
        bool first_piece = true;
        while (true) {
            if (!try_piece(change, first_piece, next_ip)) {
                if (peers_in_message_ == 0)
                    throw std::invalid_argument("netlink message size too small for one peer");
                finish_message();
                start_message();
                continue;
            }
            if (change.kind == PeerUpdate::Kind::remove || next_ip == ips.size()) return;
            // This peer's allowed IPs go on in the next message.
            finish_message();
            start_message();
            first_piece = false;
        }
    }

    std::vector<NetlinkMessage> finish() && {
        finish_message();
        return std::move(done_);
    }

  private:
    void start_message() {
        buf_.assign(max_, 0);
        nlh_ = put_wg_header(buf_.data(), family_id_, WG_CMD_SET_DEVICE, NLM_F_REQUEST | NLM_F_ACK);
        mnl_attr_put_strz(nlh_, WGDEVICE_A_IFNAME, ifname_.c_str());
        if (done_.empty()) {
            if (update_.private_key) {
                const auto& key = update_.private_key->reveal_bytes();
                mnl_attr_put(nlh_, WGDEVICE_A_PRIVATE_KEY, key.size(), key.data());
            }
            if (update_.listen_port)
                mnl_attr_put_u16(nlh_, WGDEVICE_A_LISTEN_PORT, *update_.listen_port);
            if (update_.fwmark) mnl_attr_put_u32(nlh_, WGDEVICE_A_FWMARK, *update_.fwmark);
            if (update_.replace_peers)
                mnl_attr_put_u32(nlh_, WGDEVICE_A_FLAGS, WGDEVICE_F_REPLACE_PEERS);
        }
        peers_ = nullptr;
        peers_in_message_ = 0;
    }

    void finish_message() {
        if (peers_) mnl_attr_nest_end(nlh_, peers_);
        buf_.resize(nlh_->nlmsg_len);
        done_.push_back(std::move(buf_));
        buf_ = {};
        nlh_ = nullptr;
        peers_ = nullptr;
    }

    // Puts one piece of a peer into the current message: everything on the
    // first piece, the public key alone on later ones, then as many allowed
    // IPs as fit (at least one, when any are left; all of them unless the
    // message holds nothing else yet). False, with the message as it was,
    // when that much does not fit.
    bool try_piece(const PeerUpdate& change, bool first_piece, std::size_t& next_ip) {
        const auto saved_len = nlh_->nlmsg_len;
        nlattr* const saved_peers = peers_;
        const auto undo = [&] {
            nlh_->nlmsg_len = saved_len;
            peers_ = saved_peers;
            return false;
        };
        if (!peers_) peers_ = mnl_attr_nest_start_check(nlh_, max_, WGDEVICE_A_PEERS);
        if (!peers_) return undo();
        nlattr* peer = mnl_attr_nest_start_check(nlh_, max_, 0);
        if (!peer) return undo();
        const WgPeer& p = change.peer;
        const auto& pub = p.public_key.bytes();
        if (!mnl_attr_put_check(nlh_, max_, WGPEER_A_PUBLIC_KEY, pub.size(), pub.data()))
            return undo();

        if (change.kind == PeerUpdate::Kind::remove) {
            if (!mnl_attr_put_u32_check(nlh_, max_, WGPEER_A_FLAGS, WGPEER_F_REMOVE_ME))
                return undo();
            mnl_attr_nest_end(nlh_, peer);
            ++peers_in_message_;
            return true;
        }
        if (first_piece) {
            std::uint32_t flags = WGPEER_F_REPLACE_ALLOWEDIPS;
            if (change.kind == PeerUpdate::Kind::update_only) flags |= WGPEER_F_UPDATE_ONLY;
            const auto& psk = p.preshared_key ? p.preshared_key->reveal_bytes() : zero_key;
            if (!mnl_attr_put_u32_check(nlh_, max_, WGPEER_A_FLAGS, flags) ||
                !mnl_attr_put_check(nlh_, max_, WGPEER_A_PRESHARED_KEY, psk.size(), psk.data()) ||
                (p.endpoint && !put_endpoint(nlh_, max_, *p.endpoint)) ||
                !mnl_attr_put_u16_check(nlh_, max_, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL,
                                        p.persistent_keepalive)) {
                return undo();
            }
        } else if (!mnl_attr_put_u32_check(nlh_, max_, WGPEER_A_FLAGS, WGPEER_F_UPDATE_ONLY)) {
            return undo();
        }

        std::size_t placed = 0;
        if (next_ip < p.allowed_ips.size()) {
            nlattr* ips = mnl_attr_nest_start_check(nlh_, max_, WGPEER_A_ALLOWEDIPS);
            if (!ips) return undo();
            while (next_ip + placed < p.allowed_ips.size() &&
                   put_allowed_ip(nlh_, max_, p.allowed_ips[next_ip + placed])) {
                ++placed;
            }
            // A piece that adds no allowed IP would be a piece for nothing;
            // and a peer is only cut when it does not fit even a message of
            // its own, so most peers arrive whole.
            if (placed == 0) return undo();
            if (next_ip + placed < p.allowed_ips.size() && peers_in_message_ > 0) return undo();
            mnl_attr_nest_end(nlh_, ips);
        }
        mnl_attr_nest_end(nlh_, peer);
        next_ip += placed;
        ++peers_in_message_;
        return true;
    }

    std::uint16_t family_id_;
    std::string ifname_;
    const DeviceUpdate& update_;
    std::size_t max_;
    std::vector<NetlinkMessage> done_;
    NetlinkMessage buf_;
    nlmsghdr* nlh_ = nullptr;
    nlattr* peers_ = nullptr;
    std::size_t peers_in_message_ = 0;
};

std::error_code malformed() {
    return make_error_code(Errc::netlink_protocol);
}

std::optional<IpPrefix> decode_allowed_ip(const nlattr* nest) {
    std::optional<std::uint16_t> family;
    const nlattr* addr = nullptr;
    std::optional<std::uint8_t> cidr;
    const bool ok = nlattr_read::walk_nested(nest, [&](const nlattr* attr) {
        switch (nlattr_read::type_of(attr)) {
            case WGALLOWEDIP_A_FAMILY:
                family = nlattr_read::fixed<std::uint16_t>(attr);
                break;
            case WGALLOWEDIP_A_IPADDR:
                addr = attr;
                break;
            case WGALLOWEDIP_A_CIDR_MASK:
                cidr = nlattr_read::fixed<std::uint8_t>(attr);
                break;
        }
        return true;
    });
    if (!ok || !family || !addr || !cidr) return std::nullopt;
    const auto len = mnl_attr_get_payload_len(addr);
    if (*family == AF_INET && len == 4 && *cidr <= 32) {
        boost::asio::ip::address_v4::bytes_type b;
        std::memcpy(b.data(), mnl_attr_get_payload(addr), b.size());
        return IpPrefix{boost::asio::ip::address_v4(b), *cidr};
    }
    if (*family == AF_INET6 && len == 16 && *cidr <= 128) {
        boost::asio::ip::address_v6::bytes_type b;
        std::memcpy(b.data(), mnl_attr_get_payload(addr), b.size());
        return IpPrefix{boost::asio::ip::address_v6(b), *cidr};
    }
    return std::nullopt;
}

std::optional<std::string> decode_endpoint(const nlattr* attr) {
    const auto len = mnl_attr_get_payload_len(attr);
    if (len == sizeof(sockaddr_in)) {
        sockaddr_in sin;
        std::memcpy(&sin, mnl_attr_get_payload(attr), sizeof sin);
        if (sin.sin_family != AF_INET) return std::nullopt;
        boost::asio::ip::address_v4::bytes_type b;
        std::memcpy(b.data(), &sin.sin_addr, b.size());
        return Endpoint{boost::asio::ip::address_v4(b), ntohs(sin.sin_port)}.to_string();
    }
    if (len == sizeof(sockaddr_in6)) {
        sockaddr_in6 sin6;
        std::memcpy(&sin6, mnl_attr_get_payload(attr), sizeof sin6);
        if (sin6.sin6_family != AF_INET6) return std::nullopt;
        boost::asio::ip::address_v6::bytes_type b;
        std::memcpy(b.data(), &sin6.sin6_addr, b.size());
        return Endpoint{boost::asio::ip::address_v6(b, sin6.sin6_scope_id), ntohs(sin6.sin6_port)}
            .to_string();
    }
    return std::nullopt;
}

template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> decode_bytes(const nlattr* attr) {
    if (mnl_attr_get_payload_len(attr) != N) return std::nullopt;
    std::array<std::uint8_t, N> out;
    std::memcpy(out.data(), mnl_attr_get_payload(attr), N);
    return out;
}

// One peer nest; a peer without a public key is malformed.
std::optional<WgPeer> decode_peer(const nlattr* nest) {
    WgPeer peer;
    bool has_key = false;
    const bool ok = nlattr_read::walk_nested(nest, [&](const nlattr* attr) {
        switch (nlattr_read::type_of(attr)) {
            case WGPEER_A_PUBLIC_KEY: {
                const auto bytes = decode_bytes<key_size>(attr);
                if (!bytes) return false;
                peer.public_key = PublicKey::from_bytes(*bytes);
                has_key = true;
                return true;
            }
            case WGPEER_A_PRESHARED_KEY: {
                if (mnl_attr_get_payload_len(attr) != key_size) return false;
                // Straight into the wiping type: no other copy of the bytes.
                const std::string_view raw(static_cast<const char*>(mnl_attr_get_payload(attr)),
                                           key_size);
                if (std::memcmp(raw.data(), zero_key.data(), key_size) == 0) return true;
                auto psk = SecretKey::from_raw(raw);
                if (!psk) return false;
                peer.preshared_key = std::move(*psk);
                return true;
            }
            case WGPEER_A_ENDPOINT: {
                auto endpoint = decode_endpoint(attr);
                if (!endpoint) return false;
                peer.endpoint = std::move(*endpoint);
                return true;
            }
            case WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL: {
                const auto v = nlattr_read::fixed<std::uint16_t>(attr);
                if (!v) return false;
                peer.persistent_keepalive = *v;
                return true;
            }
            case WGPEER_A_LAST_HANDSHAKE_TIME: {
                const auto ts = nlattr_read::fixed<__kernel_timespec>(attr);
                if (!ts) return false;
                peer.last_handshake = handshake_time(ts->tv_sec, ts->tv_nsec);
                return true;
            }
            case WGPEER_A_RX_BYTES: {
                const auto v = nlattr_read::fixed<std::uint64_t>(attr);
                if (!v) return false;
                peer.rx_bytes = *v;
                return true;
            }
            case WGPEER_A_TX_BYTES: {
                const auto v = nlattr_read::fixed<std::uint64_t>(attr);
                if (!v) return false;
                peer.tx_bytes = *v;
                return true;
            }
            case WGPEER_A_ALLOWEDIPS:
                return nlattr_read::walk_nested(attr, [&](const nlattr* item) {
                    auto prefix = decode_allowed_ip(item);
                    if (!prefix) return false;
                    peer.allowed_ips.push_back(*prefix);
                    return true;
                });
            default:
                return true;  // protocol version, and attributes newer kernels add
        }
    });
    if (!ok || !has_key) return std::nullopt;
    return peer;
}

}  // namespace

NetlinkMessage encode_get_device(std::uint16_t family_id, std::string_view ifname) {
    NetlinkMessage buf(MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(genlmsghdr)) + MNL_ATTR_HDRLEN +
                       MNL_ALIGN(IFNAMSIZ));
    nlmsghdr* nlh = put_wg_header(buf.data(), family_id, WG_CMD_GET_DEVICE,
                                  NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP);
    const std::string z(ifname.substr(0, IFNAMSIZ - 1));
    mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, z.c_str());
    buf.resize(nlh->nlmsg_len);
    return buf;
}

std::vector<NetlinkMessage> encode_set_device(std::uint16_t family_id, std::string_view ifname,
                                              const DeviceUpdate& update,
                                              std::size_t max_message_size) {
    if (max_message_size < 512 || max_message_size > 65535)
        throw std::invalid_argument("netlink message size must be 512 to 65535 bytes");
    SetMessageWriter writer(family_id, ifname, update, max_message_size);
    for (const auto& change : update.peers) writer.add_peer(change);
    return std::move(writer).finish();
}

tl::expected<void, std::error_code> DeviceDumpDecoder::add(const nlmsghdr* message) {
    const bool ok = nlattr_read::walk_message(message, sizeof(genlmsghdr), [&](const nlattr* attr) {
        switch (nlattr_read::type_of(attr)) {
            case WGDEVICE_A_PUBLIC_KEY: {
                const auto bytes = decode_bytes<key_size>(attr);
                if (!bytes) return false;
                state_.public_key = PublicKey::from_bytes(*bytes);
                return true;
            }
            case WGDEVICE_A_LISTEN_PORT: {
                const auto v = nlattr_read::fixed<std::uint16_t>(attr);
                if (!v) return false;
                state_.listen_port = *v;
                return true;
            }
            case WGDEVICE_A_FWMARK: {
                const auto v = nlattr_read::fixed<std::uint32_t>(attr);
                if (!v) return false;
                state_.fwmark = *v;
                return true;
            }
            case WGDEVICE_A_PEERS:
                return nlattr_read::walk_nested(attr, [&](const nlattr* nest) {
                    auto peer = decode_peer(nest);
                    if (!peer) return false;
                    auto& peers = state_.peers;
                    if (!peers.empty() && peers.back().public_key == peer->public_key) {
                        auto& ips = peers.back().allowed_ips;
                        ips.insert(ips.end(), peer->allowed_ips.begin(), peer->allowed_ips.end());
                    } else {
                        peers.push_back(std::move(*peer));
                    }
                    return true;
                });
            default:
                return true;  // ifindex, ifname, private key (never copied), newer attributes
        }
    });
    if (!ok) return tl::unexpected(malformed());
    return {};
}

WgDeviceState DeviceDumpDecoder::take() {
    return std::exchange(state_, WgDeviceState{});
}

}  // namespace wmsgate::netcfg
