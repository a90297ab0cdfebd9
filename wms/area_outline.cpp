#include "wms/area_outline.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace wmsgate::wms {
namespace {

// Columns whose centre lies in [left, right) of a row `width` wide.
void fill_span(double left, double right, unsigned width, std::uint8_t* row) {
    const double first = std::max(0.0, std::ceil(left - 0.5));
    const double end = std::min(double(width), std::ceil(right - 0.5));
    if (first < end)
        std::memset(row + static_cast<std::size_t>(first), 1,
                    static_cast<std::size_t>(end - first));
}

// Liang-Barsky: the part of segment a-b inside `box`, if any.
bool clip_segment(Point& a, Point& b, const MapBox& box) {
    double t0 = 0, t1 = 1;
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double p[4] = {-dx, dx, -dy, dy};
    const double q[4] = {a.x - box.minx, box.maxx - a.x, a.y - box.miny, box.maxy - a.y};
    for (int k = 0; k < 4; ++k) {
        if (p[k] == 0) {
            if (q[k] < 0) return false;
            continue;
        }
        const double t = q[k] / p[k];
        if (p[k] < 0) {
            t0 = std::max(t0, t);
        } else {
            t1 = std::min(t1, t);
        }
        if (t0 > t1) return false;
    }
    const Point start = a;
    a = {start.x + t0 * dx, start.y + t0 * dy};
    b = {start.x + t1 * dx, start.y + t1 * dy};
    return true;
}

void extend(std::optional<MapBox>& box, const Point& p) {
    if (!box) {
        box = MapBox{p.x, p.y, p.x, p.y};
        return;
    }
    box->minx = std::min(box->minx, p.x);
    box->miny = std::min(box->miny, p.y);
    box->maxx = std::max(box->maxx, p.x);
    box->maxy = std::max(box->maxy, p.y);
}

}  // namespace

AreaOutline::AreaOutline(std::vector<std::vector<Point>> rings) {
    for (auto& ring : rings) {
        // A closing point repeating the first adds a zero-length edge only.
        if (ring.size() > 1 && ring.front().x == ring.back().x && ring.front().y == ring.back().y)
            ring.pop_back();
        if (ring.size() < 3) continue;
        for (const auto& p : ring) extend(envelope_, p);
        rings_.push_back(std::move(ring));
    }
}

std::size_t AreaOutline::vertices() const {
    std::size_t n = 0;
    for (const auto& ring : rings_) n += ring.size();
    return n;
}

std::vector<AreaOutline::PixelEdge> AreaOutline::pixel_edges(const MapBox& box, unsigned width,
                                                             unsigned height) const {
    const double sx = width / (box.maxx - box.minx);
    const double sy = height / (box.maxy - box.miny);
    std::vector<PixelEdge> edges;
    for (const auto& ring : rings_) {
        for (std::size_t i = 0; i < ring.size(); ++i) {
            const Point& a = ring[i];
            const Point& b = ring[(i + 1) % ring.size()];
            const double ax = (a.x - box.minx) * sx, ay = (box.maxy - a.y) * sy;
            const double bx = (b.x - box.minx) * sx, by = (box.maxy - b.y) * sy;
            if (ay == by) continue;  // horizontal: crosses no row's centre line
            const double top = std::min(ay, by), bottom = std::max(ay, by);
            // Rows whose centre line y = row + 0.5 lies in [top, bottom).
            const double first = std::max(0.0, std::ceil(top - 0.5));
            const double last = std::min(double(height) - 1, std::ceil(bottom - 0.5) - 1);
            if (!(first <= last)) continue;
            edges.push_back({ax, ay, (bx - ax) / (by - ay), int(first), int(last)});
        }
    }
    return edges;
}

