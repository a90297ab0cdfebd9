#include "wms/vector_query.hpp"

#include <algorithm>
#include <memory>

#include "wms/errors.hpp"
#include "wms/gdal_support.hpp"
#include "wms/vector_projection.hpp"
#include "wms/vector_source.hpp"

namespace wmsgate::wms {
namespace {

struct OgrFeatureDeleter {
    void operator()(OGRFeature* feature) const { OGRFeature::DestroyFeature(feature); }
};
using FeaturePtr = std::unique_ptr<OGRFeature, OgrFeatureDeleter>;

// How far a feature's symbol reaches beyond its geometry, in pixels: a
// point's disc, a line's or outline's half stroke.
double symbol_reach(const VectorRule& rule, bool point) {
    const double stroke = rule.stroke ? rule.stroke_width / 2 : 0;
    return point ? rule.point_size / 2 + stroke : stroke;
}

bool is_point(const OGRGeometry& geometry) {
    const auto type = wkbFlatten(geometry.getGeometryType());
    return type == wkbPoint || type == wkbMultiPoint;
}

std::vector<FeatureAttribute> attributes_of(OGRFeature& feature, const VectorLayerSpec& spec,
                                            const char* fid_column) {
    std::vector<FeatureAttribute> out;
    OGRFeatureDefn& defn = *feature.GetDefnRef();
    const auto add = [&](int index) {
        OGRFieldDefn& field = *defn.GetFieldDefn(index);
        FeatureAttribute a{field.GetNameRef(), std::nullopt, false};
        if (feature.IsFieldSetAndNotNull(index)) a.value = feature.GetFieldAsString(index);
        const OGRFieldType type = field.GetType();
        a.number = type == OFTInteger || type == OFTInteger64 || type == OFTReal;
        out.push_back(std::move(a));
    };
    if (spec.fields.empty()) {
        for (int k = 0; k < defn.GetFieldCount(); ++k) add(k);
    } else {
        // The catalog checked that every configured field exists (or is
        // the FID column, a table's primary key).
        for (const auto& name : spec.fields) {
            if (const int k = defn.GetFieldIndex(name.c_str()); k >= 0) {
                add(k);
            } else if (EQUAL(name.c_str(), fid_column)) {
                out.push_back({name, std::to_string(feature.GetFID()), true});
            }
        }
    }
    return out;
}

// The square of half-side `half` map units around (x, y).
OGRPolygon square(double x, double y, double half) {
    OGRLinearRing ring;
    ring.addPoint(x - half, y - half);
    ring.addPoint(x + half, y - half);
    ring.addPoint(x + half, y + half);
    ring.addPoint(x - half, y + half);
    ring.closeRings();
    OGRPolygon polygon;
    polygon.addRing(&ring);
    return polygon;
}

}  // namespace

tl::expected<LayerValues, SampleError> query_vector_features(const std::string& layer_name,
                                                             const VectorLayerSpec& spec,
                                                             const GetMapRequest& map, unsigned i,
                                                             unsigned j, unsigned max_features) {
    ensure_gdal_registered();
    QuietGdalErrors quiet;
    LayerValues out{layer_name, {}, false, true, {}};
    if (max_features == 0) return out;
    VectorSource* source = thread_vector_source(spec);
    if (source == nullptr)
        return tl::unexpected(
            SampleError{make_error_code(Errc::dataset_unreadable), QuietGdalErrors::last_error()});
    const int epsg = map.crs.epsg;
    const double scale = scale_denominator(map.bbox, map.image.width, epsg);
    std::vector<char> active(spec.rules.size());
    double reach = 0;
    for (std::size_t k = 0; k < spec.rules.size(); ++k) {
        active[k] = spec.rules[k].applies_at(scale) ? char{1} : char{0};
        if (active[k]) reach = std::max(reach, symbol_reach(spec.rules[k], true));
    }
    OGRLayer& layer = source->layer();
    const OGRSpatialReference* srs = layer.GetSpatialRef();
    if (srs == nullptr) return out;
    const VectorProjection& projection = vector_projection(*srs, epsg);
    if (!projection.related) return out;

    const double unit = std::max((map.bbox.maxx - map.bbox.minx) / map.image.width,
                                 (map.bbox.maxy - map.bbox.miny) / map.image.height);
    const double x = map.bbox.minx + (i + 0.5) * (map.bbox.maxx - map.bbox.minx) / map.image.width;
    const double y = map.bbox.maxy - (j + 0.5) * (map.bbox.maxy - map.bbox.miny) / map.image.height;
    const double widest = (feature_info_tolerance_pixels + reach) * unit;
    const auto box = box_in_layer(projection, {x, y, x, y}, widest);
    if (!box) return out;

    source->read_fields_for(VectorSource::Purpose::query);
    layer.SetSpatialFilterRect(box->minx, box->miny, box->maxx, box->maxy);
    layer.ResetReading();
    for (;;) {
        CPLErrorReset();
        const FeaturePtr feature{layer.GetNextFeature()};
        if (!feature) {
            if (CPLGetLastErrorType() >= CE_Failure) {
                SampleError failed{make_error_code(Errc::render_failed),
                                   QuietGdalErrors::last_error()};
                forget_thread_vector_source(spec);
                return tl::unexpected(std::move(failed));
            }
            break;
        }
        const OGRGeometry* geometry = feature->GetGeometryRef();
        if (geometry == nullptr) continue;
        const auto rule = source->first_match(*feature, active);
        if (!rule) continue;
        // Hit where the feature is drawn: its geometry grown by its symbol,
        // tested as the click's square grown instead (GEOS, in map units).
        std::unique_ptr<OGRGeometry> in_map(geometry->clone());
        if (projection.to_map != nullptr && in_map->transform(projection.to_map) != OGRERR_NONE)
            continue;
        const double half =
            (feature_info_tolerance_pixels + symbol_reach(spec.rules[*rule], is_point(*geometry))) *
            unit;
        const OGRPolygon click = square(x, y, half);
        if (!in_map->Intersects(&click)) continue;
        out.features.push_back(
            {feature->GetFID(), attributes_of(*feature, spec, layer.GetFIDColumn())});
        if (out.features.size() >= max_features) break;
    }
    out.inside = !out.features.empty();
    return out;
}

}  // namespace wmsgate::wms
