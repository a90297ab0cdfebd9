#include "wms/layer_catalog.hpp"

#include <ogr_spatialref.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>

#include "wms/crs.hpp"
#include "wms/errors.hpp"
#include "wms/gdal_support.hpp"
#include "wms/srs_extent.hpp"
#include "wms/vector_catalog.hpp"

namespace wmsgate::wms {
namespace {

// The dataset's extent in its own CRS, allowing for rotated geotransforms.
std::array<double, 4> native_extent(GDALDataset& dataset, const std::array<double, 6>& gt) {
    const double w = dataset.GetRasterXSize();
    const double h = dataset.GetRasterYSize();
    std::array<double, 4> box{1e300, 1e300, -1e300, -1e300};
    for (const auto& [px, py] : {std::pair{0.0, 0.0}, {w, 0.0}, {0.0, h}, {w, h}}) {
        const double x = gt[0] + px * gt[1] + py * gt[2];
        const double y = gt[3] + px * gt[4] + py * gt[5];
        box = {std::min(box[0], x), std::min(box[1], y), std::max(box[2], x), std::max(box[3], y)};
    }
    return box;
}

tl::expected<GeoBox, Errc> dataset_extent(GDALDataset& dataset) {
    std::array<double, 6> gt{};
    const OGRSpatialReference* srs = dataset.GetSpatialRef();
    if (dataset.GetGeoTransform(gt.data()) != CE_None || srs == nullptr)
        return tl::unexpected(Errc::dataset_not_georeferenced);
    const auto box = native_extent(dataset, gt);
    return wgs84_extent(*srs, MapBox{box[0], box[1], box[2], box[3]});
}

// Approximate min/max (overviews or a sample): exact statistics of a large
// DEM would delay start-up, and ComputeStatistics would write .aux.xml files.
void value_range(GDALDataset& dataset, const LayerConfig& config, LayerInfo& info) {
    GDALRasterBand* band = dataset.GetRasterBand(1);
    info.byte_data = band->GetRasterDataType() == GDT_Byte;
    info.min = 0;
    info.max = 255;
    if (!config.min || !config.max) {
        double range[2] = {0, 255};
        // A float raster holding ±inf (or NaN not declared nodata) has
        // statistics no ramp can span: keep the byte range then.
        if (band->ComputeRasterMinMax(TRUE, range) == CE_None && std::isfinite(range[0]) &&
            std::isfinite(range[1]) && range[0] < range[1]) {
            info.min = range[0];
            info.max = range[1];
        }
    }
    if (config.min) info.min = *config.min;
    if (config.max) info.max = *config.max;
}

// What the config says of any layer.
LayerInfo described(const LayerConfig& config) {
    LayerInfo info;
    info.name = config.name;
    info.title = config.title;
    info.source = config.source;
    info.abstract = config.abstract;
    info.keywords = config.keywords;
    info.queryable = config.queryable;
    return info;
}

tl::expected<LayerInfo, Errc> open_raster_layer(const LayerConfig& config, std::string& native) {
    const auto dataset = open_raster(config.source);
    if (!dataset || dataset->GetRasterCount() < 1) return tl::unexpected(Errc::dataset_unreadable);
    auto extent = dataset_extent(*dataset);
    if (!extent) return tl::unexpected(extent.error());
    LayerInfo info = described(config);
    info.extent = *extent;
    info.resampling = config.resampling;
    info.bands = dataset->GetRasterCount();
    GDALRasterBand* first = dataset->GetRasterBand(1);
    // A colour table carries the layer's own colours: a ramp would lose them.
    info.palette = info.bands < 3 && first->GetColorInterpretation() == GCI_PaletteIndex &&
                   first->GetColorTable() != nullptr;
    info.single_band = info.bands < 3 && !info.palette;
    info.default_style = config.default_style;
    value_range(*dataset, config, info);
    native = epsg_name(dataset->GetSpatialRef());
    return info;
}

struct OpenFailure {
    Errc code;
    std::string detail;  // ours, before GDAL's message
};

tl::expected<LayerInfo, OpenFailure> open_layer(const LayerConfig& config, std::string& native,
                                                std::vector<std::string>& warnings) {
    if (!config.is_vector()) {
        auto info = open_raster_layer(config, native);
        if (!info) return tl::unexpected(OpenFailure{info.error(), {}});
        return std::move(*info);
    }
    auto facts = open_vector_layer(config);
    if (!facts) return tl::unexpected(OpenFailure{facts.error().code, facts.error().detail});
    LayerInfo info = described(config);
    info.extent = facts->extent;
    info.vector = std::move(facts->spec);
    native = facts->native_crs;
    if (!facts->spatial_index)
        warnings.push_back("layer '" + config.name + "' (" + config.source + ", layer '" +
                           config.source_layer +
                           "'): the source has no spatial index, so every map reads all its "
                           "features; create one (GeoPackage and FlatGeobuf have one by default, "
                           "Shapefile: ogrinfo -sql \"CREATE SPATIAL INDEX ON " +
                           config.source_layer + "\", PostGIS: a GIST index)");
    return info;
}

void add_crs(LayerInfo& layer, const std::string& name) {
    const auto crs = resolve_crs(name);
    if (!crs) return;
    for (const auto& existing : layer.crs_boxes)
        if (existing.crs == crs->name) return;
    const auto box = crs->name == "CRS:84"
                         ? std::optional<MapBox>(MapBox{layer.extent.west, layer.extent.south,
                                                        layer.extent.east, layer.extent.north})
                         : project_extent(layer.extent, crs->epsg);
    if (box) layer.crs_boxes.push_back({crs->name, *box, crs->yx_in_130});
}

}  // namespace

tl::expected<LayerCatalog, CatalogError> LayerCatalog::open(
    const std::vector<LayerConfig>& layers, const std::vector<std::string>& service_crs) {
    LayerCatalog catalog;
    for (const auto& config : layers) {
        const std::string subject = "layer '" + config.name + "' (" + config.source + ")";
        if (catalog.find(config.name) != nullptr)
            return tl::unexpected(CatalogError{make_error_code(Errc::duplicate_layer), subject});
        std::string native;
        const QuietGdalErrors quiet;
        auto info = open_layer(config, native, catalog.warnings_);
        if (!info) {
            const auto said = QuietGdalErrors::last_error();
            std::string detail = info.error().detail;
            // A filter's error already carries GDAL's message.
            if (!said.empty() && detail.find(said) == std::string::npos)
                detail += (detail.empty() ? "GDAL: " : "; GDAL: ") + said;
            return tl::unexpected(CatalogError{
                make_error_code(info.error().code),
                detail.empty()
                    ? subject
                    : "layer '" + config.name + "' (" + config.source + "; " + detail + ")"});
        }
        if (!native.empty()) add_crs(*info, native);
        for (const auto& crs : config.crs) add_crs(*info, crs);
        catalog.layers_.push_back(std::move(*info));
    }
    catalog.advertise(service_crs);
    return catalog;
}

void LayerCatalog::advertise(const std::vector<std::string>& crs) {
    for (auto& layer : layers_)
        for (const auto& name : crs) add_crs(layer, name);
}

const LayerInfo* LayerCatalog::find(std::string_view name) const {
    const auto it = std::find_if(layers_.begin(), layers_.end(),
                                 [&](const LayerInfo& layer) { return layer.name == name; });
    return it == layers_.end() ? nullptr : &*it;
}

}  // namespace wmsgate::wms
