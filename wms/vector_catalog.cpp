#include "wms/vector_catalog.hpp"

#include "wms/srs_extent.hpp"

namespace wmsgate::wms {
namespace {

GeometryKind geometry_kind(OGRwkbGeometryType type) {
    switch (wkbFlatten(type)) {
        case wkbPoint:
        case wkbMultiPoint:
            return GeometryKind::point;
        case wkbLineString:
        case wkbMultiLineString:
        case wkbCircularString:
        case wkbCompoundCurve:
        case wkbMultiCurve:
            return GeometryKind::line;
        case wkbPolygon:
        case wkbMultiPolygon:
        case wkbCurvePolygon:
        case wkbMultiSurface:
            return GeometryKind::polygon;
        default:
            return GeometryKind::mixed;
    }
}

}  // namespace

tl::expected<VectorLayerFacts, VectorOpenError> open_vector_layer(const LayerConfig& config) {
    auto spec = std::make_shared<VectorLayerSpec>();
    spec->source = config.source;
    spec->source_layer = config.source_layer;
    spec->rules = config.rules.empty() ? std::vector{default_vector_rule()} : config.rules;
    spec->fields = config.fields;
    auto source = VectorSource::open(*spec);
    if (!source) return tl::unexpected(source.error());
    OGRLayer& layer = (*source)->layer();
    const OGRSpatialReference* srs = layer.GetSpatialRef();
    if (srs == nullptr)
        return tl::unexpected(VectorOpenError{Errc::dataset_not_georeferenced,
                                              "layer '" + config.source_layer + "' has no CRS"});
    VectorLayerFacts facts;
    facts.extent = {-180, -90, 180, 90};
    OGREnvelope envelope;
    // force: a Shapefile or PostGIS table knows its extent; GeoJSON reads it.
    if (layer.GetExtent(&envelope, TRUE) == OGRERR_NONE && envelope.IsInit()) {
        const auto extent =
            wgs84_extent(*srs, {envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY});
        if (!extent) return tl::unexpected(VectorOpenError{extent.error(), {}});
        facts.extent = *extent;
    }
    facts.native_crs = epsg_name(srs);
    spec->kind = geometry_kind(layer.GetGeomType());
    facts.spatial_index = (*source)->has_spatial_index();
    facts.spec = std::move(spec);
    return facts;
}

}  // namespace wmsgate::wms
