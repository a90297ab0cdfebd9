#include "daemon/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace wmsgate::daemon {
namespace {

class ConfigTest : public ::testing::Test {
  protected:
    std::filesystem::path write(const std::string& text) {
        std::ofstream(file_) << text;
        return file_;
    }
    void TearDown() override { std::filesystem::remove(file_); }

    std::filesystem::path file_ = std::filesystem::temp_directory_path() /
                                  ("wmsgate-config-test-" + std::to_string(::getpid()) + ".toml");
};

constexpr const char* valid = R"([daemon]
state_dir = "/tmp/state"
control_socket = "/tmp/state/control.sock"

[interface]
name = "wg-test"
listen_port = 51999
address = ["10.77.0.1/24", "fd77::1/64"]
endpoint = "192.0.2.1:51999"
backend = "uapi"

[wms]
port = 8081
title = "Test maps"

[[layer]]
name = "ortho"
title = "Orthophoto"
source = "/srv/ortho.tif"

[[layer]]
name = "dem"
source = "/srv/dem.tif"

[[group]]
name = "survey"
layers = ["ortho", "dem"]
)";

TEST_F(ConfigTest, ReadsEverySection) {
    auto config = load_config(write(valid));
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->daemon.state_dir, "/tmp/state");
    EXPECT_EQ(config->daemon.control_socket, "/tmp/state/control.sock");
    EXPECT_EQ(config->interface.name, "wg-test");
    EXPECT_EQ(config->interface.listen_port, 51999);
    ASSERT_EQ(config->interface.addresses.size(), 2u);
    EXPECT_EQ(config->tunnel_ipv4().to_string(), "10.77.0.1/24");
    EXPECT_EQ(config->interface.backend, netcfg::BackendChoice::uapi);
    EXPECT_EQ(config->wms.port, 8081);
    EXPECT_EQ(config->wms.service.title, "Test maps");
    ASSERT_EQ(config->layers.size(), 2u);
    EXPECT_EQ(config->layers[1].title, "dem");  // title defaults to the name
    EXPECT_EQ(config->groups.at("survey"), (std::set<std::string>{"ortho", "dem"}));
}

struct BadCase {
    const char* what;
    std::string from;  // text in `valid` to replace
    std::string to;
    int line;         // where the error is, in the edited text
    std::string why;  // "KEY: reason" as the message gives it after the line
};

class BadConfigTest : public ConfigTest, public ::testing::WithParamInterface<BadCase> {};

