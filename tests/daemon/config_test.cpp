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
    std::string expected_message;  // the error must contain this
};

class BadConfigTest : public ConfigTest, public ::testing::WithParamInterface<BadCase> {};

TEST_P(BadConfigTest, NamesLineKeyAndExpectation) {
    const auto& c = GetParam();
    std::string text = valid;
    const auto at = text.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    text.replace(at, c.from.size(), c.to);
    auto config = load_config(write(text));
    ASSERT_FALSE(config) << c.what;
    EXPECT_NE(config.error().message.find(file_.string()), std::string::npos)
        << config.error().message;
    EXPECT_NE(config.error().message.find(c.expected_message), std::string::npos)
        << c.what << ": " << config.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadConfigTest,
    ::testing::Values(
        BadCase{"port as string", "listen_port = 51999", "listen_port = \"51999\"",
                ":7: interface.listen_port: expected an integer"},
        BadCase{"port out of range", "port = 8081", "port = 70000",
                "wms.port: expected an integer from 1 to 65535"},
        BadCase{"unknown key", "title = \"Test maps\"", "titel = \"Test maps\"",
                ":14: wms.titel: unknown key"},
        BadCase{"unknown section", "[wms]", "[wmss]", "wmss: unknown section"},
        BadCase{"bad address", "\"10.77.0.1/24\"", "\"10.77.0.300/24\"",
                "interface.address: \"10.77.0.300/24\" is not an address"},
        BadCase{"no IPv4 address", "\"10.77.0.1/24\", ", "", "expected at least one IPv4 address"},
        BadCase{"missing endpoint", "endpoint = \"192.0.2.1:51999\"", "",
                "interface.endpoint: required key is missing"},
        BadCase{"bad backend", "backend = \"uapi\"", "backend = \"bpf\"",
                "expected auto, kernel or uapi"},
        BadCase{"group names missing layer", "layers = [\"ortho\", \"dem\"]",
                "layers = [\"ortho\", \"lidar\"]", "no [[layer]] is named \"lidar\""},
        // The registry's name rule: a group it could never grant is refused here.
        BadCase{"group name starting with a dot", "name = \"survey\"", "name = \".survey\"",
                ":26: group.name: expected 1 to 64 of letters"},
        BadCase{"layer name starting with a dash", "name = \"dem\"", "name = \"-dem\"",
                ":22: layer.name: expected 1 to 64 of letters"},
        BadCase{"duplicate layer", "name = \"dem\"", "name = \"ortho\"",
                "layer \"ortho\" is defined twice"},
        BadCase{"layer without source", "source = \"/srv/dem.tif\"", "",
                "layer.source: required key is missing"},
        BadCase{"syntax error", "[wms]", "[wms", ":12:"},
        BadCase{"line break in a value", "title = \"Test maps\"", "title = \"Test\\nmaps\"",
                "wms.title: expected a string without line breaks"},
        BadCase{"relative state_dir", "state_dir = \"/tmp/state\"", "state_dir = \"state\"",
                "daemon.state_dir: expected an absolute path"},
        BadCase{"overlapping prefixes", "\"fd77::1/64\"", "\"10.77.0.9/16\"",
                "10.77.0.9/16 overlaps 10.77.0.1/24"},
        BadCase{"endpoint without port", "endpoint = \"192.0.2.1:51999\"",
                "endpoint = \"192.0.2.1\"", "interface.endpoint: expected host:port"},
        BadCase{"unknown style", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\nstyle = \"rainbow\"",
                "layer.style: expected grey, elevation or viridis"},
        BadCase{"unknown resampling", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\nresampling = \"lanczos\"",
                ":24: layer.resampling: expected nearest, bilinear or cubic"},
        BadCase{"min not below max", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\nmin = 10\nmax = 5",
                "layer.max: expected max greater than min"},
        BadCase{"min nan", "source = \"/srv/dem.tif\"", "source = \"/srv/dem.tif\"\nmin = nan",
                ":24: layer.min: expected a finite number"},
        BadCase{"max inf", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\nmin = 0\nmax = inf",
                ":25: layer.max: expected a finite number"},
        BadCase{"min minus inf", "source = \"/srv/dem.tif\"",
                "source = \"/srv/dem.tif\"\nmin = -inf",
                ":24: layer.min: expected a finite number"},
        BadCase{"unknown contact key", "title = \"Test maps\"",
                "title = \"Test maps\"\n[wms.contact]\nmail = \"x@example.org\"",
                "wms.contact.mail: unknown key"},
        BadCase{"endpoint port out of range", "endpoint = \"192.0.2.1:51999\"",
                "endpoint = \"maps.example.org:70000\"", "interface.endpoint: expected host:port"},
        BadCase{"metrics group not defined", "layers = [\"ortho\", \"dem\"]\n",
                "layers = [\"ortho\", \"dem\"]\n[metrics]\ngroup = \"ops\"\n",
                ":29: metrics.group: no [[group]] is named \"ops\""},
        BadCase{"unknown metrics key", "layers = [\"ortho\", \"dem\"]\n",
                "layers = [\"ortho\", \"dem\"]\n[metrics]\ngroups = \"survey\"\n",
                "metrics.groups: unknown key"}),
    [](const ::testing::TestParamInfo<BadCase>& info) {
        std::string name = info.param.what;
        for (auto& c : name)
            if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
        return name;
    });

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
    EXPECT_NE(missing.error().message.find(":19: layer.source: cannot read"), std::string::npos)
        << missing.error().message;

    std::ofstream(dir / "ortho.tif") << "x";
    EXPECT_TRUE(load_config(file_, FileChecks::verify));  // the /vsicurl/ source is not checked

    std::ofstream(dir / "server.key") << "key\n";
    std::filesystem::permissions(dir / "server.key", std::filesystem::perms::owner_read |
                                                         std::filesystem::perms::owner_write |
                                                         std::filesystem::perms::others_read);
    auto exposed = load_config(file_, FileChecks::verify);
    ASSERT_FALSE(exposed);
    EXPECT_NE(exposed.error().message.find("is readable by group or others; chmod 600 it"),
              std::string::npos)
        << exposed.error().message;
    std::filesystem::remove_all(dir);
}

TEST_F(ConfigTest, MissingFileIsAClearError) {
    auto config = load_config("/nonexistent/wmsgate.toml");
    ASSERT_FALSE(config);
    EXPECT_NE(config.error().message.find("/nonexistent/wmsgate.toml"), std::string::npos);
}

TEST_F(ConfigTest, MissingInterfaceSection) {
    auto config = load_config(write("[wms]\nport = 8080\n"));
    ASSERT_FALSE(config);
    EXPECT_NE(config.error().message.find("[interface]: required section is missing"),
              std::string::npos);
}

}  // namespace
}  // namespace wmsgate::daemon
