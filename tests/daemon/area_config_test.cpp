// [[group]] area and [[group.limit]]: parsing, and area files read as the
// daemon reads them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <regex>

#include "daemon/config.hpp"
#include "daemon/daemon_config.hpp"
#include "daemon/live_policy.hpp"

namespace wmsgate::daemon {
namespace {

class AreaConfig : public ::testing::Test {
  protected:
    void SetUp() override {
        std::filesystem::create_directories(dir_);
        std::ofstream(dir_ / "ortho.tif") << "x";  // only checked for being readable
        std::ofstream(dir_ / "dem.tif") << "x";
        geojson("d7.geojson", R"({"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,0]]]})");
        geojson("road.geojson",
                R"({"type":"Polygon","coordinates":[[[20,0],[30,0],[30,1],[20,0]]]})");
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    void geojson(const std::string& name, const std::string& geometry) {
        std::ofstream(dir_ / name)
            << R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{},)"
            << R"("geometry":)" << geometry << "}]}";
    }
    std::string path(const std::string& name) const { return (dir_ / name).string(); }

    // A config whose [[group]] tables end with `groups`.
    std::filesystem::path write(const std::string& groups) {
        const auto file = dir_ / "wmsgate.toml";
        std::ofstream(file) << "[daemon]\nstate_dir = \"" << (dir_ / "state").string()
                            << "\"\n[interface]\naddress = [\"10.77.0.1/24\"]\n"
                               "endpoint = \"192.0.2.1:51820\"\n"
                               "[[layer]]\nname = \"ortho\"\nsource = \""
                            << path("ortho.tif") << "\"\n[[layer]]\nname = \"dem\"\nsource = \""
                            << path("dem.tif") << "\"\n"
                            << groups;
        return file;
    }

    std::filesystem::path dir_ = std::filesystem::temp_directory_path() /
                                 ("wmsgate-area-config-" + std::to_string(::getpid()));
};

TEST_F(AreaConfig, GroupAreaAndPerLayerLimits) {
    const auto file =
        write("[[group]]\nname = \"d7\"\nlayers = [\"ortho\", \"dem\"]\narea = \"" +
              path("d7.geojson") + "\"\n[[group.limit]]\nlayer = \"dem\"\narea = \"" +
              path("road.geojson") + "\"\n[[group]]\nname = \"all\"\nlayers = [\"ortho\"]\n");
    auto config = load_daemon_config(file);
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->group_areas.at("d7").at("ortho"), path("d7.geojson"));
    EXPECT_EQ(config->group_areas.at("d7").at("dem"), path("road.geojson"));
    EXPECT_FALSE(config->group_areas.contains("all"));
    ASSERT_EQ(config->areas.size(), 2u);
    ASSERT_TRUE(config->areas.at(path("d7.geojson")));
    EXPECT_EQ(config->areas.at(path("d7.geojson"))->vertices(), 3u);

    // wmsgatectl's reading names the files without opening them.
    auto light = load_config(file);
    ASSERT_TRUE(light) << light.error().message;
    EXPECT_FALSE(light->areas.at(path("d7.geojson")));
    EXPECT_EQ(light->group_areas, config->group_areas);
}

TEST_F(AreaConfig, BadAreaFilesAreRefusedWithFileLineAndReason) {
    geojson("line.geojson", R"({"type":"LineString","coordinates":[[0,0],[1,1]]})");
    const auto file = write("[[group]]\nname = \"d7\"\nlayers = [\"ortho\"]\n\narea = \"" +
                            path("line.geojson") + "\"\n");
    auto config = load_daemon_config(file);
    ASSERT_FALSE(config);
    const auto& message = config.error().message;
    EXPECT_NE(message.find(file.string() + ":16: group.area: " + path("line.geojson")),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("is a Line String, not a polygon"), std::string::npos) << message;

    const auto missing = write(
        "[[group]]\nname = \"d7\"\nlayers = [\"ortho\"]\n"
        "[[group.limit]]\nlayer = \"ortho\"\narea = \"" +
        path("nope.gpkg") + "\"\n");
    config = load_daemon_config(missing);
    ASSERT_FALSE(config);
    EXPECT_NE(config.error().message.find(":17: group.limit.area: cannot open \"" +
                                          path("nope.gpkg") + "\""),
              std::string::npos)
        << config.error().message;
}

