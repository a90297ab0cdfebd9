#include <gtest/gtest.h>
#include <ogr_spatialref.h>

#include "tests/wms/vector_datasets.hpp"
#include "wms/handler.hpp"

namespace wmsgate::wms::test {
namespace {

constexpr Rgba green{0, 200, 0, 255};
constexpr Rgba blue{0, 0, 255, 255};
constexpr Rgba red{255, 0, 0, 255};

// Handlers over VectorDatasets (and TestDatasets' rasters) with the layers
// a test gives; maps of -60..60 at one degree per pixel.
class VectorTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        vectors_ = new VectorDatasets;
        rasters_ = new TestDatasets;
    }
    static void TearDownTestSuite() {
        delete vectors_;
        delete rasters_;
    }

    void serve(std::vector<LayerConfig> layers) {
        ServiceConfig service;
        service.layers = std::move(layers);
        auto catalog = LayerCatalog::open(service.layers);
        ASSERT_TRUE(catalog) << catalog.error().subject << ": " << catalog.error().code.message();
        ClientView view{"tester", {}};
        for (const auto& layer : service.layers) view.layers.insert(layer.name);
        view_ = view;
        handler_ = std::make_unique<Handler>(service, std::move(*catalog));
    }

    DecodedImage map(const std::string& layers, const std::string& extra = "") {
        const auto response =
            handler_->handle("/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=" + layers +
                                 "&STYLES=&SRS=EPSG:4326&BBOX=-60,-60,60,60&WIDTH=120&HEIGHT=120"
                                 "&FORMAT=image/png" +
                                 extra,
                             view_);
        EXPECT_EQ(response.content_type, "image/png") << response.body;
        return decode_png(response.body);
    }

    // The colour at (lon, lat) of a map made by map().
    static Rgba at(const DecodedImage& image, double lon, double lat) {
        const int x = static_cast<int>(lon + 60), y = static_cast<int>(60 - lat);
        return {image.at(x, y, 0), image.at(x, y, 1), image.at(x, y, 2),
                image.bands == 4 ? image.at(x, y, 3) : std::uint8_t{255}};
    }

    Response info(const std::string& layer, int i, int j, const std::string& format,
                  unsigned count = 10) {
        return handler_->handle(
            "/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetFeatureInfo&LAYERS=" + layer +
                "&QUERY_LAYERS=" + layer +
                "&STYLES=&SRS=EPSG:4326&BBOX=-60,-60,60,60&WIDTH=120&HEIGHT=120"
                "&FORMAT=image/png&X=" +
                std::to_string(i) + "&Y=" + std::to_string(j) + "&INFO_FORMAT=" + format +
                "&FEATURE_COUNT=" + std::to_string(count),
            view_);
    }

    static inline VectorDatasets* vectors_ = nullptr;
    static inline TestDatasets* rasters_ = nullptr;
    std::unique_ptr<Handler> handler_;
    ClientView view_;
};

const Rgba white{255, 255, 255, 255};

TEST_F(VectorTest, FirstMatchingRuleWinsAndUnmatchedFeaturesAreNotDrawn) {
    auto parcels = vectors_->layer("parcels", "parcels");
    parcels.rules = {rule("class = 'forest'", green), rule("area >= 100 AND area < 250", blue)};
    serve({parcels});
    const auto image = map("parcels");
    EXPECT_EQ(at(image, 5, 5), green);    // forest matches both: the first wins
    EXPECT_EQ(at(image, -35, 5), blue);   // field, area 200: the range
    EXPECT_EQ(at(image, 5, 25), blue);    // other, area 100.5
    EXPECT_EQ(at(image, 22, 2), white);   // water, area 300: no rule
    EXPECT_EQ(at(image, -25, 5), white);  // between the field's two parts
}

TEST_F(VectorTest, PolygonHolesStayOpenAndMultiPolygonsDrawEveryPart) {
    auto parcels = vectors_->layer("parcels", "parcels");
    parcels.rules = {rule("", red)};
    serve({parcels});
    const auto image = map("parcels");
    EXPECT_EQ(at(image, 22, 2), red);     // the ring around the hole
    EXPECT_EQ(at(image, 30, 10), white);  // the hole
    EXPECT_EQ(at(image, -35, 5), red);
    EXPECT_EQ(at(image, -15, 5), red);
}

