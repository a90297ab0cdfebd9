#include <charconv>

#include "daemon/config_tables.hpp"

namespace wmsgate::daemon::config_tables {
namespace {

// "host:port" or "[v6]:port" with a port from 1 to 65535 and no spaces.
bool is_host_and_port(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    const auto host = text.substr(0, colon);
    const auto port = text.substr(colon + 1);
    unsigned value = 0;
    const auto [end, err] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || err != std::errc() || end != port.data() + port.size() || value == 0 ||
        value > 65535) {
        return false;
    }
    if (host.front() == '[') return host.size() > 2 && host.back() == ']';
    return host.find_first_of(": []") == std::string_view::npos;
}

}  // namespace

tl::expected<void, ConfigError> read_daemon(Section s, DaemonSection& out) {
    std::string state_dir, control_socket;
    TRY_ASSIGN(state_dir, s.string("state_dir", out.state_dir.string()));
    TRY_ASSIGN(control_socket, s.string("control_socket", out.control_socket.string()));
    TRY_ASSIGN(out.admin_group, s.string("admin_group", out.admin_group));
    TRY_ASSIGN(out.log_level, s.string("log_level", out.log_level));
    out.state_dir = state_dir;
    out.control_socket = control_socket;
    for (const auto* key : {"state_dir", "control_socket"}) {
        if (const auto* node = s.find(key);
            node && !std::filesystem::path(node->as_string()->get()).is_absolute()) {
            return Error(s.error(*node, key, "expected an absolute path"));
        }
    }
    static const std::set<std::string> levels{"debug", "info", "warning", "error"};
    if (!levels.contains(out.log_level)) {
        return Error(s.error(*s.find("log_level"), "log_level",
                             "expected one of debug, info, warning, error"));
    }
    return s.reject_unknown_keys();
}

tl::expected<void, ConfigError> read_interface(Section s, InterfaceSection& out) {
    TRY_ASSIGN(out.name, s.string("name", out.name));
    std::int64_t port = 0;
    TRY_ASSIGN(port, s.integer("listen_port", out.listen_port, 1, 65535));
    out.listen_port = static_cast<std::uint16_t>(port);
    std::vector<std::string> addresses;
    TRY_ASSIGN(addresses, s.strings("address", true));
    for (const auto& text : addresses) {
        auto prefix = netcfg::IpPrefix::parse(text);
        if (!prefix) {
            return Error(
                s.error(*s.find("address"), "address",
                        "\"" + text + "\" is not an address with prefix, e.g. 10.77.0.1/24"));
        }
        out.addresses.push_back(*prefix);
    }
    const bool has_v4 = std::any_of(out.addresses.begin(), out.addresses.end(), [](const auto& p) {
        return p.address.is_v4() && p.length < 31;
    });
    if (!has_v4) {
        return Error(s.error(*s.find("address"), "address",
                             "expected at least one IPv4 address with a prefix of /30 or wider, "
                             "e.g. 10.77.0.1/24 (peers get their addresses from it)"));
    }
    for (std::size_t i = 0; i < out.addresses.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            const auto& a = out.addresses[i];
            const auto& b = out.addresses[j];
            if (a.network().contains(b.address) || b.network().contains(a.address)) {
                return Error(s.error(*s.find("address"), "address",
                                     a.to_string() + " overlaps " + b.to_string() +
                                         "; give each address family one prefix"));
            }
        }
    }
    TRY_ASSIGN(out.endpoint, s.string("endpoint", "", true));
    if (!is_host_and_port(out.endpoint)) {
        return Error(s.error(*s.find("endpoint"), "endpoint",
                             "expected host:port or [IPv6]:port, e.g. maps.example.org:51820"));
    }
    std::string backend;
    TRY_ASSIGN(backend, s.string("backend", "auto"));
    const auto choice = netcfg::parse_backend_choice(backend);
    if (!choice)
        return Error(s.error(*s.find("backend"), "backend", "expected auto, kernel or uapi"));
    out.backend = *choice;
    return s.reject_unknown_keys();
}

}  // namespace wmsgate::daemon::config_tables
