#include "tests/wms/vector_datasets.hpp"

#include <gdal_priv.h>
#include <gdal_utils.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <stdexcept>

namespace wmsgate::wms::test {
namespace {

struct Field {
    const char* name;
    OGRFieldType type;
};

struct Row {
    const char* wkt;
    std::vector<std::string> values;  // one per field, as text
};

void add_layer(GDALDataset& dataset, const char* name, OGRwkbGeometryType type,
               const std::vector<Field>& fields, const std::vector<Row>& rows) {
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRLayer* layer = dataset.CreateLayer(name, &wgs84, type, nullptr);
    if (layer == nullptr) throw std::runtime_error("cannot create layer");
    for (const auto& field : fields) {
        OGRFieldDefn defn(field.name, field.type);
        layer->CreateField(&defn);
    }
    for (const auto& row : rows) {
        OGRFeature feature(layer->GetLayerDefn());
        for (std::size_t k = 0; k < row.values.size(); ++k)
            feature.SetField(static_cast<int>(k), row.values[k].c_str());
        OGRGeometry* geometry = nullptr;
        OGRGeometryFactory::createFromWkt(row.wkt, nullptr, &geometry);
        feature.SetGeometryDirectly(geometry);
        if (layer->CreateFeature(&feature) != OGRERR_NONE)
            throw std::runtime_error("cannot write feature");
    }
}

}  // namespace

VectorDatasets::VectorDatasets() {
    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    {
        GDALDatasetUniquePtr dataset(driver->Create(gpkg().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!dataset) throw std::runtime_error("cannot create " + gpkg());
        add_layer(*dataset, "parcels", wkbMultiPolygon,
                  {{"id", OFTInteger}, {"class", OFTString}, {"area", OFTReal}},
                  {{"MULTIPOLYGON (((0 0,10 0,10 10,0 10,0 0)))", {"1", "forest", "100"}},
                   {"MULTIPOLYGON (((20 0,40 0,40 20,20 20,20 0),(25 5,25 15,35 15,35 5,25 5)))",
                    {"2", "water", "300"}},
                   {"MULTIPOLYGON (((-40 0,-30 0,-30 10,-40 10,-40 0)),"
                    "((-20 0,-10 0,-10 10,-20 10,-20 0)))",
                    {"3", "field", "200"}},
                   {"MULTIPOLYGON (((0 20,10 20,10 30,0 30,0 20)))", {"4", "other", "100.5"}}});
        add_layer(*dataset, "roads", wkbLineString, {{"id", OFTInteger}, {"name", OFTString}},
                  {{"LINESTRING (-50 -20,50 -20)", {"1", "Main"}}});
        add_layer(
            *dataset, "wells", wkbUnknown, {{"id", OFTInteger}, {"depth", OFTReal}},
            {{"POINT (5 -40)", {"1", "12.5"}}, {"MULTIPOINT ((20 -40),(30 -40))", {"2", "40"}}});
    }
    // The same parcels as GeoJSON, through ogr2ogr's library entry point.
    GDALDatasetH source = GDALOpenEx(gpkg().c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
    char* argv[] = {const_cast<char*>("-f"), const_cast<char*>("GeoJSON"),
                    const_cast<char*>("parcels"), nullptr};
    GDALVectorTranslateOptions* options = GDALVectorTranslateOptionsNew(argv, nullptr);
    GDALDatasetH out =
        GDALVectorTranslate(geojson().c_str(), nullptr, 1, &source, options, nullptr);
    GDALVectorTranslateOptionsFree(options);
    if (out == nullptr) throw std::runtime_error("cannot write " + geojson());
    GDALClose(out);
    GDALClose(source);
}

LayerConfig VectorDatasets::layer(const std::string& name, const std::string& source_layer) const {
    LayerConfig config = test::layer(name, name, gpkg());
    config.source_layer = source_layer;
    return config;
}

VectorRule rule(const std::string& filter, Rgba colour, bool fill) {
    VectorRule out;
    out.filter = filter;
    out.title = filter.empty() ? "all" : filter;
    if (fill) {
        out.fill = colour;
    } else {
        out.stroke = colour;
    }
    return out;
}

}  // namespace wmsgate::wms::test