AreaMask AreaOutline::mask(const MapBox& box, unsigned width, unsigned height) const {
    AreaMask out;
    out.width = width;
    out.height = height;
    if (width == 0 || height == 0 || !envelope_ || envelope_->maxx < box.minx ||
        envelope_->minx > box.maxx || envelope_->maxy < box.miny || envelope_->miny > box.maxy)
        return out;

    // Scanline fill: edges enter the active list at their first row and
    // leave after their last; each row's crossings, sorted, pair up into
    // the spans inside.
    auto edges = pixel_edges(box, width, height);
    std::sort(edges.begin(), edges.end(),
              [](const PixelEdge& a, const PixelEdge& b) { return a.first_row < b.first_row; });
    out.inside.assign(std::size_t(width) * height, 0);
    out.row_touched.assign(height, 0);
    std::vector<const PixelEdge*> active;
    std::vector<double> crossings;
    std::size_t next = 0;
    std::size_t covered = 0;
    for (unsigned row = 0; row < height; ++row) {
        while (next < edges.size() && edges[next].first_row <= int(row))
            active.push_back(&edges[next++]);
        active.erase(std::remove_if(active.begin(), active.end(),
                                    [row](const PixelEdge* e) { return e->last_row < int(row); }),
                     active.end());
        if (active.empty()) continue;
        const double centre = row + 0.5;
        crossings.clear();
        for (const PixelEdge* e : active) crossings.push_back(e->x0 + (centre - e->y0) * e->dxdy);
        std::sort(crossings.begin(), crossings.end());
        std::uint8_t* line = out.inside.data() + std::size_t(row) * width;
        for (std::size_t k = 0; k + 1 < crossings.size(); k += 2)
            fill_span(crossings[k], crossings[k + 1], width, line);
        const auto n = static_cast<std::size_t>(std::count(line, line + width, 1));
        out.row_touched[row] = n != 0;
        covered += n;
    }
    if (covered == 0) {
        out.inside.clear();
        out.row_touched.clear();
    } else if (covered == std::size_t(width) * height) {
        out.cover = AreaMask::Cover::all;
        out.inside.clear();
        out.row_touched.clear();
    } else {
        out.cover = AreaMask::Cover::part;
    }
    return out;
}

bool AreaOutline::covers_pixel(const MapBox& box, unsigned width, unsigned height, unsigned column,
                               unsigned row) const {
    if (column >= width || row >= height) return false;
    const double centre_x = column + 0.5, centre_y = row + 0.5;
    // Crossings left of or at the centre, by the mask's rules: the centre
    // is inside when their number is odd.
    std::size_t left = 0;
    for (const PixelEdge& e : pixel_edges(box, width, height)) {
        if (e.first_row > int(row) || e.last_row < int(row)) continue;
        if (e.x0 + (centre_y - e.y0) * e.dxdy <= centre_x) ++left;
    }
    return left % 2 == 1;
}

bool AreaOutline::inside(double x, double y) const {
    bool in = false;
    for (const auto& ring : rings_) {
        for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
            const Point& a = ring[i];
            const Point& b = ring[j];
            if ((a.y > y) != (b.y > y) && x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x) in = !in;
        }
    }
    return in;
}

std::optional<MapBox> AreaOutline::clipped_envelope(const MapBox& box) const {
    // The boundary of (area ∩ box) is made of the rings' parts inside the
    // box and the box's parts inside the area; the latter end at crossings
    // (already among the former) or at the box's corners.
    std::optional<MapBox> out;
    for (const auto& ring : rings_) {
        for (std::size_t i = 0; i < ring.size(); ++i) {
            Point a = ring[i], b = ring[(i + 1) % ring.size()];
            if (!clip_segment(a, b, box)) continue;
            extend(out, a);
            extend(out, b);
        }
    }
    for (const Point corner : {Point{box.minx, box.miny}, Point{box.maxx, box.miny},
                               Point{box.minx, box.maxy}, Point{box.maxx, box.maxy}})
        if (inside(corner.x, corner.y)) extend(out, corner);
    // Touching in a line or a point only is no overlap.
    if (out && (out->minx >= out->maxx || out->miny >= out->maxy)) return std::nullopt;
    return out;
}

}  // namespace wmsgate::wms
