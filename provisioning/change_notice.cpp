#include "provisioning/change_notice.hpp"

#include "provisioning/names.hpp"

namespace wmsgate::provisioning {

std::string change_payload(const ChangeNotice& notice) {
    std::string out = notice.origin + " " + notice.peer;
    if (notice.old_key) out += " " + notice.old_key->base64();
    return out;
}

std::optional<ChangeNotice> parse_change_payload(std::string_view payload) {
    ChangeNotice notice;
    const auto first = payload.find(' ');
    if (first == std::string_view::npos || first == 0) return std::nullopt;
    notice.origin = std::string(payload.substr(0, first));
    auto rest = payload.substr(first + 1);
    const auto second = rest.find(' ');
    notice.peer = std::string(rest.substr(0, second));
    if (!is_valid_peer_name(notice.peer)) return std::nullopt;
    if (second != std::string_view::npos) {
        auto key = netcfg::PublicKey::from_base64(rest.substr(second + 1));
        if (!key) return std::nullopt;
        notice.old_key = *key;
    }
    return notice;
}

}  // namespace wmsgate::provisioning
