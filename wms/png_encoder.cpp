#include "wms/png_encoder.hpp"

#include <libdeflate.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <vector>

#include "wms/errors.hpp"

namespace wmsgate::wms {
namespace {

struct CompressorDeleter {
    void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

// One compressor per thread and level: allocating one costs more than
// compressing a small tile.
libdeflate_compressor* thread_compressor(int level) {
    thread_local std::array<std::unique_ptr<libdeflate_compressor, CompressorDeleter>, 13> pool;
    const int clamped = std::clamp(level, 1, 12);
    auto& slot = pool[static_cast<std::size_t>(clamped)];
    if (!slot) slot.reset(libdeflate_alloc_compressor(clamped));
    return slot.get();
}

void put_u32(std::string& out, std::uint32_t v) {
    const char bytes[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                           static_cast<char>(v >> 8), static_cast<char>(v)};
    out.append(bytes, 4);
}

void put_chunk(std::string& out, const char (&type)[5], std::string_view data) {
    put_u32(out, static_cast<std::uint32_t>(data.size()));
    const std::size_t start = out.size();
    out.append(type, 4);
    out.append(data);
    put_u32(out, libdeflate_crc32(0, out.data() + start, out.size() - start));
}

// Indexed pixels and their palette (RGBA entries).
struct Indexed {
    std::vector<std::uint8_t> indices;
    std::vector<std::array<std::uint8_t, 4>> palette;
};

// Exact when there are at most 256 colours; otherwise a 6x7x6 colour cube
// plus one fully transparent entry.
Indexed to_indexed(const RgbaImage& image, bool keep_alpha) {
    const std::size_t count = std::size_t{image.width} * image.height;
    Indexed out;
    out.indices.resize(count);
    std::unordered_map<std::uint32_t, std::uint8_t> seen;
    const auto key_at = [&](std::size_t i) {
        const std::uint8_t* p = &image.pixels[i * 4];
        return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 |
               (keep_alpha ? p[3] : 255u);
    };
    bool exact = true;
    for (std::size_t i = 0; i < count && exact; ++i) {
        const auto [it, added] =
            seen.try_emplace(key_at(i), static_cast<std::uint8_t>(seen.size()));
        if (added && seen.size() > 256) exact = false;
        out.indices[i] = it->second;
    }
    if (exact) {
        out.palette.resize(seen.size());
        for (const auto& [key, index] : seen)
            out.palette[index] = {
                static_cast<std::uint8_t>(key >> 24), static_cast<std::uint8_t>(key >> 16),
                static_cast<std::uint8_t>(key >> 8), static_cast<std::uint8_t>(key)};
        return out;
    }
    out.palette.clear();
    for (int r = 0; r < 6; ++r)
        for (int g = 0; g < 7; ++g)
            for (int b = 0; b < 6; ++b)
                out.palette.push_back({static_cast<std::uint8_t>(r * 51),
                                       static_cast<std::uint8_t>(g * 255 / 6),
                                       static_cast<std::uint8_t>(b * 51), 255});
    out.palette.push_back({0, 0, 0, 0});
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint8_t* p = &image.pixels[i * 4];
        if (keep_alpha && p[3] < 128) {
            out.indices[i] = 252;
            continue;
        }
        const int r = (p[0] * 5 + 127) / 255, g = (p[1] * 6 + 127) / 255,
                  b = (p[2] * 5 + 127) / 255;
        out.indices[i] = static_cast<std::uint8_t>((r * 7 + g) * 6 + b);
    }
    return out;
}

// At least `size` bytes: from `kept`, a per-thread buffer kept between maps
// (fresh buffers of a tile's size cost a zero-fill and page faults on every
// map), or for a huge map from `once`, which its caller frees.
constexpr std::size_t kept_buffer_limit = std::size_t{4} << 20;
std::uint8_t* scratch(std::vector<std::uint8_t>& kept, std::vector<std::uint8_t>& once,
                      std::size_t size) {
    if (size > kept_buffer_limit) {
        once.resize(size);
        return once.data();
    }
    if (kept.size() < size) kept.resize(size);
    return kept.data();
}

enum class PngFilter : std::uint8_t { none = 0, sub = 1, up = 2 };

// One RGBA row as RGB (channels 3) or RGBA (4) bytes.
void pack_row(const std::uint8_t* row, std::size_t width, std::size_t channels, std::uint8_t* out) {
    if (channels == 4) {
        std::memcpy(out, row, width * 4);
        return;
    }
    for (std::size_t x = 0; x < width; ++x, out += 3, row += 4) {
        out[0] = row[0];
        out[1] = row[1];
        out[2] = row[2];
    }
}

// The same minus the row above, byte by byte modulo 256: PNG's Up filter.
void pack_row_up(const std::uint8_t* row, const std::uint8_t* above, std::size_t width,
                 std::size_t channels, std::uint8_t* out) {
    if (channels == 4) {
        for (std::size_t i = 0; i < width * 4; ++i)
            out[i] = static_cast<std::uint8_t>(row[i] - above[i]);
        return;
    }
    for (std::size_t x = 0; x < width; ++x, out += 3, row += 4, above += 4) {
        out[0] = static_cast<std::uint8_t>(row[0] - above[0]);
        out[1] = static_cast<std::uint8_t>(row[1] - above[1]);
        out[2] = static_cast<std::uint8_t>(row[2] - above[2]);
    }
}

// The same minus the pixel to the left, byte by byte modulo 256 (the first
// pixel as it is): PNG's Sub filter.
void pack_row_sub(const std::uint8_t* row, std::size_t width, std::size_t channels,
                  std::uint8_t* out) {
    for (std::size_t k = 0; k < channels && width > 0; ++k) out[k] = row[k];
    for (std::size_t x = 1; x < width; ++x) {
        const std::uint8_t* pixel = row + x * 4;
        const std::uint8_t* left = pixel - 4;
        std::uint8_t* o = out + x * channels;
        for (std::size_t k = 0; k < channels; ++k)
            o[k] = static_cast<std::uint8_t>(pixel[k] - left[k]);
    }
}

// Row y (> 0 for Up) of an RGBA image, packed and filtered.
void filtered_row(const std::uint8_t* pixels, std::size_t stride, std::size_t width,
                  std::size_t channels, unsigned y, PngFilter filter, std::uint8_t* out) {
    const std::uint8_t* row = pixels + y * stride;
    if (filter == PngFilter::up) {
        pack_row_up(row, row - stride, width, channels, out);
    } else if (filter == PngFilter::sub) {
        pack_row_sub(row, width, channels, out);
    } else {
        pack_row(row, width, channels, out);
    }
}

// Which filter codes an RGB(A) image smaller. Up turns photographs'
// neighbouring rows into small numbers (bench/wms's imagery maps: 35 %
// fewer bytes in about the same time); Sub does that for ramps that climb
// across a row; a classified map's few distinct colours code better as they
// are. Per-row sums of residuals, libpng's heuristic, choose Up for bench/wms's
// DEM maps too (8 % more bytes than unfiltered). Deflating a band of rows
// from the middle each way at level 1 tells them apart, for a few per cent
// of the image's deflate time.
PngFilter choose_filter(const std::uint8_t* pixels, std::size_t stride, std::size_t width,
                        std::size_t channels, unsigned height) {
    constexpr unsigned band_rows = 16;
    if (height < 2) return PngFilter::none;
    const unsigned rows = std::min(band_rows, height - 1);
    const unsigned first = 1 + (height - 1 - rows) / 2;
    const std::size_t row_bytes = width * channels;
    thread_local std::vector<std::uint8_t> band, deflated;
    band.resize(rows * row_bytes);
    libdeflate_compressor* compressor = thread_compressor(1);
    if (compressor == nullptr) return PngFilter::none;
    deflated.resize(libdeflate_deflate_compress_bound(compressor, band.size()));
    const auto coded_size = [&](PngFilter filter) {
        for (unsigned i = 0; i < rows; ++i)
            filtered_row(pixels, stride, width, channels, first + i, filter,
                         band.data() + i * row_bytes);
        return libdeflate_deflate_compress(compressor, band.data(), band.size(), deflated.data(),
                                           deflated.size());
    };
    PngFilter best = PngFilter::none;
    std::size_t smallest = coded_size(best);
    for (const PngFilter filter : {PngFilter::up, PngFilter::sub}) {
        const std::size_t size = coded_size(filter);
        if (size < smallest) {
            best = filter;
            smallest = size;
        }
    }
    return best;
}

// The PNG scanlines, written into `out` ((row_bytes + 1) * height bytes):
// each row's filter byte, then the row. Palette indices go unfiltered
// (differences of indices mean nothing); RGB(A) rows as choose_filter()
// says, the first row always unfiltered (Up from nothing is the row).
void scanlines(const std::uint8_t* pixels, std::size_t row_bytes, std::size_t stride,
               std::size_t channels, unsigned height, std::uint8_t* out) {
    const std::size_t width = row_bytes / channels;
    const PngFilter filter =
        channels == 1 ? PngFilter::none : choose_filter(pixels, stride, width, channels, height);
    for (unsigned y = 0; y < height; ++y) {
        const PngFilter row_filter = y == 0 && filter == PngFilter::up ? PngFilter::none : filter;
        *out++ = static_cast<std::uint8_t>(row_filter);
        if (channels == 1) {
            std::memcpy(out, pixels + y * stride, row_bytes);
        } else {
            filtered_row(pixels, stride, width, channels, y, row_filter, out);
        }
        out += row_bytes;
    }
}

}  // namespace

tl::expected<std::string, std::error_code> encode_png(const RgbaImage& image,
                                                      const PngOptions& options) {
    const auto failed = tl::unexpected(make_error_code(Errc::encode_failed));
    if (image.width == 0 || image.height == 0) return failed;
    const bool alpha = options.alpha == PngAlpha::keep;
    const bool palette = options.colours == PngColours::palette;

    thread_local std::vector<std::uint8_t> raw_kept, deflate_kept;
    std::vector<std::uint8_t> raw_once, deflate_once;
    Indexed indexed;
    const std::size_t channels = palette ? 1 : (alpha ? 4 : 3);
    const std::size_t row_bytes = std::size_t{image.width} * channels;
    const std::size_t raw_size = (row_bytes + 1) * image.height;
    std::uint8_t* raw = scratch(raw_kept, raw_once, raw_size);
    if (palette) {
        indexed = to_indexed(image, alpha);
        scanlines(indexed.indices.data(), image.width, image.width, 1, image.height, raw);
    } else {
        scanlines(image.pixels.data(), row_bytes, std::size_t{image.width} * 4, channels,
                  image.height, raw);
    }
    libdeflate_compressor* compressor = thread_compressor(options.level);
    if (compressor == nullptr) return failed;
    const std::size_t bound = libdeflate_zlib_compress_bound(compressor, raw_size);
    std::uint8_t* deflate_out = scratch(deflate_kept, deflate_once, bound);
    const std::size_t size =
        libdeflate_zlib_compress(compressor, raw, raw_size, deflate_out, bound);
    if (size == 0) return failed;
    const std::string_view deflated(reinterpret_cast<const char*>(deflate_out), size);

    std::string out = "\x89PNG\r\n\x1a\n";
    // Signature, IHDR, PLTE and tRNS (at most 1 KB), IDAT and IEND: one allocation.
    out.reserve(size + 1100);
    std::string header;
    put_u32(header, image.width);
    put_u32(header, image.height);
    // Bit depth 8; colour type 3 (indexed), 6 (RGBA) or 2 (RGB).
    header += {8, static_cast<char>(palette ? 3 : (alpha ? 6 : 2)), 0, 0, 0};
    put_chunk(out, "IHDR", header);
    if (palette) {
        std::string plte, trns;
        for (const auto& entry : indexed.palette) {
            plte.append(reinterpret_cast<const char*>(entry.data()), 3);
            trns.push_back(static_cast<char>(entry[3]));
        }
        put_chunk(out, "PLTE", plte);
        if (alpha) put_chunk(out, "tRNS", trns);
    }
    put_chunk(out, "IDAT", deflated);
    put_chunk(out, "IEND", "");
    return out;
}

}  // namespace wmsgate::wms
