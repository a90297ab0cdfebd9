#pragma once

// Reading the part of a source raster that a map needs. Private to wms/'s
// rendering.

#include <gdal_priv.h>

#include <cstdint>
#include <memory>
#include <tl/expected.hpp>
#include <vector>

#include "wms/errors.hpp"
#include "wms/pixel_mapping.hpp"
#include "wms/resampling.hpp"
#include "wms/styles.hpp"

namespace wmsgate::wms {

// What the resampler works on.
enum class SampleKind {
    rgba,    // bytes drawn as they are: RGB(A), grey, or a colour table expanded
    values,  // band values (Float32) to scale or to draw through a ramp
};

// How to read a dataset for one paint, decided once per layer and map.
struct SourceLayout {
    SampleKind kind = SampleKind::rgba;
    int colour_bands[3] = {1, 1, 1};          // 1-based; `channels` of them are used
    int channels = 3;                         // values: 1 or 3; rgba: always 3
    const GDALColorTable* palette = nullptr;  // band 1's, drawn in its colours
    // Which pixels hold data: all, the bands' nodata values, or GDAL's mask
    // band (an alpha band, a per-dataset mask).
    enum class Validity { all, nodata, mask } validity = Validity::all;
    std::vector<double> nodata;  // per colour band; NaN where a band has none
};

SourceLayout source_layout(GDALDataset& dataset, const Paint& paint);

// A buffer that keeps its memory from one map to the next and never
// zero-fills: every read rewrites it, and clearing several MB per map showed
// in profiles (as did the allocator's churn on buffers this large).
template <class T>
class Scratch {
  public:
    void resize(std::size_t size) {
        if (size > capacity_) {
            data_ = std::make_unique_for_overwrite<T[]>(size);
            capacity_ = size;
        }
        size_ = size;
    }
    std::size_t size() const { return size_; }
    std::size_t bytes_held() const { return capacity_ * sizeof(T); }
    T* data() { return data_.get(); }
    const T* data() const { return data_.get(); }
    T& operator[](std::size_t i) { return data_[i]; }
    const T& operator[](std::size_t i) const { return data_[i]; }

  private:
    std::unique_ptr<T[]> data_;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};

// A window of one overview level, read into memory. A full-resolution
// source position (u, v) is sampled at buffer position
// (u * ax + bx, v * ay + by), pixel centres at integers.
struct SourceWindow {
    int width = 0;
    int height = 0;
    double ax = 1, bx = 0, ay = 1, by = 0;
    // rgba: four planes (R, G, B, A) of width * height, straight alpha.
    // Planes rather than pixels: GDAL fills a plane with block-row copies,
    // but a pixel-interleaved buffer byte by byte. When `opaque`, the A
    // plane is not filled (every pixel holds data).
    Scratch<std::uint8_t> rgba;
    bool opaque = false;
    // values: `channels` planes of width * height, and each pixel's coverage
    // (0: no data, 255: data; in between where a mask was averaged).
    Scratch<float> values;
    Scratch<std::uint8_t> coverage;

    std::size_t bytes_held() const {
        return rgba.bytes_held() + values.bytes_held() + coverage.bytes_held();
    }
};

// Reads what `area` (full-resolution pixel/line) needs from the overview
// level that best suits `scale` source pixels per map pixel: the coarsest
// one that is still at least as fine as the map, so that bilinear sampling
// neither blurs nor skips pixels. Beyond that level's reach (a zoomed-out
// map of a raster without overviews) the window is averaged down while
// being read. `out` is reused (its buffers keep their memory). An empty
// window when `area` misses the raster; an error when GDAL cannot read the
// pixels (a corrupt or truncated file).
// The window reaches as far past `area` as `kernel` samples (two pixels for
// cubic, one otherwise); a nearest-neighbour layer is also decimated by
// nearest neighbour when averaging would be needed, as gdalwarp -r near does.
tl::expected<void, Errc> read_window(GDALDataset& dataset, const SourceLayout& layout,
                                     const PixelBounds& area, double scale, Resampling kernel,
                                     SourceWindow& out);

}  // namespace wmsgate::wms