// Every refusal reads "FILE:LINE: KEY: reason": all three checked at once,
// so a wrong line, a missing file name or another key's message fails.
TEST_P(BadConfigTest, NamesFileLineKeyAndReason) {
    const auto& c = GetParam();
    std::string text = valid;
    const auto at = text.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    text.replace(at, c.from.size(), c.to);
    auto config = load_config(write(text));
    ASSERT_FALSE(config) << c.what;
    const auto expected = file_.string() + ":" + std::to_string(c.line) + ": " + c.why;
    EXPECT_EQ(config.error().message.substr(0, expected.size()), expected) << c.what;
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadConfigTest,
    ::testing::Values(
        BadCase{"port as string", "listen_port = 51999", "listen_port = \"51999\"", 7,
                "interface.listen_port: expected an integer"},
        BadCase{"port out of range", "port = 8081", "port = 70000", 13,
                "wms.port: expected an integer from 1 to 65535"},
        BadCase{"unknown key", "title = \"Test maps\"", "titel = \"Test maps\"", 14,
                "wms.titel: unknown key"},
        BadCase{"unknown section", "[wms]", "[wmss]", 12, "wmss: unknown section"},
        BadCase{"bad address", "\"10.77.0.1/24\"", "\"10.77.0.300/24\"", 8,
                "interface.address: \"10.77.0.300/24\" is not an address"},
        BadCase{"no IPv4 address", "\"10.77.0.1/24\", ", "", 8,
                "interface.address: expected at least one IPv4 address"},
        // A missing key is reported at its table's header.
        BadCase{"missing endpoint", "endpoint = \"192.0.2.1:51999\"", "", 5,
                "interface.endpoint: required key is missing"},
        BadCase{"bad backend", "backend = \"uapi\"", "backend = \"bpf\"", 10,
                "interface.backend: expected auto, kernel or uapi"},
        BadCase{"group names missing layer", "layers = [\"ortho\", \"dem\"]",
                "layers = [\"ortho\", \"lidar\"]", 27,
                "group.layers: no [[layer]] is named \"lidar\""},
        // The registry's name rule: a group it could never grant is refused here.
        BadCase{"group name starting with a dot", "name = \"survey\"", "name = \".survey\"", 26,
                "group.name: expected 1 to 64 of letters"},
        BadCase{"layer name starting with a dash", "name = \"dem\"", "name = \"-dem\"", 22,
                "layer.name: expected 1 to 64 of letters"},
        BadCase{"duplicate layer", "name = \"dem\"", "name = \"ortho\"", 22,
                "layer.name: layer \"ortho\" is defined twice"},
        BadCase{"layer without source", "source = \"/srv/dem.tif\"", "", 21,
                "layer.source: required key is missing"},
        BadCase{"syntax error", "[wms]", "[wms", 12,
                "Error while parsing table header: expected ']'"},
        BadCase{"line break in a value", "title = \"Test maps\"", "title = \"Test\\nmaps\"", 14,
                "wms.title: expected a string without line breaks"},
        BadCase{"relative state_dir", "state_dir = \"/tmp/state\"", "state_dir = \"state\"", 2,
                "daemon.state_dir: expected an absolute path"},
        BadCase{"overlapping prefixes", "\"fd77::1/64\"", "\"10.77.0.9/16\"", 8,
                "interface.address: 10.77.0.9/16 overlaps 10.77.0.1/24"},
        BadCase{"endpoint without port", "endpoint = \"192.0.2.1:51999\"",
                "endpoint = \"192.0.2.1\"", 9, "interface.endpoint: expected host:port"},
        BadCase{"unknown style", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\nstyle = \"rainbow\"", 24,
                "layer.style: expected grey, elevation or viridis"},
        BadCase{"unknown resampling", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\nresampling = \"lanczos\"", 24,
                "layer.resampling: expected nearest, bilinear or cubic"},
        BadCase{"min not below max", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\nmin = 10\nmax = 5", 25,
                "layer.max: expected max greater than min"},
        BadCase{"min nan", "source = \"/srv/dem.tif\"", "source = \"/srv/dem.tif\"\nmin = nan", 24,
                "layer.min: expected a finite number"},
        BadCase{"max inf", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\nmin = 0\nmax = inf", 25,
                "layer.max: expected a finite number"},
        BadCase{"min minus inf", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\nmin = -inf", 24, "layer.min: expected a finite number"},
        BadCase{"unknown contact key", "title = \"Test maps\"",
                "title = \"Test maps\"\n[wms.contact]\nmail = \"x@example.org\"", 16,
                "wms.contact.mail: unknown key"},
        BadCase{"endpoint port out of range", "endpoint = \"192.0.2.1:51999\"",
                "endpoint = \"maps.example.org:70000\"", 9,
                "interface.endpoint: expected host:port"},
        BadCase{"metrics group not defined", "layers = [\"ortho\", \"dem\"]\n",
                "layers = [\"ortho\", \"dem\"]\n[metrics]\ngroup = \"ops\"\n", 29,
                "metrics.group: no [[group]] is named \"ops\""},
        BadCase{"unknown metrics key", "layers = [\"ortho\", \"dem\"]\n",
                "layers = [\"ortho\", \"dem\"]\n[metrics]\ngroups = \"survey\"\n", 29,
                "metrics.groups: unknown key"},
        // The [wms] isolation keys: each refused out of range, at its line.
        BadCase{"max_connections zero", "port = 8081", "port = 8081\nmax_connections = 0", 14,
                "wms.max_connections: expected an integer from 1 to 65536"},
        BadCase{"max_connections as string", "port = 8081",
                "port = 8081\nmax_connections = \"512\"", 14,
                "wms.max_connections: expected an integer"},
        BadCase{"max_connections_per_peer too many", "port = 8081",
                "port = 8081\nmax_connections_per_peer = 65537", 14,
                "wms.max_connections_per_peer: expected an integer from 1 to 65536"},
        BadCase{"max_renders_per_peer negative", "port = 8081",
                "port = 8081\nmax_renders_per_peer = -1", 14,
                "wms.max_renders_per_peer: expected an integer from 0 to 64"},
        BadCase{"max_renders_per_peer too many", "port = 8081",
                "port = 8081\nmax_renders_per_peer = 65", 14,
                "wms.max_renders_per_peer: expected an integer from 0 to 64"},
        BadCase{"max_queued_requests zero", "port = 8081", "port = 8081\nmax_queued_requests = 0",
                14, "wms.max_queued_requests: expected an integer from 1 to 65536"},
        BadCase{"request_timeout zero", "port = 8081", "port = 8081\nrequest_timeout = 0", 14,
                "wms.request_timeout: expected an integer from 1 to 600"},
        BadCase{"request_timeout fractional", "port = 8081", "port = 8081\nrequest_timeout = 1.5",
                14, "wms.request_timeout: expected an integer"},
        BadCase{"write_timeout too long", "port = 8081", "port = 8081\nwrite_timeout = 3601", 14,
                "wms.write_timeout: expected an integer from 1 to 3600"},
        BadCase{"max_request_pixels negative", "port = 8081",
                "port = 8081\nmax_request_pixels = -1", 14,
                "wms.max_request_pixels: expected an integer from 0 to 1099511627776"},
        // Vector layers: their keys only with source_layer, raster keys
        // never with it, and every rule value at its own line.
        BadCase{"fields on a raster layer", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\nfields = [\"id\"]", 24,
                "layer.fields: applies to vector layers only"},
        BadCase{"rule on a raster layer", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\n[[layer.rule]]\nfill = \"#ffffff\"", 24,
                "layer.rule: applies to vector layers only"},
        BadCase{"resampling on a vector layer", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\nsource_layer = \"parcels\"\nresampling = \"nearest\"",
                25, "layer.resampling: applies to raster layers only"},
        BadCase{"colour by name", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\nsource_layer = \"parcels\"\n[[layer.rule]]\nfill = "
                "\"green\"",
                26, "layer.rule.fill: expected a colour \"#rrggbb\" or \"#rrggbbaa\""},
        BadCase{"colour with a bad digit", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\nsource_layer = \"parcels\"\n[[layer.rule]]\nstroke = "
                "\"#12345g\"",
                26, "layer.rule.stroke: expected a colour"},
        BadCase{"stroke_width zero", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\nsource_layer = \"parcels\"\n[[layer.rule]]\nstroke = "
                "\"#000000\"\nstroke_width = 0",
                27, "layer.rule.stroke_width: expected a number above 0 to 100"},
        BadCase{"point_size as string", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\nsource_layer = \"parcels\"\n[[layer.rule]]\nfill = "
                "\"#000000\"\npoint_size = \"4\"",
                27, "layer.rule.point_size: expected a number above 0 to 200"},
        BadCase{"negative min_scale", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\nsource_layer = \"parcels\"\n[[layer.rule]]\nfill = "
                "\"#000000\"\nmin_scale = -1",
                27, "layer.rule.min_scale: expected a number from 0 to"},
        BadCase{"min_scale not below max_scale", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\nsource_layer = \"parcels\"\n[[layer.rule]]\nfill = "
                "\"#000000\"\nmin_scale = 5000\nmax_scale = 5000",
                28, "layer.rule.max_scale: expected max_scale greater than min_scale"},
        BadCase{"rule drawing nothing", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\nsource_layer = \"parcels\"\n[[layer.rule]]\nfilter = "
                "\"class = 1\"",
                25, "layer.rule.fill: expected fill or stroke"},
        BadCase{"empty filter", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\nsource_layer = \"parcels\"\n[[layer.rule]]\nfilter = "
                "\"\"\nfill = \"#000000\"",
                26, "layer.rule.filter: expected a non-empty string"},
        BadCase{"unknown rule key", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\nsource_layer = \"parcels\"\n[[layer.rule]]\ncolour = "
                "\"#000000\"\nfill = \"#000000\"",
                26, "layer.rule.colour: unknown key"},
        BadCase{"max_request_pixels beyond 2^40", "port = 8081",
                "port = 8081\nmax_request_pixels = 1099511627777", 14,
                "wms.max_request_pixels: expected an integer from 0 to 1099511627776"}),
    [](const ::testing::TestParamInfo<BadCase>& info) {
        std::string name = info.param.what;
        for (auto& c : name)
            if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
        return name;
    });

TEST_F(ConfigTest, ReadsTheIsolationKeys) {
    std::string text = valid;
    text.replace(text.find("port = 8081"), 11,
                 "port = 8081\nmax_connections = 100\nmax_connections_per_peer = 7\n"
                 "max_renders_per_peer = 3\nmax_queued_requests = 9\nrequest_timeout = 4\n"
                 "write_timeout = 3600\nmax_request_pixels = 1099511627776");
    auto config = load_config(write(text));
    ASSERT_TRUE(config) << config.error().message;
    const auto& wms = config->wms;
    EXPECT_EQ(wms.max_connections, 100u);
    EXPECT_EQ(wms.max_connections_per_peer, 7u);
    EXPECT_EQ(wms.max_renders_per_peer, 3u);
    EXPECT_EQ(wms.max_queued_requests, 9u);
    EXPECT_EQ(wms.request_timeout, std::chrono::seconds(4));
    EXPECT_EQ(wms.write_timeout, std::chrono::seconds(3600));
    EXPECT_EQ(wms.service.max_request_pixels, std::uint64_t{1} << 40);
}

TEST_F(ConfigTest, IsolationKeysDefaultAndAcceptTheirBounds) {
    auto defaults = load_config(write(valid));
    ASSERT_TRUE(defaults) << defaults.error().message;
    const WmsSection fresh;
    EXPECT_EQ(defaults->wms.max_connections, fresh.max_connections);
    EXPECT_EQ(defaults->wms.max_connections_per_peer, fresh.max_connections_per_peer);
    EXPECT_EQ(defaults->wms.max_renders_per_peer, 0u);  // 0: half the render threads
    EXPECT_EQ(defaults->wms.max_queued_requests, fresh.max_queued_requests);
    EXPECT_EQ(defaults->wms.request_timeout, fresh.request_timeout);
    EXPECT_EQ(defaults->wms.write_timeout, fresh.write_timeout);
    EXPECT_EQ(defaults->wms.service.max_request_pixels, fresh.service.max_request_pixels);

    std::string text = valid;
    text.replace(text.find("port = 8081"), 11,
                 "port = 8081\nmax_connections = 1\nmax_connections_per_peer = 65536\n"
                 "max_renders_per_peer = 64\nmax_queued_requests = 1\nrequest_timeout = 600\n"
                 "write_timeout = 1\nmax_request_pixels = 0");
    auto bounds = load_config(write(text));
    ASSERT_TRUE(bounds) << bounds.error().message;
    EXPECT_EQ(bounds->wms.max_connections, 1u);
    EXPECT_EQ(bounds->wms.max_connections_per_peer, 65536u);
    EXPECT_EQ(bounds->wms.max_renders_per_peer, 64u);
    EXPECT_EQ(bounds->wms.max_queued_requests, 1u);
    EXPECT_EQ(bounds->wms.request_timeout, std::chrono::seconds(600));
    EXPECT_EQ(bounds->wms.write_timeout, std::chrono::seconds(1));
    EXPECT_EQ(bounds->wms.service.max_request_pixels, 0u);
}

TEST_F(ConfigTest, RegistryIsSqliteUnlessAFleetNamesPostgresql) {
    auto plain = load_config(write(valid));
    ASSERT_TRUE(plain) << plain.error().message;
    EXPECT_EQ(plain->registry.backend, RegistryStore::sqlite);
    EXPECT_EQ(plain->registry.dsn, "");

    const std::string fleet = std::string(valid) +
                              "\n[registry]\nbackend = \"postgresql\"\n"
                              "dsn = \"host=/run/postgresql dbname=wmsgate\"\n";
    auto config = load_config(write(fleet));
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->registry.backend, RegistryStore::postgresql);
    EXPECT_EQ(config->registry.dsn, "host=/run/postgresql dbname=wmsgate");
}

TEST_F(ConfigTest, RegistryMistakesAreNamed) {
    struct Case {
        const char* table;
        const char* expected;
    };
    const Case cases[] = {
        {"backend = \"mysql\"\n",
         ":30: registry.backend: expected \"sqlite\" (one appliance, the default) or "
         "\"postgresql\""},
        {"backend = \"postgresql\"\n",
         ":29: registry.dsn: required key is missing with backend = \"postgresql\": a libpq "
         "connection string"},
        {"dsn = \"dbname=wmsgate\"\n", ":30: registry.dsn: only used with backend = "},
        {"backend = \"postgresql\"\ndsn = \"x\"\nhost = \"db\"\n",
         ":32: registry.host: unknown key"},
    };
    for (const auto& c : cases) {
        auto config = load_config(write(std::string(valid) + "\n[registry]\n" + c.table));
        ASSERT_FALSE(config) << c.table;
        EXPECT_EQ(config.error().message.find(file_.string() + c.expected), 0u)
            << config.error().message;
    }
}

TEST_F(ConfigTest, MetricsGroupNamesADefinedGroup) {
    const std::string text = std::string(valid) +
                             "\n[[group]]\nname = \"ops\"\nlayers = []\n\n[metrics]\ngroup = "
                             "\"ops\"\n";
    auto config = load_config(write(text));
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->metrics.group, "ops");
    EXPECT_TRUE(config->groups.at("ops").empty());
    auto without = load_config(write(valid));
    ASSERT_TRUE(without);
    EXPECT_EQ(without->metrics.group, "");
}