TEST_F(VectorTest, LinesAndPointsAreStrokedAndDiscsOfTheirSize) {
    auto roads = vectors_->layer("roads", "roads");
    roads.rules = {rule("", red, false)};
    roads.rules[0].stroke_width = 3;
    auto wells = vectors_->layer("wells", "wells");
    wells.rules = {rule("", blue)};
    wells.rules[0].point_size = 5;
    serve({roads, wells});
    const auto image = map("roads,wells");
    // The line runs between rows 79 and 80; 3 px wide, it covers both
    // wholly and half of the rows beyond.
    EXPECT_EQ(at(image, 0, -20), red);
    EXPECT_EQ(at(image, 0, -19), red);
    EXPECT_NE(at(image, 0, -21), red);
    EXPECT_NE(at(image, 0, -21), white);
    EXPECT_EQ(at(image, 0, -23), white);
    for (const double lon : {5.0, 20.0, 30.0}) {  // the point and both of the multipoint
        EXPECT_EQ(at(image, lon, -40), blue) << lon;
        EXPECT_EQ(at(image, lon + 1, -40), blue) << lon;
        EXPECT_EQ(at(image, lon + 4, -40), white) << lon;
    }
}

TEST_F(VectorTest, ALayerWithoutRulesGetsTheDefaultStyle) {
    serve({vectors_->layer("parcels", "parcels")});
    const auto image = map("parcels");
    EXPECT_NE(at(image, 5, 5), white);
    EXPECT_EQ(at(image, 30, 10), white);
}

TEST_F(VectorTest, ScaleRangesChooseTheRule) {
    auto parcels = vectors_->layer("parcels", "parcels");
    // One degree per pixel is a scale of about 1:397,569,610.
    parcels.rules = {rule("", green), rule("", blue)};
    parcels.rules[0].max_scale = 1e8;
    parcels.rules[1].min_scale = 1e8;
    serve({parcels});
    EXPECT_EQ(at(map("parcels"), 5, 5), blue);
    // Zoomed in to 0.01 degree per pixel: the first rule applies.
    const auto zoomed = handler_->handle(
        "/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=parcels&STYLES=&SRS=EPSG:4326"
        "&BBOX=4,4,5,5&WIDTH=100&HEIGHT=100&FORMAT=image/png",
        view_);
    const auto image = decode_png(zoomed.body);
    EXPECT_EQ(image.at(50, 50, 1), 200);
}

TEST_F(VectorTest, ReprojectsToTheMapCrs) {
    auto parcels = vectors_->layer("parcels", "parcels");
    parcels.rules = {rule("", red)};
    serve({parcels});
    // Web Mercator: lon 0..10 is x 0..1113195 m; lat 0..10 is y 0..1118890 m.
    const auto response = handler_->handle(
        "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=parcels&STYLES=&CRS=EPSG:3857"
        "&BBOX=-2000000,-2000000,2000000,2000000&WIDTH=400&HEIGHT=400&FORMAT=image/png",
        view_);
    const auto image = decode_png(response.body);
    // 10,000 m per pixel: the forest square spans pixels 200..311 across and
    // 88..199 down (y 1118890 m is row 200 - 111.9).
    EXPECT_EQ(image.at(205, 195, 0), 255);
    EXPECT_EQ(image.at(205, 195, 1), 0);
    EXPECT_EQ(image.at(309, 90, 1), 0);
    EXPECT_EQ(image.at(205, 86, 1), 255);  // above 10 degrees north
    EXPECT_EQ(image.at(314, 195, 1), 255);
}

TEST_F(VectorTest, AFarBboxIsCutToTheCrsReachBeforeReprojecting) {
    auto parcels = vectors_->layer("parcels", "parcels");
    parcels.rules = {rule("", red)};
    serve({parcels});
    const auto mercator = [&](const std::string& bbox, const std::string& size) {
        return handler_->handle(
            "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=parcels&STYLES=&CRS=EPSG:3857"
            "&BBOX=" +
                bbox + "&" + size + "&FORMAT=image/png&TRANSPARENT=TRUE",
            view_);
    };
    // Pixels 2e6 m wide reaching 2e8 m west: the last one still holds the
    // forest square (x and y 0..1.1e6 m).
    const auto cut = mercator("-2.0e8,-2000000,2000000,2000000", "WIDTH=101&HEIGHT=2");
    ASSERT_EQ(cut.status, 200u) << cut.body;
    const auto drawn = decode_png(cut.body);
    EXPECT_GT(drawn.at(100, 0, 3), 0);
    EXPECT_EQ(drawn.at(100, 0, 0), 255);
    EXPECT_EQ(drawn.at(100, 1, 3), 0);
    // A west edge PROJ would take minutes to bring into range: the map
    // answers, every parcel a speck of 1e-10 pixel that leaves no trace.
    const auto far = mercator("-29999999999e7,-2000000,2000000,2000000", "WIDTH=20&HEIGHT=2");
    ASSERT_EQ(far.status, 200u) << far.body;
    const auto squeezed = decode_png(far.body);
    ASSERT_EQ(squeezed.bands, 4);
    for (int x = 0; x < 20; ++x) EXPECT_EQ(squeezed.at(x, 0, 3), 0) << "pixel " << x;
}

