// A WMS request target ("/wms?SERVICE=WMS&..."), from the KVP parser through
// the request structs to the handler's answer, over an in-memory catalog:
// an RGB layer, a Float32 DEM holding NaN and ±inf, a vector layer of
// polygons, lines and points, and a layer the client may not see. The RGB
// and vector layers are limited to an area, so area masks and clipped
// features are drawn too. Whatever the request, the handler answers (no
// crash, no exception), and the hidden layer's name never appears in an
// answer.

#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

#include "wms/area.hpp"
#include "wms/handler.hpp"

namespace {

using namespace wmsgate::wms;

void write_raster(const char* path, int bands, GDALDataType type, bool odd_values) {
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDatasetUniquePtr dataset(gtiff->Create(path, 16, 8, bands, type, nullptr));
    if (!dataset) std::abort();
    double gt[6] = {-180, 22.5, 0, 90, 0, -22.5};
    dataset->SetGeoTransform(gt);
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    dataset->SetSpatialRef(&wgs84);
    float values[16 * 8];
    for (int i = 0; i < 16 * 8; ++i) values[i] = static_cast<float>(i * 3 % 255);
    if (odd_values) {
        values[5] = std::numeric_limits<float>::quiet_NaN();
        values[6] = std::numeric_limits<float>::infinity();
        values[7] = -std::numeric_limits<float>::infinity();
    }
    for (int b = 1; b <= bands; ++b) {
        if (dataset->GetRasterBand(b)->RasterIO(GF_Write, 0, 0, 16, 8, values, 16, 8, GDT_Float32,
                                                0, 0, nullptr) != CE_None)
            std::abort();
    }
}

// Features reaching the antimeridian and a pole: a polygon
// with a hole, a line, a point, and a feature without geometry.
constexpr const char* vector_features = R"({"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"kind":"field","value":1},"geometry":{"type":"Polygon",
 "coordinates":[[[-170,-80],[170,-80],[170,80],[-170,80],[-170,-80]],
                [[-10,-10],[10,-10],[10,10],[-10,10],[-10,-10]]]}},
{"type":"Feature","properties":{"kind":"road","value":2.5},"geometry":{"type":"LineString",
 "coordinates":[[-180,0],[0,45],[180,-90]]}},
{"type":"Feature","properties":{"kind":"well","value":null},"geometry":{"type":"Point",
 "coordinates":[12.5,41.9]}},
{"type":"Feature","properties":{"kind":"nothing"},"geometry":null}]})";

void write_vectors(const char* path) {
    VSILFILE* file = VSIFOpenL(path, "wb");
    if (file == nullptr) std::abort();
    const std::string_view text(vector_features);
    if (VSIFWriteL(text.data(), 1, text.size(), file) != text.size()) std::abort();
    VSIFCloseL(file);
}

LayerConfig layer(const char* name, const char* source, RampKind style) {
    LayerConfig config;
    config.name = name;
    config.title = name;
    config.source = source;
    config.default_style = style;
    return config;
}

std::unique_ptr<Handler> make_handler() {
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    write_raster("/vsimem/fuzz-rgb.tif", 3, GDT_Byte, false);
    write_raster("/vsimem/fuzz-dem.tif", 1, GDT_Float32, true);
    write_raster("/vsimem/fuzz-hidden.tif", 1, GDT_Byte, false);
    write_vectors("/vsimem/fuzz-features.geojson");
    ServiceConfig service;
    service.title = "fuzz";
    service.online_resource = "http://10.77.0.1:8080/wms";
    // Small maps: the fuzzer explores the parser, not the resampler's speed.
    service.max_width = 64;
    service.max_height = 64;
    LayerConfig features = layer("features", "/vsimem/fuzz-features.geojson", RampKind::grey);
    features.source_layer = "fuzz-features";
    VectorRule fields_only;
    fields_only.filter = "kind = 'field'";
    fields_only.fill = Rgba{0, 128, 0, 160};
    fields_only.stroke = Rgba{0, 0, 0, 255};
    features.rules = {fields_only, default_vector_rule()};
    service.layers = {layer("rgb", "/vsimem/fuzz-rgb.tif", RampKind::grey),
                      layer("dem", "/vsimem/fuzz-dem.tif", RampKind::elevation), features,
                      layer("hiddenlayer", "/vsimem/fuzz-hidden.tif", RampKind::viridis)};
    auto catalog = LayerCatalog::open(service.layers);
    if (!catalog) std::abort();
    return std::make_unique<Handler>(service, std::move(*catalog));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::unique_ptr<Handler> handler = make_handler();
    static const ClientView view = [] {
        // A triangle over the antimeridian's side of the world, in the CRS
        // clients use most.
        auto area = Area::from_wkt(
            "POLYGON ((-18000000 -8000000, 15000000 -2000000, "
            "-18000000 9000000, -18000000 -8000000))",
            3857);
        if (!area) std::abort();
        return ClientView{
            "fuzzer", {"rgb", "dem", "features"}, {{"rgb", *area}, {"features", *area}}};
    }();
    const std::string target = "/wms?" + std::string(reinterpret_cast<const char*>(data), size);
    const Response response = handler->handle(target, view);
    if (response.status < 200 || response.status > 599) std::abort();
    // A layer the client may not see does not exist for it, in any answer.
    if (response.body.find("hiddenlayer") != std::string::npos &&
        target.find("hiddenlayer") == std::string::npos)
        std::abort();
    return 0;
}
