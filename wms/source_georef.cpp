#include "wms/source_georef.hpp"

#include <cpl_conv.h>

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "wms/crs_reach.hpp"
#include "wms/gdal_support.hpp"

namespace wmsgate::wms {
namespace {

struct TransformDeleter {
    void operator()(OGRCoordinateTransformation* t) const {
        OGRCoordinateTransformation::DestroyCT(t);
    }
};

struct CachedTransform {
    CrsRelation relation = CrsRelation::unrelated;
    std::unique_ptr<OGRCoordinateTransformation, TransformDeleter> transform;
    MapBox reach;
};

CachedTransform make_transform(const OGRSpatialReference& source_srs, int epsg) {
    CachedTransform out;
    OGRSpatialReference map;
    if (map.importFromEPSG(epsg) != OGRERR_NONE) return out;
    map.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRSpatialReference> source(source_srs.Clone());
    source->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (map.IsSame(source.get())) {
        out.relation = CrsRelation::same;
        return out;
    }
    out.transform.reset(OGRCreateCoordinateTransformation(&map, source.get()));
    if (out.transform) {
        out.relation = CrsRelation::transformed;
        out.reach = crs_reach(epsg);
    }
    return out;
}

const CachedTransform& thread_transform(const OGRSpatialReference& source_srs, int epsg) {
    // Keyed by the source CRS's WKT rather than the file: a file reopened
    // after a reload may have changed CRS. A catalog has few CRS pairs.
    thread_local std::map<std::pair<std::string, int>, CachedTransform> cache;
    auto key = std::pair{wkt_of(source_srs), epsg};
    if (const auto it = cache.find(key); it != cache.end()) return it->second;
    if (cache.size() >= 64) cache.clear();
    return cache.emplace(std::move(key), make_transform(source_srs, epsg)).first->second;
}

}  // namespace

tl::expected<SourceGeoref, Errc> source_georef(GDALDataset& dataset, int epsg) {
    std::array<double, 6> gt{};
    SourceGeoref out;
    const OGRSpatialReference* srs = dataset.GetSpatialRef();
    if (srs == nullptr || dataset.GetGeoTransform(gt.data()) != CE_None ||
        !GDALInvGeoTransform(gt.data(), out.inverse_gt.data()))
        return tl::unexpected(Errc::dataset_not_georeferenced);
    out.width = dataset.GetRasterXSize();
    out.height = dataset.GetRasterYSize();
    const CachedTransform& transform = thread_transform(*srs, epsg);
    out.relation = transform.relation;
    out.to_source = transform.transform.get();
    out.reach = transform.reach;
    return out;
}

}  // namespace wmsgate::wms
