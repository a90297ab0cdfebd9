#include "wms/vector_legend.hpp"

#include <agg_embedded_raster_fonts.h>
#include <agg_glyph_raster_bin.h>
#include <agg_pixfmt_rgba.h>
#include <agg_renderer_base.h>
#include <agg_renderer_raster_text.h>
#include <agg_rendering_buffer.h>
#include <ogr_geometry.h>

#include <algorithm>

#include "wms/png_encoder.hpp"
#include "wms/rgba_image.hpp"
#include "wms/vector_draw.hpp"

namespace wmsgate::wms {
namespace {

constexpr unsigned row_height = 20;
constexpr unsigned symbol_width = 20;
constexpr unsigned text_gap = 4;
constexpr unsigned glyph_width = 6;  // gse6x12
constexpr unsigned max_width = 400;

// The bitmap font has glyphs for printable ASCII only.
std::string printable(const std::string& text) {
    std::string out = text;
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
    return out;
}

// The symbol of one row, in legend pixels (the canvas's frame is the image).
std::unique_ptr<OGRGeometry> symbol(GeometryKind kind, const VectorRule& rule, double top) {
    const double mid = top + row_height / 2.0;
    if (kind == GeometryKind::point) return std::make_unique<OGRPoint>(symbol_width / 2.0, mid);
    // Mixed layers show a box when the rule fills, else a line.
    if (kind == GeometryKind::line || (kind == GeometryKind::mixed && !rule.fill)) {
        auto line = std::make_unique<OGRLineString>();
        line->addPoint(3, mid + 4);
        line->addPoint(symbol_width / 2.0, mid - 3);
        line->addPoint(symbol_width - 3.0, mid + 2);
        return line;
    }
    auto ring = std::make_unique<OGRLinearRing>();
    ring->addPoint(3, top + 3);
    ring->addPoint(symbol_width - 3.0, top + 3);
    ring->addPoint(symbol_width - 3.0, top + row_height - 3.0);
    ring->addPoint(3, top + row_height - 3.0);
    ring->closeRings();
    auto polygon = std::make_unique<OGRPolygon>();
    polygon->addRingDirectly(ring.release());
    return polygon;
}

}  // namespace

LegendSize vector_legend_size(const VectorLayerSpec& spec) {
    std::size_t longest = 0;
    for (const auto& rule : spec.rules) longest = std::max(longest, rule.title.size());
    const auto width = static_cast<unsigned>(
        std::min<std::size_t>(max_width, symbol_width + text_gap * 2 + longest * glyph_width));
    return {width, static_cast<unsigned>(spec.rules.size()) * row_height};
}

tl::expected<std::string, std::error_code> vector_legend_png(const VectorLayerSpec& spec,
                                                             LegendSize size) {
    const LegendSize natural = vector_legend_size(spec);
    const unsigned w = size.width != 0 ? size.width : natural.width;
    const unsigned h = size.height != 0 ? size.height : natural.height;
    RgbaImage image = RgbaImage::filled(w, h, Rgb{255, 255, 255}, 255);
    {
        // A frame whose map units are the legend's pixels, y down.
        PixelFrame frame(MapBox{0, 0, static_cast<double>(w), static_cast<double>(h)}, w, h);
        frame.maxy = 0;
        frame.y_per_pixel = -1;
        VectorCanvas canvas(image, frame);
        for (std::size_t k = 0; k < spec.rules.size(); ++k) {
            const auto geometry =
                symbol(spec.kind, spec.rules[k], static_cast<double>(k * row_height));
            canvas.draw(*geometry, spec.rules[k], nullptr);
        }
    }
    agg::rendering_buffer buffer(image.pixels.data(), w, h, static_cast<int>(w * 4));
    agg::pixfmt_rgba32_plain format(buffer);
    agg::renderer_base<agg::pixfmt_rgba32_plain> base(format);
    agg::glyph_raster_bin<agg::rgba8> glyphs(agg::gse6x12);
    agg::renderer_raster_htext_solid<agg::renderer_base<agg::pixfmt_rgba32_plain>,
                                     agg::glyph_raster_bin<agg::rgba8>>
        text(base, glyphs);
    text.color(agg::rgba8(0, 0, 0, 255));
    for (std::size_t k = 0; k < spec.rules.size(); ++k) {
        const double baseline = static_cast<double>(k * row_height) + row_height / 2.0 + 4;
        text.render_text(symbol_width + text_gap, baseline, printable(spec.rules[k].title).c_str());
    }
    return encode_png(image, PngAlpha::drop);
}

}  // namespace wmsgate::wms
