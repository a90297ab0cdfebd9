#include "wms/area_outline.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace wmsgate::wms {
namespace {

// Sets the columns whose centre lies in [left, right) of a row `width`
// wide and clears those from `done` up to them, so that each byte of a row
// is written once; returns how many were set. Spans come left to right.
std::size_t fill_span(double left, double right, unsigned width, std::uint8_t* row,
                      std::size_t& done) {
    const double first = std::max(0.0, std::ceil(left - 0.5));
    const double end = std::min(double(width), std::ceil(right - 0.5));
    if (!(first < end)) return 0;
    const auto from = static_cast<std::size_t>(first), to = static_cast<std::size_t>(end);
    std::memset(row + done, 0, from - done);
    std::memset(row + from, 1, to - from);
    done = to;
    return to - from;
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
    std::vector<Edge> edges;
    for (auto& ring : rings) {
        // A closing point repeating the first adds a zero-length edge only.
        if (ring.size() > 1 && ring.front().x == ring.back().x && ring.front().y == ring.back().y)
            ring.pop_back();
        if (ring.size() < 3) continue;
        for (const auto& p : ring) extend(envelope_, p);
        for (std::size_t i = 0; i < ring.size(); ++i)
            edges.push_back({ring[i], ring[(i + 1) % ring.size()]});
        rings_.push_back(std::move(ring));
    }
    if (!envelope_) return;
    // About eight edges a band on average.
    const std::size_t bands = std::clamp<std::size_t>(edges.size() / 8, 1, 4096);
    band_height_ = (envelope_->maxy - envelope_->miny) / double(bands);
    band_start_.assign(bands + 1, 0);  // band_of() reads the band count from it
    // Counted first, then placed: starting edges at the front of each band,
    // reaching ones behind them.
    std::vector<std::uint32_t> starting(bands, 0), reaching(bands, 0);
    const auto span = [this](const Edge& e) {
        const auto [low, high] = std::minmax(e.a.y, e.b.y);
        return std::pair{band_of(low), band_of(high)};
    };
    for (const Edge& e : edges) {
        const auto [first, last] = span(e);
        ++starting[first];
        for (std::size_t b = first + 1; b <= last; ++b) ++reaching[b];
    }
    reached_from_.assign(bands, 0);
    for (std::size_t b = 0; b < bands; ++b) {
        reached_from_[b] = band_start_[b] + starting[b];
        band_start_[b + 1] = reached_from_[b] + reaching[b];
    }
    band_edges_.resize(band_start_[bands]);
    std::vector<std::uint32_t> next_start(band_start_.begin(), band_start_.end() - 1);
    std::vector<std::uint32_t> next_reaching(reached_from_);
    for (const Edge& e : edges) {
        const auto [first, last] = span(e);
        band_edges_[next_start[first]++] = e;
        for (std::size_t b = first + 1; b <= last; ++b) band_edges_[next_reaching[b]++] = e;
    }
    const auto by_least_x = [](const Edge& l, const Edge& r) {
        return std::min(l.a.x, l.b.x) < std::min(r.a.x, r.b.x);
    };
    const auto at = [this](std::uint32_t i) { return band_edges_.begin() + i; };
    for (std::size_t b = 0; b < bands; ++b) {
        std::sort(at(band_start_[b]), at(reached_from_[b]), by_least_x);
        std::sort(at(reached_from_[b]), at(band_start_[b + 1]), by_least_x);
    }
}

std::size_t AreaOutline::band_of(double y) const {
    if (!(band_height_ > 0)) return 0;
    const double band = std::floor((y - envelope_->miny) / band_height_);
    return static_cast<std::size_t>(std::clamp(band, 0.0, double(band_start_.size() - 2)));
}

std::size_t AreaOutline::vertices() const {
    std::size_t n = 0;
    for (const auto& ring : rings_) n += ring.size();
    return n;
}

void AreaOutline::select(const MapBox& box, unsigned width, unsigned height, unsigned row0,
                         unsigned row1, Selection& out) const {
    out.inner.clear();
    out.left_parity.assign(row1 - row0 + 1, 0);
    const double sx = width / (box.maxx - box.minx);
    const double sy = height / (box.maxy - box.miny);
    // The map y range of these rows' centre lines, widened a little: the
    // bands only preselect, the row test below decides.
    const double top = box.maxy - row0 / sy, bottom = box.maxy - row1 / sy;
    const std::size_t first = band_of(bottom), last = band_of(top);
    const std::size_t bands = band_start_.empty() ? 0 : band_start_.size() - 1;
    // One run of a band's edges, ordered by least x.
    const auto take = [&](std::uint32_t begin, std::uint32_t end) {
        for (std::uint32_t i = begin; i < end; ++i) {
            const Edge& e = band_edges_[i];
            const double ax = (e.a.x - box.minx) * sx, bx = (e.b.x - box.minx) * sx;
            // Wholly right of every pixel centre: it only closes spans the
            // map never sees; and so is every edge after it in the run
            // (x to pixels is monotonic, so the order holds in pixels).
            if (std::min(ax, bx) >= width) return;
            const double ay = (box.maxy - e.a.y) * sy, by = (box.maxy - e.b.y) * sy;
            const double upper = std::min(ay, by), lower = std::max(ay, by);
            if (!(upper <= row1 - 0.5 && lower > row0 + 0.5)) continue;
            if (ay == by) continue;  // horizontal: crosses no row's centre line
            // Rows whose centre line y = row + 0.5 lies in [upper, lower).
            const double first_row = std::max(double(row0), std::ceil(upper - 0.5));
            const double last_row = std::min(double(row1) - 1, std::ceil(lower - 0.5) - 1);
            if (!(first_row <= last_row)) continue;
            // Wholly left: it flips the parity of its rows.
            if (std::max(ax, bx) < 0) {
                out.left_parity[std::size_t(first_row) - row0] ^= 1;
                out.left_parity[std::size_t(last_row) + 1 - row0] ^= 1;
                continue;
            }
            out.inner.push_back({ax, ay, (bx - ax) / (by - ay), int(first_row), int(last_row)});
        }
    };
    for (std::size_t band = first; band <= last && band < bands; ++band) {
        // Each edge once: all of the first band looked at, of the others
        // only the edges starting in them.
        take(band_start_[band], reached_from_[band]);
        if (band == first) take(reached_from_[band], band_start_[band + 1]);
    }
    // From flips at the rows where edges begin and end to the parity of
    // each row.
    for (std::size_t r = 1; r < out.left_parity.size(); ++r)
        out.left_parity[r] ^= out.left_parity[r - 1];
}

std::size_t AreaOutline::fill(const MapBox& box, unsigned width, unsigned height, unsigned row0,
                              unsigned row1, std::uint8_t* rows, std::uint8_t* touched) const {
    // A thread's working memory, kept between maps: allocating it per map
    // cost more than filling small ones.
    struct Crossing {
        double x;
        const PixelEdge* edge;
    };
    struct Scratch {
        Selection selection;
        std::vector<std::uint32_t> starts;
        std::vector<const PixelEdge*> by_row;
        std::vector<Crossing> active;
    };
    thread_local Scratch scratch;
    auto& [selection, starts, by_row, active] = scratch;
    select(box, width, height, row0, row1, selection);
    const auto& edges = selection.inner;
    // Scanline fill: edges enter the active list at their first row and
    // leave after their last; each row's crossings, in x order, pair up into
    // the spans inside. An odd number of edges left of the map opens a span
    // at its left border; a span still open at the end runs to the right
    // border (its closing edges lie beyond it).
    // Edges by first row: a counting sort, as rows are few and edges many.
    starts.assign(row1 - row0 + 1, 0);
    for (const PixelEdge& e : edges) ++starts[std::size_t(e.first_row) - row0 + 1];
    for (std::size_t r = 1; r < starts.size(); ++r) starts[r] += starts[r - 1];
    by_row.resize(edges.size());
    for (const PixelEdge& e : edges) by_row[starts[std::size_t(e.first_row) - row0]++] = &e;
    active.clear();
    std::size_t next = 0, covered = 0;
    for (unsigned row = row0; row < row1; ++row) {
        std::size_t added = 0;
        for (; next < by_row.size() && by_row[next]->first_row <= int(row); ++next, ++added)
            active.push_back({0, by_row[next]});
        std::erase_if(active, [row](const Crossing& c) { return c.edge->last_row < int(row); });
        const bool open_at_left = selection.left_parity[row - row0] != 0;
        std::uint8_t* line = rows + std::size_t(row - row0) * width;
        if (active.empty() && !open_at_left) {
            std::memset(line, 0, width);
            if (touched != nullptr) touched[row - row0] = 0;
            continue;
        }
        const double centre = row + 0.5;
        for (Crossing& c : active) c.x = c.edge->x0 + (centre - c.edge->y0) * c.edge->dxdy;
        // The rings never cross, so the order of the edges in a row is
        // that of the row before (give or take rounding where they meet):
        // kept in the active list, it makes sorting the newcomers in cheap.
        const auto by_x = [](const Crossing& l, const Crossing& r) { return l.x < r.x; };
        if (added > 16) {
            std::sort(active.begin(), active.end(), by_x);
        } else {
            for (std::size_t i = 1; i < active.size(); ++i)
                for (std::size_t j = i; j > 0 && by_x(active[j], active[j - 1]); --j)
                    std::swap(active[j], active[j - 1]);
        }
        std::size_t set = 0, done = 0;
        bool inside = open_at_left;
        double span_start = -std::numeric_limits<double>::infinity();
        for (const Crossing& c : active) {
            if (inside) {
                set += fill_span(span_start, c.x, width, line, done);
            } else {
                span_start = c.x;
            }
            inside = !inside;
        }
        if (inside)
            set +=
                fill_span(span_start, std::numeric_limits<double>::infinity(), width, line, done);
        std::memset(line + done, 0, width - done);
        if (touched != nullptr) touched[row - row0] = set != 0;
        covered += set;
    }
    return covered;
}

AreaMask AreaOutline::mask(const MapBox& box, unsigned width, unsigned height) const {
    AreaMask out;
    mask(box, width, height, out);
    return out;
}

void AreaOutline::mask(const MapBox& box, unsigned width, unsigned height, AreaMask& out) const {
    out.width = width;
    out.height = height;
    out.cover = AreaMask::Cover::none;
    out.row_touched.clear();
    if (width == 0 || height == 0 || !envelope_ || envelope_->maxx < box.minx ||
        envelope_->minx > box.maxx || envelope_->maxy < box.miny || envelope_->miny > box.maxy) {
        out.inside.clear();
        return;
    }
    // Not cleared first: fill() writes every byte, and resize() keeps a
    // reused mask's memory and contents (no allocation or zeroing per map).
    out.inside.resize(std::size_t(width) * height);
    out.row_touched.assign(height, 0);
    const std::size_t covered =
        fill(box, width, height, 0, height, out.inside.data(), out.row_touched.data());
    if (covered == 0 || covered == std::size_t(width) * height) {
        out.cover = covered == 0 ? AreaMask::Cover::none : AreaMask::Cover::all;
        out.inside.clear();
        out.row_touched.clear();
    } else {
        out.cover = AreaMask::Cover::part;
    }
}

bool AreaOutline::covers_pixel(const MapBox& box, unsigned width, unsigned height, unsigned column,
                               unsigned row) const {
    if (column >= width || row >= height || !envelope_) return false;
    // The mask's own code, for this one row.
    std::vector<std::uint8_t> line(width, 0);
    fill(box, width, height, row, row + 1, line.data(), nullptr);
    return line[column] != 0;
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
