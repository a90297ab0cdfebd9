#include "daemon/config.hpp"

#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace wmsgate::daemon {
namespace {

using Error = tl::unexpected<ConfigError>;
using provisioning::AreaKey;

// Reads one TOML table, remembering which keys were used so that unknown
// keys (typos) are reported instead of silently ignored.
class Section {
  public:
    Section(const std::filesystem::path& file, const toml::table& table, std::string prefix)
        : file_(file), table_(table), prefix_(std::move(prefix)) {}

    ConfigError error(const toml::node& node, std::string_view key, std::string_view what) const {
        return {file_.string() + ":" + std::to_string(node.source().begin.line) + ": " + prefix_ +
                std::string(key) + ": " + std::string(what)};
    }
    ConfigError missing(std::string_view key) const {
        return {file_.string() + ":" + std::to_string(table_.source().begin.line) + ": " + prefix_ +
                std::string(key) + ": required key is missing"};
    }

    const toml::node* find(std::string_view key) {
        used_.insert(std::string(key));
        return table_.get(key);
    }

    tl::expected<std::string, ConfigError> string(std::string_view key, std::string fallback,
                                                  bool required = false) {
        const auto* node = find(key);
        if (!node) {
            if (required) return Error(missing(key));
            return fallback;
        }
        if (!node->is_string() || node->as_string()->get().empty()) {
            return Error(error(*node, key, "expected a non-empty string"));
        }
        const auto& text = node->as_string()->get();
        // Values end up in client configs, XML and log lines: one line each.
        if (std::any_of(text.begin(), text.end(),
                        [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
            return Error(
                error(*node, key, "expected a string without line breaks or control characters"));
        }
        return text;
    }

    tl::expected<std::int64_t, ConfigError> integer(std::string_view key, std::int64_t fallback,
                                                    std::int64_t min, std::int64_t max) {
        const auto* node = find(key);
        if (!node) return fallback;
        if (!node->is_integer()) return Error(error(*node, key, "expected an integer"));
        const auto value = node->as_integer()->get();
        if (value < min || value > max) {
            return Error(error(
                *node, key,
                "expected an integer from " + std::to_string(min) + " to " + std::to_string(max)));
        }
        return value;
    }

    tl::expected<std::vector<std::string>, ConfigError> strings(std::string_view key,
                                                                bool required = false) {
        const auto* node = find(key);
        if (!node) {
            if (required) return Error(missing(key));
            return std::vector<std::string>{};
        }
        const auto* array = node->as_array();
        std::vector<std::string> out;
        if (!array) return Error(error(*node, key, "expected an array of strings"));
        for (const auto& item : *array) {
            if (!item.is_string() || item.as_string()->get().empty()) {
                return Error(error(item, key, "expected an array of non-empty strings"));
            }
            out.push_back(item.as_string()->get());
        }
        return out;
    }

    tl::expected<void, ConfigError> reject_unknown_keys() const {
        for (const auto& [key, node] : table_) {
            if (!used_.contains(std::string(key.str()))) {
                return Error(error(node, key.str(), "unknown key (misspelt?)"));
            }
        }
        return {};
    }

  private:
    const std::filesystem::path& file_;
    const toml::table& table_;
    std::string prefix_;
    std::set<std::string> used_;
};

#define TRY_ASSIGN(target, expr)                     \
    do {                                             \
        auto result_ = (expr);                       \
        if (!result_) return Error(result_.error()); \
        target = std::move(*result_);                \
    } while (false)

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
    if (backend == "auto") {
        out.backend = Backend::automatic;
    } else if (backend == "kernel") {
        out.backend = Backend::kernel;
    } else if (backend == "uapi") {
        out.backend = Backend::uapi;
    } else {
        return Error(s.error(*s.find("backend"), "backend", "expected auto, kernel or uapi"));
    }
    return s.reject_unknown_keys();
}

tl::expected<void, ConfigError> read_contact(Section s, wms::ContactInfo& out) {
    const std::pair<const char*, std::string*> fields[] = {
        {"person", &out.person},
        {"organization", &out.organization},
        {"position", &out.position},
        {"address_type", &out.address_type},
        {"address", &out.address},
        {"city", &out.city},
        {"state_or_province", &out.state_or_province},
        {"post_code", &out.post_code},
        {"country", &out.country},
        {"voice_telephone", &out.voice_telephone},
        {"email", &out.email},
    };
    for (const auto& [key, field] : fields) TRY_ASSIGN(*field, s.string(key, ""));
    return s.reject_unknown_keys();
}

// The keys that keep one peer from hurting another: connection caps,
// render fairness, deadlines, the per-request pixel budget.
tl::expected<void, ConfigError> read_isolation(Section& s, WmsSection& out) {
    std::int64_t value = 0;
    TRY_ASSIGN(value, s.integer("max_connections", static_cast<std::int64_t>(out.max_connections),
                                1, 65536));
    out.max_connections = static_cast<std::size_t>(value);
    TRY_ASSIGN(value, s.integer("max_connections_per_peer",
                                static_cast<std::int64_t>(out.max_connections_per_peer), 1, 65536));
    out.max_connections_per_peer = static_cast<std::size_t>(value);
    TRY_ASSIGN(value, s.integer("max_renders_per_peer", out.max_renders_per_peer, 0, 64));
    out.max_renders_per_peer = static_cast<unsigned>(value);
    TRY_ASSIGN(value, s.integer("max_queued_requests",
                                static_cast<std::int64_t>(out.max_queued_requests), 1, 65536));
    out.max_queued_requests = static_cast<std::size_t>(value);
    TRY_ASSIGN(value, s.integer("request_timeout", out.request_timeout.count(), 1, 600));
    out.request_timeout = std::chrono::seconds(value);
    TRY_ASSIGN(value, s.integer("write_timeout", out.write_timeout.count(), 1, 3600));
    out.write_timeout = std::chrono::seconds(value);
    auto& service = out.service;
    TRY_ASSIGN(value, s.integer("max_request_pixels",
                                static_cast<std::int64_t>(service.max_request_pixels), 0,
                                std::int64_t{1} << 40));
    service.max_request_pixels = static_cast<std::uint64_t>(value);
    return {};
}

tl::expected<void, ConfigError> read_wms(const std::filesystem::path& file, Section s,
                                         WmsSection& out) {
    auto& service = out.service;
    std::int64_t value = 0;
    TRY_ASSIGN(value, s.integer("port", out.port, 1, 65535));
    out.port = static_cast<std::uint16_t>(value);
    TRY_ASSIGN(value, s.integer("render_threads", out.render_threads, 1, 64));
    out.render_threads = static_cast<unsigned>(value);
    TRY_ASSIGN(value, s.integer("drain_timeout", out.drain_timeout.count(), 0, 600));
    out.drain_timeout = std::chrono::seconds(value);
    if (auto ok = read_isolation(s, out); !ok) return ok;
    TRY_ASSIGN(service.title, s.string("title", service.title));
    TRY_ASSIGN(service.abstract, s.string("abstract", ""));
    TRY_ASSIGN(value, s.integer("max_width", service.max_width, 1, 16384));
    service.max_width = static_cast<unsigned>(value);
    TRY_ASSIGN(value, s.integer("max_height", service.max_height, 1, 16384));
    service.max_height = static_cast<unsigned>(value);
    TRY_ASSIGN(service.keywords, s.strings("keywords"));
    TRY_ASSIGN(service.fees, s.string("fees", ""));
    TRY_ASSIGN(service.access_constraints, s.string("access_constraints", ""));
    if (s.find("crs")) TRY_ASSIGN(service.crs, s.strings("crs"));
    TRY_ASSIGN(value, s.integer("layer_limit", service.layer_limit, 0, 1000));
    service.layer_limit = static_cast<unsigned>(value);
    TRY_ASSIGN(service.update_sequence, s.string("update_sequence", ""));
    TRY_ASSIGN(value, s.integer("gdal_block_cache_mb", service.gdal_block_cache_mb, 0, 65536));
    service.gdal_block_cache_mb = static_cast<unsigned>(value);
    TRY_ASSIGN(value, s.integer("png_compression", service.png_compression, 1, 9));
    service.png_compression = static_cast<int>(value);
    TRY_ASSIGN(value, s.integer("jpeg_quality", service.jpeg_quality, 1, 100));
    service.jpeg_quality = static_cast<int>(value);
    if (const auto* contact = s.find("contact")) {
        if (!contact->is_table()) {
            return Error(s.error(*contact, "contact", "expected a [wms.contact] table"));
        }
        if (auto ok =
                read_contact(Section(file, *contact->as_table(), "wms.contact."), service.contact);
            !ok) {
            return ok;
        }
    }
    return s.reject_unknown_keys();
}

tl::expected<std::optional<double>, ConfigError> optional_number(Section& s, std::string_view key) {
    const auto* node = s.find(key);
    if (!node) return std::optional<double>{};
    if (!node->is_number()) return Error(s.error(*node, key, "expected a number"));
    const double value = node->value<double>().value_or(0.0);
    // TOML allows nan and inf; a colour ramp cannot span them.
    if (!std::isfinite(value)) {
        return Error(s.error(*node, key, "expected a finite number (nan and inf are not allowed)"));
    }
    return std::optional<double>(value);
}

tl::expected<void, ConfigError> read_layer_style(Section& s, wms::LayerConfig& layer) {
    TRY_ASSIGN(layer.abstract, s.string("abstract", ""));
    TRY_ASSIGN(layer.keywords, s.strings("keywords"));
    TRY_ASSIGN(layer.crs, s.strings("crs"));
    if (const auto* node = s.find("queryable")) {
        if (!node->is_boolean())
            return Error(s.error(*node, "queryable", "expected true or false"));
        layer.queryable = node->as_boolean()->get();
    }
    std::string style;
    TRY_ASSIGN(style, s.string("style", "grey"));
    static const std::map<std::string, wms::RampKind> styles{
        {"grey", wms::RampKind::grey},
        {"elevation", wms::RampKind::elevation},
        {"viridis", wms::RampKind::viridis}};
    if (!styles.contains(style)) {
        return Error(s.error(*s.find("style"), "style", "expected grey, elevation or viridis"));
    }
    layer.default_style = styles.at(style);
    TRY_ASSIGN(layer.min, optional_number(s, "min"));
    TRY_ASSIGN(layer.max, optional_number(s, "max"));
    if (layer.min && layer.max && *layer.min >= *layer.max) {
        return Error(s.error(*s.find("max"), "max", "expected max greater than min"));
    }
    return {};
}

bool is_valid_name(std::string_view name) {
    return !name.empty() && name.size() <= 64 &&
           std::all_of(name.begin(), name.end(), [](unsigned char c) {
               return std::isalnum(c) || c == '-' || c == '_' || c == '.';
           });
}

template <typename Read>
tl::expected<void, ConfigError> read_array_of_tables(const std::filesystem::path& file,
                                                     const toml::table& root, std::string_view key,
                                                     Read read) {
    const auto* node = root.get(key);
    if (!node) return {};
    const auto* array = node->as_array();
    if (!array || !array->is_array_of_tables()) {
        return Error(ConfigError{file.string() + ":" + std::to_string(node->source().begin.line) +
                                 ": " + std::string(key) + ": expected [[" + std::string(key) +
                                 "]] tables"});
    }
    for (const auto& item : *array) {
        if (auto ok = read(Section(file, *item.as_table(), std::string(key) + ".")); !ok) return ok;
    }
    return {};
}

// GDAL also opens virtual paths (/vsicurl/..., WMS:..., PG:...); only plain
// files can be checked before GDAL sees them.
bool is_local_path(std::string_view source) {
    return source.rfind("/vsi", 0) != 0 && source.find(':') == std::string_view::npos;
}

tl::expected<void, ConfigError> read_layers(const std::filesystem::path& file,
                                            const toml::table& root, FileChecks checks,
                                            Config& out) {
    return read_array_of_tables(
        file, root, "layer", [&](Section s) -> tl::expected<void, ConfigError> {
            wms::LayerConfig layer;
            TRY_ASSIGN(layer.name, s.string("name", "", true));
            if (!is_valid_name(layer.name)) {
                return Error(s.error(*s.find("name"), "name",
                                     "expected 1 to 64 of letters, digits, '-', '_', '.'"));
            }
            for (const auto& other : out.layers) {
                if (other.name == layer.name) {
                    return Error(s.error(*s.find("name"), "name",
                                         "layer \"" + layer.name + "\" is defined twice"));
                }
            }
            TRY_ASSIGN(layer.title, s.string("title", layer.name));
            TRY_ASSIGN(layer.source, s.string("source", "", true));
            if (checks == FileChecks::verify && is_local_path(layer.source) &&
                ::access(layer.source.c_str(), R_OK) != 0) {
                return Error(s.error(*s.find("source"), "source",
                                     "cannot read \"" + layer.source +
                                         "\": " + std::strerror(errno) +
                                         "; check the path and that the wmsgate user may read it"));
            }
            if (auto ok = read_layer_style(s, layer); !ok) return ok;
            if (auto ok = s.reject_unknown_keys(); !ok) return ok;
            out.layers.push_back(std::move(layer));
            return {};
        });
}

// An area file as the key `key` names it, read once however many groups
// name it (and only with FileChecks::verify).
tl::expected<AreaKey, ConfigError> read_area(Section& s, std::string_view key,
                                             const AreaLoader& load_area, Config& out) {
    AreaKey path;
    TRY_ASSIGN(path, s.string(key, "", true));
    if (out.areas.contains(path)) return path;
    std::shared_ptr<const wms::Area> area;
    if (load_area) {
        auto loaded = load_area(path);
        if (!loaded) return Error(s.error(*s.find(key), key, loaded.error()));
        area = std::move(*loaded);
    }
    out.areas.emplace(path, std::move(area));
    return path;
}

// [[group]] area = "FILE" limits all the group's layers to it; each
// [[group.limit]] (layer = "NAME", area = "FILE") one of them to another.
tl::expected<void, ConfigError> read_group_areas(const std::filesystem::path& file, Section& s,
                                                 const std::string& group,
                                                 const std::vector<std::string>& layers,
                                                 const AreaLoader& load_area, Config& out) {
    auto& limits = out.group_areas[group];
    if (s.find("area")) {
        AreaKey area;
        TRY_ASSIGN(area, read_area(s, "area", load_area, out));
        for (const auto& layer : layers) limits[layer] = area;
    }
    if (const auto* node = s.find("limit")) {
        const auto* array = node->as_array();
        if (!array || !array->is_array_of_tables())
            return Error(s.error(*node, "limit", "expected [[group.limit]] tables"));
        std::set<std::string> limited;
        for (const auto& item : *array) {
            Section limit(file, *item.as_table(), "group.limit.");
            std::string layer;
            TRY_ASSIGN(layer, limit.string("layer", "", true));
            if (std::find(layers.begin(), layers.end(), layer) == layers.end())
                return Error(
                    limit.error(*limit.find("layer"), "layer",
                                "\"" + layer + "\" is not among group \"" + group + "\"'s layers"));
            if (!limited.insert(layer).second)
                return Error(limit.error(*limit.find("layer"), "layer",
                                         "layer \"" + layer + "\" is limited twice in this group"));
            TRY_ASSIGN(limits[layer], read_area(limit, "area", load_area, out));
            if (auto ok = limit.reject_unknown_keys(); !ok) return ok;
        }
    }
    if (limits.empty()) out.group_areas.erase(group);
    return {};
}

tl::expected<void, ConfigError> read_groups(const std::filesystem::path& file,
                                            const toml::table& root, const AreaLoader& load_area,
                                            Config& out) {
    return read_array_of_tables(
        file, root, "group", [&](Section s) -> tl::expected<void, ConfigError> {
            std::string name;
            TRY_ASSIGN(name, s.string("name", "", true));
            if (!is_valid_name(name)) {
                return Error(s.error(*s.find("name"), "name",
                                     "expected 1 to 64 of letters, digits, '-', '_', '.'"));
            }
            if (out.groups.contains(name)) {
                return Error(
                    s.error(*s.find("name"), "name", "group \"" + name + "\" is defined twice"));
            }
            std::vector<std::string> layers;
            TRY_ASSIGN(layers, s.strings("layers"));
            for (const auto& layer : layers) {
                const bool known = std::any_of(out.layers.begin(), out.layers.end(),
                                               [&](const auto& l) { return l.name == layer; });
                if (!known) {
                    return Error(s.error(*s.find("layers"), "layers",
                                         "no [[layer]] is named \"" + layer + "\""));
                }
            }
            if (auto ok = read_group_areas(file, s, name, layers, load_area, out); !ok) return ok;
            if (auto ok = s.reject_unknown_keys(); !ok) return ok;
            out.groups[name] = {layers.begin(), layers.end()};
            return {};
        });
}

tl::expected<void, ConfigError> read_metrics(Section s, Config& out) {
    TRY_ASSIGN(out.metrics.group, s.string("group", ""));
    if (!out.metrics.group.empty() && !out.groups.contains(out.metrics.group)) {
        return Error(s.error(*s.find("group"), "group",
                             "no [[group]] is named \"" + out.metrics.group +
                                 "\" (a group with layers = [] may exist for monitoring alone)"));
    }
    return s.reject_unknown_keys();
}

}  // namespace

const netcfg::IpPrefix& Config::tunnel_ipv4() const {
    return *std::find_if(interface.addresses.begin(), interface.addresses.end(),
                         [](const auto& p) { return p.address.is_v4() && p.length < 31; });
}

std::string Config::wms_url() const {
    return "http://" + tunnel_ipv4().address.to_string() + ":" + std::to_string(wms.port) + "/wms";
}

tl::expected<Config, ConfigError> load_config(const std::filesystem::path& file, FileChecks checks,
                                              const AreaLoader& load_area) {
    toml::table root;
    try {
        root = toml::parse_file(file.string());
    } catch (const toml::parse_error& e) {
        const auto line = e.source().begin.line;
        if (line == 0) {
            return Error(ConfigError{
                file.string() + ": cannot read the config file: " + std::string(e.description())});
        }
        return Error(ConfigError{file.string() + ":" + std::to_string(line) + ": " +
                                 std::string(e.description())});
    }

    Config config;
    config.file = file;
    static const std::set<std::string> top_level{"daemon", "interface", "wms",
                                                 "layer",  "group",     "metrics"};
    for (const auto& [key, node] : root) {
        if (!top_level.contains(std::string(key.str()))) {
            return Error(ConfigError{file.string() + ":" +
                                     std::to_string(node.source().begin.line) + ": " +
                                     std::string(key.str()) + ": unknown section (misspelt?)"});
        }
    }
    const toml::table empty;
    auto table = [&](std::string_view key) -> tl::expected<const toml::table*, ConfigError> {
        const auto* node = root.get(key);
        if (!node) return &empty;
        if (!node->is_table()) {
            return Error(
                ConfigError{file.string() + ":" + std::to_string(node->source().begin.line) + ": " +
                            std::string(key) + ": expected a [" + std::string(key) + "] table"});
        }
        return node->as_table();
    };

    const toml::table* section = nullptr;
    TRY_ASSIGN(section, table("daemon"));
    if (auto ok = read_daemon(Section(file, *section, "daemon."), config.daemon); !ok)
        return Error(ok.error());
    if (!root.get("interface")) {
        return Error(ConfigError{file.string() + ": [interface]: required section is missing"});
    }
    TRY_ASSIGN(section, table("interface"));
    if (auto ok = read_interface(Section(file, *section, "interface."), config.interface); !ok) {
        return Error(ok.error());
    }
    TRY_ASSIGN(section, table("wms"));
    if (auto ok = read_wms(file, Section(file, *section, "wms."), config.wms); !ok)
        return Error(ok.error());
    if (auto ok = read_layers(file, root, checks, config); !ok) return Error(ok.error());
    const AreaLoader no_loader;
    const AreaLoader& areas = checks == FileChecks::verify ? load_area : no_loader;
    if (auto ok = read_groups(file, root, areas, config); !ok) return Error(ok.error());
    TRY_ASSIGN(section, table("metrics"));
    if (auto ok = read_metrics(Section(file, *section, "metrics."), config); !ok)
        return Error(ok.error());
    if (checks == FileChecks::verify) {
        const auto key = config.daemon.state_dir / "server.key";
        struct stat st {};
        if (::stat(key.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
            return Error(ConfigError{file.string() + ": daemon.state_dir: the server key " +
                                     key.string() +
                                     " is readable by group or others; chmod 600 it"});
        }
    }
    return config;
}

}  // namespace wmsgate::daemon