TEST_F(VectorTest, LayersCompositeInLayersOrderWithRasters) {
    auto parcels = vectors_->layer("parcels", "parcels");
    parcels.rules = {rule("", red)};
    serve({parcels, layer("world", "World", rasters_->world())});
    // The world raster covers everything: on top it hides the parcels.
    const auto vector_on_top = map("world,parcels");
    const auto raster_on_top = map("parcels,world");
    EXPECT_EQ(at(vector_on_top, 5, 5), red);
    EXPECT_NE(at(raster_on_top, 5, 5), red);
    EXPECT_EQ(at(raster_on_top, 5, 5), at(map("world"), 5, 5));
}

TEST_F(VectorTest, TransparentMapsStayClearOutsideTheFeatures) {
    auto parcels = vectors_->layer("parcels", "parcels");
    parcels.rules = {rule("", Rgba{255, 0, 0, 128})};
    serve({parcels});
    const auto image = map("parcels", "&TRANSPARENT=TRUE");
    ASSERT_EQ(image.bands, 4);
    EXPECT_EQ(at(image, 30, 10).a, 0);
    const Rgba half = at(image, 5, 5);
    EXPECT_EQ(half.r, 255);  // straight alpha: the colour itself, half covering
    EXPECT_NEAR(half.a, 128, 1);
}

TEST_F(VectorTest, FeatureInfoReturnsTheFeaturesUnderThePointWithTheirFields) {
    auto parcels = vectors_->layer("parcels", "parcels");
    // "fid" is the GeoPackage's primary key: OGR's FID, not a field.
    parcels.fields = {"class", "id", "fid"};
    serve({parcels});
    const auto json = info("parcels", 65, 55, "application/json");
    EXPECT_EQ(json.content_type, "application/json");
    EXPECT_NE(json.body.find("\"properties\":{\"class\":\"forest\",\"id\":1,\"fid\":1}"),
              std::string::npos)
        << json.body;
    EXPECT_EQ(json.body.find("area"), std::string::npos);  // not in fields
    const auto text = info("parcels", 65, 55, "text/plain");
    EXPECT_NE(text.body.find("class = forest"), std::string::npos) << text.body;
    const auto html = info("parcels", 65, 55, "text/html");
    EXPECT_NE(html.body.find("<th>class</th><td>forest</td>"), std::string::npos) << html.body;
    const auto xml = info("parcels", 65, 55, "text/xml");
    EXPECT_NE(xml.body.find("<Attribute name=\"class\">forest</Attribute>"), std::string::npos)
        << xml.body;
    // In the hole: nothing.
    const auto hole = info("parcels", 90, 50, "application/json");
    EXPECT_EQ(hole.body.find("water"), std::string::npos) << hole.body;
}

TEST_F(VectorTest, FeatureInfoHasAPixelToleranceAndAllFieldsByDefault) {
    serve({vectors_->layer("roads", "roads"), vectors_->layer("wells", "wells")});
    // Two pixels from the road's centre line: within the tolerance.
    const auto near = info("roads", 60, 82, "application/json");
    EXPECT_NE(near.body.find("\"id\":1,\"name\":\"Main\""), std::string::npos) << near.body;
    const auto far = info("roads", 60, 90, "application/json");
    EXPECT_EQ(far.body.find("Main"), std::string::npos) << far.body;
    const auto two = info("wells", 80, 100, "application/json");
    EXPECT_NE(two.body.find("\"depth\":40"), std::string::npos) << two.body;
}

