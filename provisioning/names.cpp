#include "provisioning/names.hpp"

#include <string_view>

#include "provisioning/peer.hpp"

namespace wmsgate::provisioning {
namespace {

constexpr std::size_t max_group_name_length = 64;
constexpr std::size_t max_peer_name_length = 63;

bool is_lower_or_digit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_name_char(char c) {
    return (c >= 'A' && c <= 'Z') || is_lower_or_digit(c) || c == '.' || c == '_' || c == '-';
}

}  // namespace

// Lower case only, so "Alice" and "alice" cannot be two peers that look the
// same in a table; a leading letter or digit, so a name never reads as an
// option or a hidden file.
bool is_valid_peer_name(std::string_view name) {
    if (name.empty() || name.size() > max_peer_name_length) return false;
    if (!is_lower_or_digit(name.front())) return false;
    for (const char c : name)
        if (!is_lower_or_digit(c) && c != '.' && c != '_' && c != '-') return false;
    return true;
}

bool is_valid_group_name(std::string_view name) {
    if (name.empty() || name.size() > max_group_name_length) return false;
    if (name.front() == '-' || name.front() == '.') return false;
    for (const char c : name)
        if (!is_name_char(c)) return false;
    return true;
}

const char* to_string(KeyOrigin origin) {
    switch (origin) {
        case KeyOrigin::client:
            return "client";
        case KeyOrigin::appliance:
            return "appliance";
        case KeyOrigin::unknown:
            break;
    }
    return "unknown";
}

const char* to_string(PeerState state) {
    switch (state) {
        case PeerState::active:
            return "active";
        case PeerState::disabled:
            return "disabled";
        case PeerState::expired:
            return "expired";
        case PeerState::revoked:
            return "revoked";
    }
    return "unknown";
}

}  // namespace wmsgate::provisioning