TEST_F(ConfigTest, ReadsServiceMetadataAndLayerStyles) {
    std::string text = valid;
    text.replace(text.find("title = \"Test maps\""), 19,
                 "title = \"Test maps\"\nkeywords = [\"survey\"]\nfees = \"none\"\n"
                 "layer_limit = 4\npng_compression = 3\n"
                 "[wms.contact]\norganization = \"Survey office\"\nemail = \"maps@example.org\"");
    text.replace(text.find("source = \"/srv/dem.tif\""), 23,
                 "source = \"/srv/dem.tif\"\nstyle = \"elevation\"\nmin = 0\nmax = 4800.5\n"
                 "queryable = false\nabstract = \"Heights\"\nresampling = \"cubic\"");
    auto config = load_config(write(text));
    ASSERT_TRUE(config) << config.error().message;
    const auto& service = config->wms.service;
    EXPECT_EQ(service.keywords, std::vector<std::string>{"survey"});
    EXPECT_EQ(service.layer_limit, 4u);
    EXPECT_EQ(service.png_compression, 3);
    EXPECT_EQ(service.contact.organization, "Survey office");
    EXPECT_EQ(service.contact.email, "maps@example.org");
    const auto& dem = config->layers.at(1);
    EXPECT_EQ(dem.default_style, wms::RampKind::elevation);
    EXPECT_EQ(dem.min, 0.0);
    EXPECT_EQ(dem.max, 4800.5);
    EXPECT_FALSE(dem.queryable);
    EXPECT_EQ(dem.abstract, "Heights");
    EXPECT_EQ(dem.resampling, wms::Resampling::cubic);
    EXPECT_EQ(config->layers.at(0).resampling, wms::Resampling::bilinear);
}

