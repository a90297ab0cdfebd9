#include "wms/vector_draw.hpp"

#include <agg_conv_stroke.h>
#include <agg_ellipse.h>
#include <agg_path_storage.h>
#include <agg_pixfmt_rgba.h>
#include <agg_rasterizer_scanline_aa.h>
#include <agg_renderer_base.h>
#include <agg_renderer_scanline.h>
#include <agg_rendering_buffer.h>
#include <agg_scanline_p.h>

#include <vector>

namespace wmsgate::wms {

namespace {

// The map holds straight alpha: the "plain" pixel format blends into it
// correctly where the map is transparent, and exactly as the premultiplied
// one where it is opaque.
using PixelFormat = agg::pixfmt_rgba32_plain;
using Base = agg::renderer_base<PixelFormat>;
// Clipping in doubles: a feature reaching far beyond the map (a large
// polygon at a high zoom) would overflow AGG's 24.8 integer coordinates.
using Rasterizer = agg::rasterizer_scanline_aa<agg::rasterizer_sl_clip_dbl>;

agg::rgba8 agg_colour(const Rgba& c) {
    return {c.r, c.g, c.b, c.a};
}

}  // namespace

struct VectorCanvas::Impl {
    Impl(RgbaImage& image, const PixelFrame& frame)
        : buffer(image.pixels.data(), image.width, image.height, static_cast<int>(image.width * 4)),
          format(buffer),
          base(format),
          solid(base),
          frame(frame) {
        // Strokes may reach a little beyond the image; AGG clips the rest.
        const double margin = 256;
        rasterizer.clip_box(-margin, -margin, image.width + margin, image.height + margin);
    }

    // Appends a ring or line in pixel positions; false when no point of it
    // could be transformed.
    bool add_curve(const OGRSimpleCurve& curve, bool close);
    void add_geometry(const OGRGeometry& geometry, const VectorRule& rule);
    void fill_and_stroke(const VectorRule& rule, bool closed);
    void draw_point(double x, double y, const VectorRule& rule);

    agg::rendering_buffer buffer;
    PixelFormat format;
    Base base;
    agg::renderer_scanline_aa_solid<Base> solid;
    Rasterizer rasterizer;
    agg::scanline_p8 scanline;
    agg::path_storage path;
    PixelFrame frame;
    OGRCoordinateTransformation* to_map = nullptr;
    std::vector<double> xs, ys;
    std::vector<int> ok;
};

bool VectorCanvas::Impl::add_curve(const OGRSimpleCurve& curve, bool close) {
    const int n = curve.getNumPoints();
    if (n == 0) return false;
    xs.resize(n);
    ys.resize(n);
    curve.getPoints(xs.data(), sizeof(double), ys.data(), sizeof(double));
    ok.assign(n, TRUE);
    // Points PROJ cannot place (beyond the map CRS's domain) are left out.
    if (to_map != nullptr) to_map->Transform(n, xs.data(), ys.data(), nullptr, ok.data());
    bool started = false;
    for (int i = 0; i < n; ++i) {
        if (!ok[i]) continue;
        const double px = (xs[i] - frame.minx) / frame.x_per_pixel;
        const double py = (frame.maxy - ys[i]) / frame.y_per_pixel;
        if (started) {
            path.line_to(px, py);
        } else {
            path.move_to(px, py);
            started = true;
        }
    }
    if (started && close) path.close_polygon();
    return started;
}

void VectorCanvas::Impl::fill_and_stroke(const VectorRule& rule, bool closed) {
    if (closed && rule.fill) {
        rasterizer.reset();
        rasterizer.filling_rule(agg::fill_even_odd);
        rasterizer.add_path(path);
        solid.color(agg_colour(*rule.fill));
        agg::render_scanlines(rasterizer, scanline, solid);
    }
    if (rule.stroke) {
        agg::conv_stroke<agg::path_storage> stroke(path);
        stroke.width(rule.stroke_width);
        stroke.line_join(agg::round_join);
        stroke.line_cap(closed ? agg::butt_cap : agg::round_cap);
        rasterizer.reset();
        rasterizer.filling_rule(agg::fill_non_zero);
        rasterizer.add_path(stroke);
        solid.color(agg_colour(*rule.stroke));
        agg::render_scanlines(rasterizer, scanline, solid);
    }
}

void VectorCanvas::Impl::draw_point(double x, double y, const VectorRule& rule) {
    int placed = TRUE;
    if (to_map != nullptr) to_map->Transform(1, &x, &y, nullptr, &placed);
    if (!placed) return;
    const double px = (x - frame.minx) / frame.x_per_pixel;
    const double py = (frame.maxy - y) / frame.y_per_pixel;
    const double r = rule.point_size / 2;
    agg::ellipse disc(px, py, r, r);
    path.remove_all();
    path.concat_path(disc);
    fill_and_stroke(rule, true);
}

void VectorCanvas::Impl::add_geometry(const OGRGeometry& geometry, const VectorRule& rule) {
    switch (wkbFlatten(geometry.getGeometryType())) {
        case wkbPoint: {
            const auto& point = *geometry.toPoint();
            if (!point.IsEmpty()) draw_point(point.getX(), point.getY(), rule);
            return;
        }
        case wkbLineString:
        case wkbLinearRing:
            path.remove_all();
            if (add_curve(*geometry.toSimpleCurve(), false)) fill_and_stroke(rule, false);
            return;
        case wkbMultiLineString: {
            // One path: where lines of one feature cross, a translucent
            // stroke is not darkened twice.
            path.remove_all();
            bool any = false;
            for (const auto* line : *geometry.toMultiLineString()) any |= add_curve(*line, false);
            if (any) fill_and_stroke(rule, false);
            return;
        }
        case wkbPolygon:
        case wkbMultiPolygon: {
            // All rings of all parts in one path, filled even-odd: holes
            // are holes and the parts of a valid multipolygon never overlap.
            path.remove_all();
            bool any = false;
            const auto add_polygon = [&](const OGRPolygon& polygon) {
                for (const auto* ring : polygon) any |= add_curve(*ring, true);
            };
            if (wkbFlatten(geometry.getGeometryType()) == wkbPolygon) {
                add_polygon(*geometry.toPolygon());
            } else {
                for (const auto* polygon : *geometry.toMultiPolygon()) add_polygon(*polygon);
            }
            if (any) fill_and_stroke(rule, true);
            return;
        }
        case wkbMultiPoint:
        case wkbGeometryCollection:
            for (const auto* part : *geometry.toGeometryCollection()) add_geometry(*part, rule);
            return;
        default:
            // Curves (circular strings, curve polygons, ...) and anything else
            // OGR can approximate with straight segments.
            if (geometry.hasCurveGeometry()) {
                std::unique_ptr<OGRGeometry> linear(geometry.getLinearGeometry());
                if (linear && !linear->hasCurveGeometry()) add_geometry(*linear, rule);
            }
            return;
    }
}

VectorCanvas::VectorCanvas(RgbaImage& image, const PixelFrame& frame)
    : impl_(std::make_unique<Impl>(image, frame)) {}

VectorCanvas::~VectorCanvas() = default;

void VectorCanvas::draw(const OGRGeometry& geometry, const VectorRule& rule,
                        OGRCoordinateTransformation* to_map) {
    impl_->to_map = to_map;
    impl_->add_geometry(geometry, rule);
}

}  // namespace wmsgate::wms
