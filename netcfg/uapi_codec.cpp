#include "netcfg/uapi_codec.hpp"

#include <charconv>
#include <optional>

#include "netcfg/errors.hpp"

namespace wmsgate::netcfg {
namespace {

// UAPI's spelling of "no preshared key". A literal, not a std::string: a
// static that allocates could throw before main (cert-err58-cpp).
constexpr std::string_view zero_key_hex =
    "0000000000000000000000000000000000000000000000000000000000000000";
static_assert(zero_key_hex.size() == 2 * key_size);

void append_line(std::string& out, std::string_view key, std::string_view value) {
    out.append(key).append("=").append(value).append("\n");
}

void append_peer(std::string& out, const PeerUpdate& update) {
    const WgPeer& peer = update.peer;
    append_line(out, "public_key", peer.public_key.hex());
    if (update.kind == PeerUpdate::Kind::remove) {
        append_line(out, "remove", "true");
        return;
    }
    if (update.kind == PeerUpdate::Kind::update_only) append_line(out, "update_only", "true");
    append_line(out, "preshared_key",
                peer.preshared_key ? peer.preshared_key->reveal_hex() : std::string(zero_key_hex));
    if (peer.endpoint) append_line(out, "endpoint", *peer.endpoint);
    append_line(out, "persistent_keepalive_interval", std::to_string(peer.persistent_keepalive));
    append_line(out, "replace_allowed_ips", "true");
    for (const auto& prefix : peer.allowed_ips) append_line(out, "allowed_ip", prefix.to_string());
}

std::error_code protocol_error() {
    return make_error_code(Errc::uapi_protocol);
}

template <typename Int>
std::optional<Int> parse_number(std::string_view text) {
    Int value{};
    const auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || err != std::errc() || end != text.data() + text.size()) return {};
    return value;
}

// Splits the reply into "key=value" lines up to the blank line that ends it,
// calling on_line for each; checks the framing and the final errno line.
template <typename OnLine>
tl::expected<void, std::error_code> walk_reply(std::string_view text, OnLine on_line) {
    std::optional<long> errno_value;
    std::size_t pos = 0;
    while (true) {
        const auto eol = text.find('\n', pos);
        if (eol == std::string_view::npos) return tl::unexpected(protocol_error());
        const auto line = text.substr(pos, eol - pos);
        pos = eol + 1;
        if (line.empty()) break;
        // errno is the last line; nothing may follow it but the blank line.
        if (errno_value) return tl::unexpected(protocol_error());
        const auto eq = line.find('=');
        if (eq == std::string_view::npos || eq == 0) return tl::unexpected(protocol_error());
        const auto key = line.substr(0, eq);
        const auto value = line.substr(eq + 1);
        if (key == "errno") {
            errno_value = parse_number<long>(value);
            if (!errno_value) return tl::unexpected(protocol_error());
            continue;
        }
        if (auto ok = on_line(key, value); !ok) return ok;
    }
    if (pos != text.size() || !errno_value) return tl::unexpected(protocol_error());
    if (*errno_value != 0) return tl::unexpected(make_error_code(Errc::uapi_rejected));
    return {};
}

// Applies one "key=value" of a get reply to the state being built.
class GetReplyParser {
  public:
    tl::expected<void, std::error_code> line(std::string_view key, std::string_view value) {
        if (key == "public_key") {
            auto pub = PublicKey::from_hex(value);
            if (!pub) return tl::unexpected(protocol_error());
            state_.peers.emplace_back().public_key = *pub;
            handshake_sec_.push_back(0);
            handshake_nsec_.push_back(0);
            return {};
        }
        if (state_.peers.empty()) return device_line(key, value);
        return peer_line(state_.peers.back(), key, value);
    }

    WgDeviceState finish() {
        for (std::size_t i = 0; i < state_.peers.size(); ++i) {
            state_.peers[i].last_handshake = handshake_time(handshake_sec_[i], handshake_nsec_[i]);
        }
        return std::move(state_);
    }

  private:
    tl::expected<void, std::error_code> device_line(std::string_view key, std::string_view value) {
        if (key == "private_key") {
            auto secret = SecretKey::from_hex(value);
            if (!secret) return tl::unexpected(protocol_error());
            // wireguard-go omits an unset key, but an all-zero one also means none.
            if (value == zero_key_hex)
                state_.public_key.reset();
            else
                state_.public_key = secret->public_key();
            return {};
        }
        if (key == "listen_port") return number(value, state_.listen_port);
        if (key == "fwmark") return number(value, state_.fwmark);
        return {};  // keys from newer versions
    }

    tl::expected<void, std::error_code> peer_line(WgPeer& peer, std::string_view key,
                                                  std::string_view value) {
        const std::size_t index = state_.peers.size() - 1;
        if (key == "preshared_key") {
            auto psk = SecretKey::from_hex(value);
            if (!psk) return tl::unexpected(protocol_error());
            if (value == zero_key_hex)
                peer.preshared_key.reset();
            else
                peer.preshared_key = std::move(*psk);
            return {};
        }
        if (key == "endpoint") {
            if (value.empty()) return tl::unexpected(protocol_error());
            peer.endpoint = std::string(value);
            return {};
        }
        if (key == "allowed_ip") {
            auto prefix = IpPrefix::parse(value);
            if (!prefix) return tl::unexpected(protocol_error());
            peer.allowed_ips.push_back(*prefix);
            return {};
        }
        if (key == "persistent_keepalive_interval") return number(value, peer.persistent_keepalive);
        if (key == "rx_bytes") return number(value, peer.rx_bytes);
        if (key == "tx_bytes") return number(value, peer.tx_bytes);
        if (key == "last_handshake_time_sec") return number(value, handshake_sec_[index]);
        if (key == "last_handshake_time_nsec") return number(value, handshake_nsec_[index]);
        return {};  // protocol_version and keys from newer versions
    }

    template <typename Int>
    static tl::expected<void, std::error_code> number(std::string_view text, Int& out) {
        const auto value = parse_number<Int>(text);
        if (!value) return tl::unexpected(protocol_error());
        out = *value;
        return {};
    }

    WgDeviceState state_;
    // Kept apart until the end: a peer's time arrives as two lines.
    std::vector<std::int64_t> handshake_sec_;
    std::vector<std::int64_t> handshake_nsec_;
};

}  // namespace

std::string encode_set_request(const DeviceUpdate& update) {
    std::string out = "set=1\n";
    if (update.private_key) append_line(out, "private_key", update.private_key->reveal_hex());
    if (update.listen_port) append_line(out, "listen_port", std::to_string(*update.listen_port));
    if (update.fwmark) append_line(out, "fwmark", std::to_string(*update.fwmark));
    if (update.replace_peers) append_line(out, "replace_peers", "true");
    for (const auto& peer : update.peers) append_peer(out, peer);
    out += "\n";
    return out;
}

tl::expected<WgDeviceState, std::error_code> decode_get_reply(std::string_view text) {
    GetReplyParser parser;
    auto walked = walk_reply(text, [&](std::string_view key, std::string_view value) {
        return parser.line(key, value);
    });
    if (!walked) return tl::unexpected(walked.error());
    return parser.finish();
}

tl::expected<void, std::error_code> decode_set_reply(std::string_view text) {
    return walk_reply(text, [](std::string_view, std::string_view) {
        // A set reply carries nothing but errno.
        return tl::expected<void, std::error_code>(tl::unexpected(protocol_error()));
    });
}

}  // namespace wmsgate::netcfg