TEST_F(ConfigTest, ReadsVectorLayersAndTheirRules) {
    std::string text = valid;
    text.replace(text.find("source = \"/srv/dem.tif\""), 23,
                 "source = \"PG:dbname=gis\"\nsource_layer = \"parcels\"\n"
                 "fields = [\"id\", \"class\"]\n"
                 "[[layer.rule]]\nfilter = \"class = 'forest'\"\nfill = \"#6eaa64\"\n"
                 "stroke = \"#325a2880\"\nstroke_width = 2\nmax_scale = 50000.5\n"
                 "[[layer.rule]]\ntitle = \"Wells\"\nfill = \"#0000FF\"\npoint_size = 8.5\n"
                 "min_scale = 1000\n");
    auto config = load_config(write(text));
    ASSERT_TRUE(config) << config.error().message;
    const auto& parcels = config->layers.at(1);
    EXPECT_TRUE(parcels.is_vector());
    EXPECT_FALSE(config->layers.at(0).is_vector());
    EXPECT_EQ(parcels.source_layer, "parcels");
    EXPECT_EQ(parcels.fields, (std::vector<std::string>{"id", "class"}));
    ASSERT_EQ(parcels.rules.size(), 2u);
    const auto& forest = parcels.rules[0];
    EXPECT_EQ(forest.filter, "class = 'forest'");
    EXPECT_EQ(forest.title, "class = 'forest'");  // the filter names an untitled rule
    EXPECT_EQ(forest.fill, (wms::Rgba{0x6e, 0xaa, 0x64, 0xff}));
    EXPECT_EQ(forest.stroke, (wms::Rgba{0x32, 0x5a, 0x28, 0x80}));
    EXPECT_EQ(forest.stroke_width, 2.0);
    EXPECT_FALSE(forest.min_scale);
    EXPECT_EQ(forest.max_scale, 50000.5);
    EXPECT_TRUE(forest.applies_at(50000));
    EXPECT_FALSE(forest.applies_at(50000.5));
    const auto& wells = parcels.rules[1];
    EXPECT_EQ(wells.filter, "");
    EXPECT_EQ(wells.title, "Wells");
    EXPECT_EQ(wells.fill, (wms::Rgba{0, 0, 0xff, 0xff}));
    EXPECT_FALSE(wells.stroke);
    EXPECT_EQ(wells.point_size, 8.5);
    EXPECT_FALSE(wells.applies_at(999));
    EXPECT_TRUE(wells.applies_at(1000));
    // The group still names the layer after the rules' tables.
    EXPECT_EQ(config->groups.at("survey"), (std::set<std::string>{"ortho", "dem"}));
}