TEST_F(AreaConfig, LimitsMustNameTheGroupsLayersOnce) {
    const std::string head = "[[group]]\nname = \"d7\"\nlayers = [\"ortho\"]\n";
    const std::string limit =
        "[[group.limit]]\nlayer = \"LAYER\"\narea = \"" + path("d7.geojson") + "\"\n";
    const auto with = [&](const std::string& layer) {
        return std::regex_replace(limit, std::regex("LAYER"), layer);
    };
    auto config = load_config(write(head + with("dem")));
    ASSERT_FALSE(config);
    EXPECT_NE(config.error().message.find(
                  ":16: group.limit.layer: \"dem\" is not among group \"d7\"'s layers"),
              std::string::npos)
        << config.error().message;
    config = load_config(write(head + with("ortho") + with("ortho")));
    ASSERT_FALSE(config);
    EXPECT_NE(config.error().message.find("limited twice"), std::string::npos);
    config = load_config(write(head + with("ortho") + "colour = \"red\"\n"));
    ASSERT_FALSE(config);
    EXPECT_NE(config.error().message.find("group.limit.colour: unknown key"), std::string::npos)
        << config.error().message;
    config = load_config(write(head + "limit = 3\n"));
    ASSERT_FALSE(config);
    EXPECT_NE(config.error().message.find("group.limit: expected [[group.limit]] tables"),
              std::string::npos);
}

// What the WMS is handed: each limited layer with the union of the peer's
// areas for it, and nothing at all for a layer whose area is missing.
TEST(LivePolicyAreas, ViewsCarryTheUnionOfTheGroupsAreas) {
    const auto square = [](double x0, double x1) {
        const auto x = [](double v) { return std::to_string(v); };
        return *wms::Area::from_wkt("POLYGON((" + x(x0) + " 0," + x(x1) + " 0," + x(x1) + " 10," +
                                        x(x0) + " 10," + x(x0) + " 0))",
                                    4326);
    };
    const provisioning::GroupLayers groups{{"a", {"ortho", "dem"}}, {"b", {"ortho"}}};
    const provisioning::GroupAreas group_areas{{"a", {{"ortho", "a"}, {"dem", "lost"}}},
                                               {"b", {{"ortho", "b"}}}};
    provisioning::Peer peer;
    peer.name = "p";
    peer.ipv4 = boost::asio::ip::make_address_v4("10.77.0.2");
    peer.groups = {"a", "b"};
    LivePolicy policy;
    policy.replace_areas(std::make_shared<const AreaBook>(
        AreaBook::Areas{{"a", square(0, 10)}, {"b", square(20, 30)}}));
    policy.replace(std::make_shared<const provisioning::PolicySnapshot>(std::vector{peer}, groups,
                                                                        group_areas));
    const auto view = policy.view_for(boost::asio::ip::make_address("10.77.0.2"));
    ASSERT_TRUE(view);
    EXPECT_EQ(view->layers, (std::set<std::string>{"ortho"}));  // dem's area is missing
    ASSERT_TRUE(view->area_of("ortho"));
    const auto mask = view->area_of("ortho")->mask(4326, {0, 0, 30, 10}, 30, 10);
    std::size_t inside = 0;
    for (const auto b : mask.inside) inside += b;
    EXPECT_EQ(inside, 200u);  // 0..10 and 20..30, not 10..20
    EXPECT_EQ(view->area_of("ortho"),
              policy.view_for(boost::asio::ip::make_address("10.77.0.2"))->area_of("ortho"))
        << "the union is formed once";
}

}  // namespace
}  // namespace wmsgate::daemon
