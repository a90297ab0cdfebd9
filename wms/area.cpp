#include "wms/area.hpp"

#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string_view>

#include "wms/gdal_support.hpp"

namespace wmsgate::wms {
namespace {

// Enough map CRSs for any real use; a client cycling through codes makes
// the cache start over instead of growing.
constexpr std::size_t max_outlines = 32;
// Before a change of CRS, edges are cut to at most this fraction of the
// area's larger side, so that a long straight edge follows the curve it
// becomes in the other CRS.
constexpr double densify_fraction = 1.0 / 256;

struct TransformDeleter {
    void operator()(OGRCoordinateTransformation* t) const {
        OGRCoordinateTransformation::DestroyCT(t);
    }
};
using Transform = std::unique_ptr<OGRCoordinateTransformation, TransformDeleter>;

struct GeometryDeleter {
    void operator()(OGRGeometry* g) const { OGRGeometryFactory::destroyGeometry(g); }
};

tl::unexpected<AreaError> fail(std::string reason) {
    const std::string gdal = QuietGdalErrors::last_error();
    if (!gdal.empty()) reason += " (GDAL: " + gdal + ")";
    return tl::unexpected(AreaError{std::move(reason)});
}

std::unique_ptr<OGRSpatialReference> x_first(const OGRSpatialReference& srs) {
    std::unique_ptr<OGRSpatialReference> out(srs.Clone());
    out->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return out;
}

bool is_polygonal(const OGRGeometry& g) {
    const auto type = wkbFlatten(g.getGeometryType());
    return OGR_GT_IsSubClassOf(type, wkbCurvePolygon) || OGR_GT_IsSubClassOf(type, wkbMultiSurface);
}

// A copy of `g` as plain 2D polygons, or the reason it cannot be one.
tl::expected<std::unique_ptr<OGRGeometry>, std::string> linear_polygons(const OGRGeometry& g) {
    if (g.IsEmpty()) return tl::unexpected(std::string("has an empty geometry"));
    if (!is_polygonal(g))
        return tl::unexpected("is a " + std::string(OGRGeometryTypeToName(g.getGeometryType())) +
                              ", not a polygon or multipolygon");
    std::unique_ptr<OGRGeometry> out(g.hasCurveGeometry() ? g.getLinearGeometry() : g.clone());
    out->flattenTo2D();
    if (!out->IsValid())
        return tl::unexpected(std::string(
            "is not a valid polygon (self-intersecting, or with badly nested rings); repair it, "
            "e.g. with ogr2ogr -makevalid"));
    return out;
}

void add_polygons(const OGRGeometry& g, OGRMultiPolygon& parts) {
    if (wkbFlatten(g.getGeometryType()) == wkbPolygon) {
        parts.addGeometry(&g);
        return;
    }
    if (const auto* collection = dynamic_cast<const OGRGeometryCollection*>(&g))
        for (const OGRGeometry* part : *collection) add_polygons(*part, parts);
}

void densify(OGRGeometry& g) {
    OGREnvelope e;
    g.getEnvelope(&e);
    const double side = std::max(e.MaxX - e.MinX, e.MaxY - e.MinY);
    if (side > 0) g.segmentize(side * densify_fraction);
}

std::unique_ptr<OGRGeometry> unite(OGRMultiPolygon& parts) {
    if (parts.getNumGeometries() == 1)
        return std::unique_ptr<OGRGeometry>(parts.getGeometryRef(0)->clone());
    return std::unique_ptr<OGRGeometry>(parts.UnionCascaded());
}

void collect_rings(const OGRGeometry& g, std::vector<std::vector<Point>>& rings) {
    if (const auto* polygon = dynamic_cast<const OGRPolygon*>(&g)) {
        for (const OGRLinearRing* ring : *polygon) {
            std::vector<Point> points;
            points.reserve(ring->getNumPoints());
            for (const auto& p : *ring) points.push_back({p.getX(), p.getY()});
            rings.push_back(std::move(points));
        }
        return;
    }
    if (const auto* collection = dynamic_cast<const OGRGeometryCollection*>(&g))
        for (const OGRGeometry* part : *collection) collect_rings(*part, rings);
}

std::uint64_t fnv1a(const unsigned char* data, std::size_t size, std::uint64_t hash) {
    for (std::size_t i = 0; i < size; ++i) hash = (hash ^ data[i]) * 0x100000001b3ull;
    return hash;
}

// `g` (in `from`) moved into `to`; on failure `g` is unusable.
bool transform_into(OGRGeometry& g, const OGRSpatialReference& from,
                    const OGRSpatialReference& to) {
    if (from.IsSame(&to)) return true;
    const Transform ct(OGRCreateCoordinateTransformation(&from, &to));
    if (!ct) return false;
    densify(g);
    return g.transform(ct.get()) == OGRERR_NONE;
}

}  // namespace

Area::Area(std::unique_ptr<OGRGeometry> geometry, std::unique_ptr<OGRSpatialReference> srs)
    : geometry_(std::move(geometry)), srs_(std::move(srs)) {
    std::vector<unsigned char> wkb(geometry_->WkbSize());
    geometry_->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    std::uint64_t hash = fnv1a(wkb.data(), wkb.size(), 0xcbf29ce484222325ull);
    char* wkt = nullptr;
    if (srs_->exportToWkt(&wkt) == OGRERR_NONE && wkt != nullptr)
        hash = fnv1a(reinterpret_cast<const unsigned char*>(wkt), std::strlen(wkt), hash);
    CPLFree(wkt);
    fingerprint_ = hash;
    std::vector<std::vector<Point>> rings;
    collect_rings(*geometry_, rings);
    vertices_ = AreaOutline(std::move(rings)).vertices();  // without closing repeats
}

Area::~Area() = default;

tl::expected<std::shared_ptr<const Area>, AreaError> Area::load(const std::string& path) {
    ensure_gdal_registered();
    QuietGdalErrors quiet;
    const GDALDatasetUniquePtr dataset(
        GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!dataset) return fail("cannot open \"" + path + "\" as vector data");
    // "FILE: layer 'L'[, feature N] REASON"
    const auto fail_in = [&path](OGRLayer& layer, std::optional<GIntBig> feature,
                                 std::string_view reason) {
        std::string message = path + ": layer '" + layer.GetName() + "'";
        if (feature) message += ", feature " + std::to_string(*feature);
        message.append(" ").append(reason);
        return fail(std::move(message));
    };
    std::unique_ptr<OGRSpatialReference> srs;
    OGRMultiPolygon parts;
    for (OGRLayer* layer : dataset->GetLayers()) {
        const OGRSpatialReference* layer_srs = layer->GetSpatialRef();
        if (layer_srs == nullptr)
            return fail_in(*layer, std::nullopt,
                           "has no CRS; give it one, e.g. with ogr2ogr -a_srs EPSG:4326");
        const auto native = x_first(*layer_srs);
        if (!srs) srs = x_first(*native);
        for (const auto& feature : *layer) {
            const GIntBig fid = feature->GetFID();
            const OGRGeometry* geometry = feature->GetGeometryRef();
            if (geometry == nullptr) return fail_in(*layer, fid, "has no geometry");
            auto polygons = linear_polygons(*geometry);
            if (!polygons) return fail_in(*layer, fid, polygons.error());
            if (!transform_into(**polygons, *native, *srs))
                return fail_in(*layer, fid, "cannot be moved into the CRS of the first layer");
            add_polygons(**polygons, parts);
        }
    }
    if (parts.IsEmpty())
        return fail(path + ": has no polygons; an area needs at least one polygon feature");
    auto united = unite(parts);
    if (!united || united->IsEmpty()) return fail(path + ": the union of its polygons failed");
    return std::shared_ptr<const Area>(new Area(std::move(united), std::move(srs)));
}

tl::expected<std::shared_ptr<const Area>, AreaError> Area::from_wkt(std::string_view wkt,
                                                                    int epsg) {
    QuietGdalErrors quiet;
    OGRSpatialReference srs;
    if (srs.importFromEPSG(epsg) != OGRERR_NONE)
        return fail("unknown CRS EPSG:" + std::to_string(epsg));
    const std::string text(wkt);
    OGRGeometry* parsed = nullptr;
    if (OGRGeometryFactory::createFromWkt(text.c_str(), nullptr, &parsed) != OGRERR_NONE)
        return fail("not WKT");
    const std::unique_ptr<OGRGeometry, GeometryDeleter> owned(parsed);
    auto polygons = linear_polygons(*owned);
    if (!polygons) return fail("the geometry " + polygons.error());
    OGRMultiPolygon parts;
    add_polygons(**polygons, parts);
    auto united = unite(parts);
    if (!united) return fail("the union of its polygons failed");
    return std::shared_ptr<const Area>(new Area(std::move(united), x_first(srs)));
}

std::shared_ptr<const Area> Area::union_of(const std::vector<std::shared_ptr<const Area>>& areas) {
    if (areas.empty()) return nullptr;
    if (areas.size() == 1) return areas.front();
    QuietGdalErrors quiet;
    const Area& first = *areas.front();
    std::unique_ptr<OGRSpatialReference> srs;
    OGRMultiPolygon parts;
    {
        std::lock_guard lock(first.mutex_);
        srs = x_first(*first.srs_);
        add_polygons(*first.geometry_, parts);
    }
    for (std::size_t i = 1; i < areas.size(); ++i) {
        const Area& other = *areas[i];
        std::unique_ptr<OGRGeometry> copy;
        {
            std::lock_guard lock(other.mutex_);
            copy.reset(other.geometry_->clone());
            if (!transform_into(*copy, *other.srs_, *srs)) return nullptr;
        }
        add_polygons(*copy, parts);
    }
    auto united = unite(parts);
    if (!united || united->IsEmpty()) return nullptr;
    return std::shared_ptr<const Area>(new Area(std::move(united), std::move(srs)));
}

std::shared_ptr<const AreaOutline> Area::outline(int epsg) const {
    std::lock_guard lock(mutex_);
    if (const auto it = outlines_.find(epsg); it != outlines_.end()) return it->second;
    auto made = make_outline(epsg);
    if (outlines_.size() >= max_outlines) outlines_.clear();
    outlines_.emplace(epsg, made);
    return made;
}

// Called with mutex_ held.
std::shared_ptr<const AreaOutline> Area::make_outline(int epsg) const {
    QuietGdalErrors quiet;
    const auto none = [] { return std::make_shared<const AreaOutline>(); };
    OGRSpatialReference target;
    if (target.importFromEPSG(epsg) != OGRERR_NONE) return none();
    target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRGeometry> g(geometry_->clone());
    if (!transform_into(*g, *srs_, target)) {
        // Some of the area lies where the map CRS is undefined (Web
        // Mercator's poles): keep the part inside the CRS's area of use.
        double w = 0, s = 0, e = 0, n = 0;
        if (!target.GetAreaOfUse(&w, &s, &e, &n, nullptr) || w > e) return none();
        OGRSpatialReference wgs84;
        wgs84.importFromEPSG(4326);
        wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        const Transform to_native(OGRCreateCoordinateTransformation(&wgs84, srs_.get()));
        OGREnvelope use;
        if (!to_native ||
            !to_native->TransformBounds(w, s, e, n, &use.MinX, &use.MinY, &use.MaxX, &use.MaxY, 21))
            return none();
        OGRPolygon box;
        OGRLinearRing ring;
        ring.addPoint(use.MinX, use.MinY);
        ring.addPoint(use.MaxX, use.MinY);
        ring.addPoint(use.MaxX, use.MaxY);
        ring.addPoint(use.MinX, use.MaxY);
        ring.closeRings();
        box.addRing(&ring);
        g.reset(geometry_->Intersection(&box));
        if (!g || g->IsEmpty() || !transform_into(*g, *srs_, target)) return none();
    }
    std::vector<std::vector<Point>> rings;
    collect_rings(*g, rings);
    return std::make_shared<const AreaOutline>(std::move(rings));
}

}  // namespace wmsgate::wms
