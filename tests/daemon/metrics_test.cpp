#include "daemon/metrics.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace wmsgate::daemon {
namespace {

wms::AccessRecord answered(std::string request, std::vector<std::string> layers, unsigned status,
                           std::size_t bytes, std::chrono::microseconds render_time) {
    wms::AccessRecord record;
    record.remote = "10.77.0.2";
    record.client = "alice";
    record.request = std::move(request);
    record.layers = std::move(layers);
    record.status = status;
    record.bytes = bytes;
    record.render_time = render_time;
    return record;
}

// The value of the sample line that starts with `series` followed by a space.
std::string sample(const std::string& text, const std::string& series) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind(series + " ", 0) == 0) return line.substr(series.size() + 1);
    }
    return "<absent>";
}

TEST(MetricsTest, CountsRequestsByLayerOperationAndStatus) {
    Metrics metrics;
    using std::chrono::microseconds;
    metrics.record(answered("GetMap", {"ortho", "dem"}, 200, 1000, microseconds(3000)));
    metrics.record(answered("getmap", {"ortho"}, 200, 500, microseconds(20000)));
    metrics.record(answered("GetCapabilities", {}, 200, 4000, microseconds(700)));
    metrics.record(answered("GetMap", {}, 200, 300, microseconds(800)));  // LayerNotDefined
    metrics.record(answered("/metrics", {}, 200, 900, microseconds(0)));  // a page, not rendered
    metrics.record(answered("DropTables", {}, 200, 100, microseconds(100)));
    wms::AccessRecord refused;
    refused.request = "connect";
    refused.delivery = wms::Delivery::refused;
    metrics.record(refused);

    const auto text = metrics.exposition({5, 2}, {}, {"ortho", "dem"});
    EXPECT_EQ(
        sample(text, R"(wmsgate_requests_total{layer="ortho",request="GetMap",status="200"})"),
        "2");
    EXPECT_EQ(sample(text, R"(wmsgate_requests_total{layer="dem",request="GetMap",status="200"})"),
              "1");
    EXPECT_EQ(
        sample(text, R"(wmsgate_requests_total{layer="",request="GetCapabilities",status="200"})"),
        "1");
    EXPECT_EQ(sample(text, R"(wmsgate_requests_total{layer="",request="GetMap",status="200"})"),
              "1");
    // Whatever a client writes in REQUEST, the label set stays closed.
    EXPECT_EQ(sample(text, R"(wmsgate_requests_total{layer="",request="other",status="200"})"),
              "2");
    EXPECT_EQ(text.find("DropTables"), std::string::npos);
    EXPECT_EQ(sample(text, "wmsgate_sent_bytes_total"), "6800");
    EXPECT_EQ(sample(text, "wmsgate_refused_connections_total"), "1");
    EXPECT_EQ(sample(text, "wmsgate_peers"), "5");
    EXPECT_EQ(sample(text, "wmsgate_peers_recent_handshake"), "2");
    EXPECT_EQ(metrics.requests(), 6u);
}

// A scraper sees series only for the layers it may see: the others do not
// exist for it, here as in GetCapabilities.
TEST(MetricsTest, SeriesNameOnlyTheLayersTheScraperMaySee) {
    Metrics metrics;
    using std::chrono::microseconds;
    metrics.record(answered("GetMap", {"ortho", "secret"}, 200, 10, microseconds(100)));
    metrics.record(answered("GetMap", {"secret"}, 200, 10, microseconds(100)));
    metrics.record(answered("GetCapabilities", {}, 200, 10, microseconds(100)));
    const auto text = metrics.exposition({}, {}, {"ortho"});
    EXPECT_EQ(text.find("secret"), std::string::npos) << text;
    EXPECT_EQ(
        sample(text, R"(wmsgate_requests_total{layer="ortho",request="GetMap",status="200"})"),
        "1");
    EXPECT_EQ(
        sample(text, R"(wmsgate_requests_total{layer="",request="GetCapabilities",status="200"})"),
        "1");
    const auto all = metrics.exposition({}, {}, {"ortho", "secret"});
    EXPECT_EQ(
        sample(all, R"(wmsgate_requests_total{layer="secret",request="GetMap",status="200"})"),
        "2");
}

TEST(MetricsTest, RenderHistogramIsCumulativeWithInclusiveBounds) {
    Metrics metrics;
    using std::chrono::microseconds;
    metrics.record(answered("GetMap", {"a"}, 200, 1, microseconds(5000)));      // le 0.005
    metrics.record(answered("GetMap", {"a"}, 200, 1, microseconds(5001)));      // le 0.01
    metrics.record(answered("GetMap", {"a"}, 200, 1, microseconds(300000)));    // le 0.5
    metrics.record(answered("GetMap", {"a"}, 200, 1, microseconds(20000000)));  // only +Inf
    const auto text = metrics.exposition({}, {}, {"a"});
    EXPECT_EQ(sample(text, R"(wmsgate_render_seconds_bucket{le="0.005"})"), "1");
    EXPECT_EQ(sample(text, R"(wmsgate_render_seconds_bucket{le="0.01"})"), "2");
    EXPECT_EQ(sample(text, R"(wmsgate_render_seconds_bucket{le="0.25"})"), "2");
    EXPECT_EQ(sample(text, R"(wmsgate_render_seconds_bucket{le="0.5"})"), "3");
    EXPECT_EQ(sample(text, R"(wmsgate_render_seconds_bucket{le="10"})"), "3");
    EXPECT_EQ(sample(text, R"(wmsgate_render_seconds_bucket{le="+Inf"})"), "4");
    EXPECT_EQ(sample(text, "wmsgate_render_seconds_count"), "4");
    EXPECT_EQ(sample(text, "wmsgate_render_seconds_sum"), "20.31");
}

TEST(MetricsTest, EveryFamilyHasHelpAndType) {
    const auto text = Metrics{}.exposition({}, {}, {});
    for (const char* family :
         {"wmsgate_requests_total", "wmsgate_render_seconds", "wmsgate_sent_bytes_total",
          "wmsgate_refused_connections_total", "wmsgate_peers", "wmsgate_peers_recent_handshake"}) {
        EXPECT_NE(text.find(std::string("# HELP ") + family + " "), std::string::npos) << family;
        EXPECT_NE(text.find(std::string("# TYPE ") + family + " "), std::string::npos) << family;
    }
    EXPECT_EQ(text.back(), '\n');
}

TEST(MetricsTest, AFleetsRegistryShowsWhetherItCanBeReached) {
    EXPECT_EQ(Metrics{}.exposition({}, {}, {}).find("wmsgate_registry"), std::string::npos);
    RegistryHealth down;
    down.shared = true;
    down.reachable = false;
    down.since = std::chrono::system_clock::time_point(std::chrono::seconds(1800000000));
    down.resyncs = 3;
    const auto text = Metrics{}.exposition({}, down, {});
    EXPECT_EQ(sample(text, "wmsgate_registry_reachable"), "0");
    EXPECT_EQ(sample(text, "wmsgate_registry_state_since_seconds"), "1800000000");
    EXPECT_EQ(sample(text, "wmsgate_registry_resyncs_total"), "3");
    EXPECT_NE(text.find("# TYPE wmsgate_registry_reachable gauge"), std::string::npos);
    down.reachable = true;
    EXPECT_EQ(sample(Metrics{}.exposition({}, down, {}), "wmsgate_registry_reachable"), "1");
}

}  // namespace
}  // namespace wmsgate::daemon
