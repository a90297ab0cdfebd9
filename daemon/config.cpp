#include "daemon/config.hpp"

#include <sys/stat.h>

#include <set>

#include "daemon/config_tables.hpp"

namespace wmsgate::daemon {

using config_tables::Error;
using config_tables::Section;

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
    static const std::set<std::string> top_level{"daemon", "interface", "wms",     "layer",
                                                 "group",  "metrics",   "registry"};
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
    if (auto ok = config_tables::read_daemon(Section(file, *section, "daemon."), config.daemon);
        !ok)
        return Error(ok.error());
    if (!root.get("interface")) {
        return Error(ConfigError{file.string() + ": [interface]: required section is missing"});
    }
    TRY_ASSIGN(section, table("interface"));
    if (auto ok =
            config_tables::read_interface(Section(file, *section, "interface."), config.interface);
        !ok) {
        return Error(ok.error());
    }
    TRY_ASSIGN(section, table("wms"));
    if (auto ok = config_tables::read_wms(file, Section(file, *section, "wms."), config.wms); !ok)
        return Error(ok.error());
    if (auto ok = config_tables::read_layers(file, root, checks, config); !ok)
        return Error(ok.error());
    const AreaLoader no_loader;
    const AreaLoader& areas = checks == FileChecks::verify ? load_area : no_loader;
    if (auto ok = config_tables::read_groups(file, root, areas, config); !ok)
        return Error(ok.error());
    TRY_ASSIGN(section, table("metrics"));
    if (auto ok = config_tables::read_metrics(Section(file, *section, "metrics."), config); !ok)
        return Error(ok.error());
    TRY_ASSIGN(section, table("registry"));
    if (auto ok =
            config_tables::read_registry(Section(file, *section, "registry."), config.registry);
        !ok)
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
