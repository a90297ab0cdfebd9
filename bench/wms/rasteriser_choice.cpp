// Cairo against AGG on the vector scenario's worst tile: 5,000 filled and
// outlined polygons and 1,000 stroked lines, anti-aliased, on one 256x256
// RGBA tile. Not part of the build (wms links one rasteriser only); run:
//   g++ -O2 -std=c++20 bench/wms/rasteriser_choice.cpp -o /tmp/rasteriser_choice \
//       $(pkg-config --cflags --libs libagg cairo) && /tmp/rasteriser_choice
#include <agg_conv_stroke.h>
#include <agg_path_storage.h>
#include <agg_pixfmt_rgba.h>
#include <agg_rasterizer_scanline_aa.h>
#include <agg_renderer_base.h>
#include <agg_renderer_scanline.h>
#include <agg_rendering_buffer.h>
#include <agg_scanline_u.h>
#include <cairo.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

namespace {

using Ring = std::vector<std::pair<double, double>>;

struct Scene {
    std::vector<Ring> polygons;
    std::vector<Ring> lines;
};

Scene make_scene() {
    std::mt19937 random(7);
    std::uniform_real_distribution<double> where(0, 256), size(2, 12), turn(-0.6, 0.6);
    Scene scene;
    for (int i = 0; i < 5000; ++i) {
        const double cx = where(random), cy = where(random), r = size(random);
        Ring ring;
        for (int k = 0; k < 8; ++k)
            ring.emplace_back(cx + r * std::cos(k * M_PI / 4), cy + r * std::sin(k * M_PI / 4));
        scene.polygons.push_back(ring);
    }
    for (int i = 0; i < 1000; ++i) {
        double x = where(random), y = where(random), heading = where(random);
        Ring line;
        for (int k = 0; k < 20; ++k) {
            line.emplace_back(x, y);
            heading += turn(random);
            x += 4 * std::cos(heading);
            y += 4 * std::sin(heading);
        }
        scene.lines.push_back(line);
    }
    return scene;
}

void draw_cairo(const Scene& scene, std::vector<unsigned char>& pixels) {
    cairo_surface_t* surface =
        cairo_image_surface_create_for_data(pixels.data(), CAIRO_FORMAT_ARGB32, 256, 256, 256 * 4);
    cairo_t* cr = cairo_create(surface);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (const auto& ring : scene.polygons) {
        cairo_move_to(cr, ring[0].first, ring[0].second);
        for (std::size_t k = 1; k < ring.size(); ++k)
            cairo_line_to(cr, ring[k].first, ring[k].second);
        cairo_close_path(cr);
        cairo_set_source_rgba(cr, 0.4, 0.7, 0.4, 1);
        cairo_fill_preserve(cr);
        cairo_set_source_rgba(cr, 0.2, 0.3, 0.2, 1);
        cairo_set_line_width(cr, 1);
        cairo_stroke(cr);
    }
    cairo_set_source_rgba(cr, 0.5, 0.1, 0.1, 1);
    cairo_set_line_width(cr, 2.5);
    for (const auto& line : scene.lines) {
        cairo_move_to(cr, line[0].first, line[0].second);
        for (std::size_t k = 1; k < line.size(); ++k)
            cairo_line_to(cr, line[k].first, line[k].second);
        cairo_stroke(cr);
    }
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
}

void draw_agg(const Scene& scene, std::vector<unsigned char>& pixels) {
    agg::rendering_buffer buffer(pixels.data(), 256, 256, 256 * 4);
    agg::pixfmt_rgba32 format(buffer);
    agg::renderer_base<agg::pixfmt_rgba32> base(format);
    agg::renderer_scanline_aa_solid<agg::renderer_base<agg::pixfmt_rgba32>> solid(base);
    agg::rasterizer_scanline_aa<> rasterizer;
    agg::scanline_u8 scanline;
    agg::path_storage path;
    for (const auto& ring : scene.polygons) {
        path.remove_all();
        path.move_to(ring[0].first, ring[0].second);
        for (std::size_t k = 1; k < ring.size(); ++k) path.line_to(ring[k].first, ring[k].second);
        path.close_polygon();
        rasterizer.reset();
        rasterizer.add_path(path);
        solid.color(agg::rgba8(102, 178, 102, 255));
        agg::render_scanlines(rasterizer, scanline, solid);
        agg::conv_stroke<agg::path_storage> stroke(path);
        stroke.width(1);
        stroke.line_join(agg::round_join);
        rasterizer.reset();
        rasterizer.add_path(stroke);
        solid.color(agg::rgba8(51, 76, 51, 255));
        agg::render_scanlines(rasterizer, scanline, solid);
    }
    solid.color(agg::rgba8(128, 25, 25, 255));
    for (const auto& line : scene.lines) {
        path.remove_all();
        path.move_to(line[0].first, line[0].second);
        for (std::size_t k = 1; k < line.size(); ++k) path.line_to(line[k].first, line[k].second);
        agg::conv_stroke<agg::path_storage> stroke(path);
        stroke.width(2.5);
        stroke.line_join(agg::round_join);
        rasterizer.reset();
        rasterizer.add_path(stroke);
        agg::render_scanlines(rasterizer, scanline, solid);
    }
}

template <typename Draw>
double milliseconds_per_tile(const Scene& scene, Draw draw) {
    std::vector<unsigned char> pixels(256 * 256 * 4);
    draw(scene, pixels);  // warm-up
    const int runs = 200;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < runs; ++i) draw(scene, pixels);
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    return took.count() / runs;
}

}  // namespace

int main() {
    const Scene scene = make_scene();
    for (int round = 0; round < 3; ++round) {
        std::printf("cairo %.2f ms/tile   agg %.2f ms/tile\n",
                    milliseconds_per_tile(scene, draw_cairo),
                    milliseconds_per_tile(scene, draw_agg));
    }
}
