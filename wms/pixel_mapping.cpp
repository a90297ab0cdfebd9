#include "wms/pixel_mapping.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "wms/crs_reach.hpp"

namespace wmsgate::wms {
namespace {

// Grid spacing in output pixels, and the most an interpolated position may
// be off (GDAL's default error threshold for the approximate transformer).
constexpr unsigned grid_step = 16;
constexpr double max_error = 0.125;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

std::vector<unsigned> grid_positions(unsigned size) {
    std::vector<unsigned> out;
    for (unsigned p = 0; p < size; p += grid_step) out.push_back(p);
    if (out.back() != size - 1) out.push_back(size - 1);
    if (out.size() == 1) out.push_back(out.front());  // a one-pixel-wide map
    return out;
}

void extend(PixelBounds& bounds, double x, double y) {
    if (std::isnan(x) || std::isnan(y)) return;
    bounds = {std::min(bounds.minx, x), std::min(bounds.miny, y), std::max(bounds.maxx, x),
              std::max(bounds.maxy, y)};
}

PixelBounds nothing() {
    constexpr double big = std::numeric_limits<double>::max();
    return {big, big, -big, -big};
}

void unite(PixelBounds& bounds, const PixelBounds& other) {
    if (other.empty()) return;
    extend(bounds, other.minx, other.miny);
    extend(bounds, other.maxx, other.maxy);
}

double fraction(unsigned p, unsigned p0, unsigned p1) {
    return p1 == p0 ? 0.0 : static_cast<double>(p - p0) / static_cast<double>(p1 - p0);
}

// The index of the last position <= p, at most size - 2.
std::size_t interval_of(const std::vector<unsigned>& positions, unsigned p) {
    const auto it = std::upper_bound(positions.begin(), positions.end(), p);
    const auto index = static_cast<std::size_t>(
        std::max<std::ptrdiff_t>(0, std::distance(positions.begin(), it) - 1));
    return std::min(index, positions.size() - 2);
}

}  // namespace

PixelMapping::PixelMapping(const SourceGeoref& georef, const MapBox& box, unsigned width,
                           unsigned height)
    : georef_(georef), box_(box), width_(width), height_(height) {
    if (georef_.relation == CrsRelation::transformed) {
        build_grid();
        return;
    }
    const auto& ig = georef_.inverse_gt;
    const double dx = (box_.maxx - box_.minx) / width_;
    const double dy = (box_.maxy - box_.miny) / height_;
    scale_ = std::min(std::hypot(ig[1], ig[4]) * dx, std::hypot(ig[2], ig[5]) * dy);
}

void PixelMapping::map_point(double px, double py, double& mx, double& my) const {
    mx = box_.minx + px * (box_.maxx - box_.minx) / width_;
    my = box_.maxy - py * (box_.maxy - box_.miny) / height_;
}

void PixelMapping::to_pixels(std::size_t n, double* x, double* y) const {
    std::vector<int> ok(n, FALSE);
    if (georef_.to_source != nullptr)
        transform_within(*georef_.to_source, georef_.reach, n, x, y, ok.data());
    const auto& ig = georef_.inverse_gt;
    for (std::size_t k = 0; k < n; ++k) {
        const double mx = x[k], my = y[k];
        if (!ok[k] || !std::isfinite(mx) || !std::isfinite(my)) {
            x[k] = y[k] = nan;
            continue;
        }
        x[k] = ig[0] + mx * ig[1] + my * ig[2];
        y[k] = ig[3] + mx * ig[4] + my * ig[5];
    }
}

void PixelMapping::transform_pixels(unsigned y, unsigned x0, unsigned x1, double* x_out,
                                    double* y_out) const {
    for (unsigned x = x0; x < x1; ++x) map_point(x + 0.5, y + 0.5, x_out[x - x0], y_out[x - x0]);
    to_pixels(x1 - x0, x_out, y_out);
}

void PixelMapping::build_grid() {
    xs_ = grid_positions(width_);
    ys_ = grid_positions(height_);
    // All nodes, then all cell centres, in one PROJ call each: PROJ's
    // per-call cost is far above its per-point cost.
    node_x_.resize(xs_.size() * ys_.size());
    node_y_.resize(node_x_.size());
    for (std::size_t j = 0; j < ys_.size(); ++j)
        for (std::size_t i = 0; i < xs_.size(); ++i)
            map_point(xs_[i] + 0.5, ys_[j] + 0.5, node_x_[node(i, j)], node_y_[node(i, j)]);
    to_pixels(node_x_.size(), node_x_.data(), node_y_.data());
    std::vector<double> row_x(width_), row_y(width_);
    const std::size_t columns = xs_.size() - 1;
    const std::size_t rows = ys_.size() - 1;
    cells_.assign(columns * rows, {});
    std::vector<double> centre_x(cells_.size()), centre_y(cells_.size());
    for (std::size_t j = 0; j < rows; ++j)
        for (std::size_t i = 0; i < columns; ++i)
            map_point((xs_[i] + xs_[i + 1]) / 2.0 + 0.5, (ys_[j] + ys_[j + 1]) / 2.0 + 0.5,
                      centre_x[j * columns + i], centre_y[j * columns + i]);
    to_pixels(cells_.size(), centre_x.data(), centre_y.data());
    std::vector<double> scales;
    for (std::size_t j = 0; j < rows; ++j) {
        for (std::size_t i = 0; i < columns; ++i) {
            Cell& cell = cells_[j * columns + i];
            cell.bounds = nothing();
            const std::size_t corners[4] = {node(i, j), node(i + 1, j), node(i, j + 1),
                                            node(i + 1, j + 1)};
            bool all_mapped = true;
            double mean_x = 0, mean_y = 0;
            for (const std::size_t c : corners) {
                all_mapped = all_mapped && !std::isnan(node_x_[c]);
                extend(cell.bounds, node_x_[c], node_y_[c]);
                mean_x += node_x_[c] / 4;
                mean_y += node_y_[c] / 4;
            }
            // The cell's centre, transformed exactly, against the interpolation.
            const std::size_t c = j * columns + i;
            all_mapped = all_mapped && !std::isnan(centre_x[c]) &&
                         std::hypot(centre_x[c] - mean_x, centre_y[c] - mean_y) <= max_error;
            if (all_mapped) {
                const double across = std::hypot(node_x_[corners[1]] - node_x_[corners[0]],
                                                 node_y_[corners[1]] - node_y_[corners[0]]);
                const double down = std::hypot(node_x_[corners[2]] - node_x_[corners[0]],
                                               node_y_[corners[2]] - node_y_[corners[0]]);
                const unsigned w = xs_[i + 1] - xs_[i], h = ys_[j + 1] - ys_[j];
                if (w > 0 && h > 0) scales.push_back(std::min(across / w, down / h));
                continue;
            }
            cell.exact = true;
            cell.bounds = nothing();
            for (unsigned y = ys_[j]; y <= ys_[j + 1]; ++y) {
                const unsigned x0 = xs_[i], x1 = xs_[i + 1] + 1;
                transform_pixels(y, x0, x1, row_x.data(), row_y.data());
                for (unsigned k = 0; k < x1 - x0; ++k) extend(cell.bounds, row_x[k], row_y[k]);
            }
        }
    }
    if (!scales.empty()) {
        std::nth_element(scales.begin(), scales.begin() + static_cast<long>(scales.size() / 2),
                         scales.end());
        scale_ = scales[scales.size() / 2];
    } else if (const PixelBounds all = bounds(0, height_); !all.empty()) {
        scale_ = std::min((all.maxx - all.minx) / width_, (all.maxy - all.miny) / height_);
    }
}

void PixelMapping::row(unsigned y, double* x_out, double* y_out) const {
    if (georef_.relation == CrsRelation::unrelated) {
        std::fill(x_out, x_out + width_, nan);
        std::fill(y_out, y_out + width_, nan);
        return;
    }
    if (georef_.relation == CrsRelation::same) {
        const auto& ig = georef_.inverse_gt;
        double mx0 = 0, my = 0, mx1 = 0, unused = 0;
        map_point(0.5, y + 0.5, mx0, my);
        map_point(1.5, y + 0.5, mx1, unused);
        const double step = mx1 - mx0;
        for (unsigned x = 0; x < width_; ++x) {
            const double mx = mx0 + x * step;
            x_out[x] = ig[0] + mx * ig[1] + my * ig[2];
            y_out[x] = ig[3] + mx * ig[4] + my * ig[5];
        }
        return;
    }
    const std::size_t j = interval_of(ys_, y);
    const double ty = fraction(y, ys_[j], ys_[j + 1]);
    const std::size_t columns = xs_.size() - 1;
    for (std::size_t i = 0; i < columns; ++i) {
        const unsigned x0 = xs_[i];
        // The last cell also owns the map's last column.
        const unsigned x1 = i + 1 == columns ? xs_[i + 1] + 1 : xs_[i + 1];
        if (cells_[j * columns + i].exact) {
            transform_pixels(y, x0, x1, x_out + x0, y_out + x0);
            continue;
        }
        const auto lerp = [](double a, double b, double t) { return a + (b - a) * t; };
        const double lx = lerp(node_x_[node(i, j)], node_x_[node(i, j + 1)], ty);
        const double ly = lerp(node_y_[node(i, j)], node_y_[node(i, j + 1)], ty);
        const double rx = lerp(node_x_[node(i + 1, j)], node_x_[node(i + 1, j + 1)], ty);
        const double ry = lerp(node_y_[node(i + 1, j)], node_y_[node(i + 1, j + 1)], ty);
        for (unsigned x = x0; x < x1; ++x) {
            const double tx = fraction(x, xs_[i], xs_[i + 1]);
            x_out[x] = lerp(lx, rx, tx);
            y_out[x] = lerp(ly, ry, tx);
        }
    }
}

bool PixelMapping::separable() const {
    const auto& ig = georef_.inverse_gt;
    return georef_.relation == CrsRelation::same && ig[2] == 0 && ig[4] == 0;
}

double PixelMapping::column(unsigned x) const {
    double mx = 0, my = 0;
    map_point(x + 0.5, 0.5, mx, my);
    return georef_.inverse_gt[0] + mx * georef_.inverse_gt[1];
}

double PixelMapping::line(unsigned y) const {
    double mx = 0, my = 0;
    map_point(0.5, y + 0.5, mx, my);
    return georef_.inverse_gt[3] + my * georef_.inverse_gt[5];
}

PixelBounds PixelMapping::bounds(unsigned y0, unsigned y1) const {
    PixelBounds out = nothing();
    if (georef_.relation == CrsRelation::unrelated || y0 >= y1) return out;
    if (georef_.relation == CrsRelation::same) {
        std::vector<double> x(width_), y(width_);
        for (const unsigned row_index : {y0, y1 - 1}) {
            row(row_index, x.data(), y.data());
            extend(out, x.front(), y.front());
            extend(out, x.back(), y.back());
        }
        return out;
    }
    const std::size_t columns = xs_.size() - 1;
    for (std::size_t j = 0; j + 1 < ys_.size(); ++j) {
        if (ys_[j] >= y1 || ys_[j + 1] < y0) continue;
        for (std::size_t i = 0; i < columns; ++i) unite(out, cells_[j * columns + i].bounds);
    }
    return out;
}

}  // namespace wmsgate::wms
