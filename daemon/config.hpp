#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tl/expected.hpp>
#include <vector>

#include "netcfg/backend_choice.hpp"
#include "netcfg/ip_prefix.hpp"
#include "provisioning/policy.hpp"
#include "wms/area.hpp"
#include "wms/service_config.hpp"

namespace wmsgate::daemon {

struct DaemonSection {
    std::filesystem::path state_dir = "/var/lib/wmsgate";
    std::filesystem::path control_socket = "/run/wmsgate/control.sock";
    std::string admin_group = "wmsgate-admin";
    std::string log_level = "info";
};

struct InterfaceSection {
    std::string name = "wmsgate0";
    std::uint16_t listen_port = 51820;
    std::vector<netcfg::IpPrefix> addresses;  // the first IPv4 one is the WMS address
    std::string endpoint;                     // what client configs dial
    netcfg::BackendChoice backend = netcfg::BackendChoice::automatic;
};

struct WmsSection {
    std::uint16_t port = 8080;
    unsigned render_threads = 2;
    // On SIGTERM, how long requests being answered may take to finish.
    std::chrono::seconds drain_timeout{10};
    // Isolation between peers (see wms::ServerOptions); fixed until restart.
    std::size_t max_connections = 512;
    std::size_t max_connections_per_peer = 32;
    unsigned max_renders_per_peer = 0;  // 0: half of render_threads, at least 1
    std::size_t max_queued_requests = 64;
    std::chrono::seconds request_timeout{15};  // reading one request, in all
    std::chrono::seconds write_timeout{60};    // writing one answer, in all
    // Everything the map service itself takes: metadata, limits, output.
    // online_resource and layers are filled in by the daemon.
    wms::ServiceConfig service;
};

// Where the peer registry lives. SQLite in the state directory serves one
// appliance; several appliances acting as one (a fleet) share PostgreSQL.
enum class RegistryStore { sqlite, postgresql };

struct RegistrySection {
    RegistryStore backend = RegistryStore::sqlite;
    // A libpq connection string, for postgresql only. It may hold a
    // password: it is never logged or shown.
    std::string dsn;
};

struct MetricsSection {
    // Peers in this [[group]] may read /metrics; empty: nobody may.
    std::string group;
};

struct Config {
    std::filesystem::path file;
    DaemonSection daemon;
    InterfaceSection interface;
    WmsSection wms;
    MetricsSection metrics;
    RegistrySection registry;
    std::vector<wms::LayerConfig> layers;
    provisioning::GroupLayers groups;
    // The layers a group limits to an area ([[group]] area, [[group.limit]]),
    // each area named by its file as written in the config.
    provisioning::GroupAreas group_areas;
    // Every area file named there, read and prepared; null where load_config
    // had no loader or ran with FileChecks::skip.
    std::map<provisioning::AreaKey, std::shared_ptr<const wms::Area>> areas;

    // The appliance's IPv4 tunnel address with its prefix: the WMS binds to
    // it and peers' addresses come from it. load_config guarantees one.
    const netcfg::IpPrefix& tunnel_ipv4() const;
    // Where clients reach the WMS: "http://<tunnel IPv4>:<wms port>/wms".
    std::string wms_url() const;
};

// A config error a person can fix: "FILE:LINE: KEY: what was expected".
struct ConfigError {
    std::string message;
};

// `verify` also checks what the daemon will need from the file system: layer
// files readable, area files read and valid, the server key not readable by
// others. wmsgatectl, which
// only needs the socket path, skips that.
enum class FileChecks { skip, verify };

// Reads and prepares one area file; the error is the reason, naming the
// file. Passed in (the daemon's is load_daemon_config's) so that wmsgatectl,
// which reads the config for its socket path only, needs no GDAL.
using AreaLoader = std::function<tl::expected<std::shared_ptr<const wms::Area>, std::string>(
    const std::string& path)>;

// Area files are read only with `verify` and a loader.
tl::expected<Config, ConfigError> load_config(const std::filesystem::path& file,
                                              FileChecks checks = FileChecks::skip,
                                              const AreaLoader& load_area = {});

}  // namespace wmsgate::daemon