TEST_F(ConfigTest, FileChecksFindUnreadableLayersAndExposedKeys) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("wmsgate-config-files-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::string text = valid;
    text.replace(text.find("/tmp/state"), 10, dir.string());
    text.replace(text.find("/srv/ortho.tif"), 14, (dir / "ortho.tif").string());
    text.replace(text.find("/srv/dem.tif"), 12, "/vsicurl/http://192.0.2.1/dem.tif");
    write(text);

    EXPECT_TRUE(load_config(file_, FileChecks::skip));
    auto missing = load_config(file_, FileChecks::verify);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message.rfind(file_.string() + ":19: layer.source: cannot read", 0),
              0u)
        << missing.error().message;

    std::ofstream(dir / "ortho.tif") << "x";
    EXPECT_TRUE(load_config(file_, FileChecks::verify));  // the /vsicurl/ source is not checked

    std::ofstream(dir / "server.key") << "key\n";
    std::filesystem::permissions(dir / "server.key", std::filesystem::perms::owner_read |
                                                         std::filesystem::perms::owner_write |
                                                         std::filesystem::perms::others_read);
    auto exposed = load_config(file_, FileChecks::verify);
    ASSERT_FALSE(exposed);
    // No line: the key is a file of the state directory, not a line of the config.
    EXPECT_EQ(exposed.error().message, file_.string() + ": daemon.state_dir: the server key " +
                                           (dir / "server.key").string() +
                                           " is readable by group or others; chmod 600 it");
    std::filesystem::remove_all(dir);
}

TEST_F(ConfigTest, MissingFileIsAClearError) {
    auto config = load_config("/nonexistent/wmsgate.toml");
    ASSERT_FALSE(config);
    EXPECT_EQ(
        config.error().message.rfind("/nonexistent/wmsgate.toml: cannot read the config file", 0),
        0u)
        << config.error().message;
}

TEST_F(ConfigTest, MissingInterfaceSection) {
    auto config = load_config(write("[wms]\nport = 8080\n"));
    ASSERT_FALSE(config);
    // No line: the section is nowhere in the file.
    EXPECT_EQ(config.error().message,
              file_.string() + ": [interface]: required section is missing");
}

}  // namespace
}  // namespace wmsgate::daemon
