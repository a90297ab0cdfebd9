#include "wms/srs_extent.hpp"

#include <algorithm>
#include <memory>
#include <string_view>

namespace wmsgate::wms {
namespace {

struct TransformDeleter {
    void operator()(OGRCoordinateTransformation* t) const {
        OGRCoordinateTransformation::DestroyCT(t);
    }
};

}  // namespace

tl::expected<GeoBox, Errc> wgs84_extent(const OGRSpatialReference& srs, const MapBox& box) {
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    // Longitude first, whatever EPSG:4326's official axis order says.
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRSpatialReference> source(srs.Clone());
    source->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation, TransformDeleter> transform(
        OGRCreateCoordinateTransformation(source.get(), &wgs84));
    if (!transform) return tl::unexpected(Errc::extent_not_transformable);
    GeoBox out;
    // Densifying the edges (21 points) catches curved edges after reprojection.
    if (!transform->TransformBounds(box.minx, box.miny, box.maxx, box.maxy, &out.west, &out.south,
                                    &out.east, &out.north, 21))
        return tl::unexpected(Errc::extent_not_transformable);
    // Capabilities types bound longitudes and latitudes; rounding can overshoot.
    return GeoBox{std::clamp(out.west, -180.0, 180.0), std::clamp(out.south, -90.0, 90.0),
                  std::clamp(out.east, -180.0, 180.0), std::clamp(out.north, -90.0, 90.0)};
}

std::string epsg_name(const OGRSpatialReference* srs) {
    if (srs == nullptr) return {};
    std::unique_ptr<OGRSpatialReference> copy(srs->Clone());
    const char* authority = copy->GetAuthorityName(nullptr);
    if (authority == nullptr || std::string_view(authority) != "EPSG") copy->AutoIdentifyEPSG();
    authority = copy->GetAuthorityName(nullptr);
    const char* code = copy->GetAuthorityCode(nullptr);
    if (authority == nullptr || code == nullptr || std::string_view(authority) != "EPSG") return {};
    return std::string("EPSG:") + code;
}

}  // namespace wmsgate::wms