TEST_F(VectorTest, FeatureCountBoundsTheFeatures) {
    serve({vectors_->layer("parcels", "parcels")});
    // 30 degrees per pixel: every parcel lies within the click's tolerance.
    const auto one = handler_->handle(
        "/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetFeatureInfo&LAYERS=parcels&QUERY_LAYERS=parcels"
        "&STYLES=&SRS=EPSG:4326&BBOX=-60,-60,60,60&WIDTH=4&HEIGHT=4&FORMAT=image/png&X=2&Y=1"
        "&INFO_FORMAT=text/plain&FEATURE_COUNT=1",
        view_);
    const auto all = handler_->handle(
        "/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetFeatureInfo&LAYERS=parcels&QUERY_LAYERS=parcels"
        "&STYLES=&SRS=EPSG:4326&BBOX=-60,-60,60,60&WIDTH=4&HEIGHT=4&FORMAT=image/png&X=2&Y=1"
        "&INFO_FORMAT=text/plain&FEATURE_COUNT=10",
        view_);
    const auto count = [](const std::string& body) {
        std::size_t n = 0;
        for (auto at = body.find("Feature "); at != std::string::npos;
             at = body.find("Feature ", at + 1))
            ++n;
        return n;
    };
    EXPECT_EQ(count(one.body), 1u) << one.body;
    EXPECT_EQ(count(all.body), 4u) << all.body;
}

TEST_F(VectorTest, CapabilitiesListTheExtentQueryableAndTheDefaultStyle) {
    auto parcels = vectors_->layer("parcels", "parcels");
    parcels.rules = {rule("class = 'forest'", green), rule("", blue)};
    serve({parcels});
    const auto caps =
        handler_->handle("/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities", view_);
    const auto& xml = caps.body;
    EXPECT_NE(xml.find("<Layer queryable=\"1\"><Name>parcels</Name>"), std::string::npos);
    EXPECT_NE(xml.find("<westBoundLongitude>-40</westBoundLongitude>"
                       "<eastBoundLongitude>40</eastBoundLongitude>"
                       "<southBoundLatitude>0</southBoundLatitude>"
                       "<northBoundLatitude>30</northBoundLatitude>"),
              std::string::npos)
        << xml;
    // One legend row of 20 pixels per rule.
    EXPECT_NE(xml.find("<Style><Name>default</Name><Title>default</Title><LegendURL width=\""),
              std::string::npos);
    EXPECT_NE(xml.find("height=\"40\">"), std::string::npos);
    const auto legend = handler_->handle(
        "/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetLegendGraphic&LAYER=parcels&FORMAT=image/png",
        view_);
    const auto image = decode_png(legend.body);
    EXPECT_EQ(image.height, 40);
    EXPECT_EQ(image.at(10, 10, 1), 200);  // the first rule's box, then the second's
    EXPECT_EQ(image.at(10, 30, 2), 255);
    EXPECT_EQ(image.at(10, 30, 1), 0);
}

TEST_F(VectorTest, OpeningRefusesBadLayersFiltersAndFieldsNamingThem) {
    const auto refused = [](LayerConfig config) {
        const auto catalog = LayerCatalog::open({config});
        EXPECT_FALSE(catalog);
        return catalog ? std::string()
                       : catalog.error().subject + ": " + catalog.error().code.message();
    };
    auto missing = vectors_->layer("x", "parcel");
    EXPECT_NE(
        refused(missing).find("no layer 'parcel' in the source; it has: parcels, roads, wells"),
        std::string::npos);
    auto bad_filter = vectors_->layer("x", "parcels");
    bad_filter.rules = {rule("class = 'forest'", green), rule("colour = 'red'", blue)};
    const auto filter_error = refused(bad_filter);
    EXPECT_NE(filter_error.find("rule 2 filter \"colour = 'red'\""), std::string::npos)
        << filter_error;
    auto bad_field = vectors_->layer("x", "parcels");
    bad_field.fields = {"id", "owner"};
    EXPECT_NE(
        refused(bad_field).find("field 'owner' in fields; the layer's fields are: id, class, area"),
        std::string::npos);
}

TEST_F(VectorTest, ASourceWithoutSpatialIndexIsReported) {
    auto indexed = vectors_->layer("indexed", "parcels");
    auto plain = vectors_->layer("plain", "parcels");
    plain.source = vectors_->geojson();
    const auto catalog = LayerCatalog::open({indexed, plain});
    ASSERT_TRUE(catalog) << catalog.error().subject;
    ASSERT_EQ(catalog->warnings().size(), 1u);
    EXPECT_NE(catalog->warnings()[0].find("layer 'plain'"), std::string::npos);
    EXPECT_NE(catalog->warnings()[0].find("no spatial index"), std::string::npos);
}

}  // namespace
}  // namespace wmsgate::wms::test
