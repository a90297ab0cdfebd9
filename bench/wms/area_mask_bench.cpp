// What limiting a layer to an area costs a map. Makes its own data (a
// 4096x4096 tiled RGB GeoTIFF with overviews over lon 0..20, lat 40..60) and
// a 10,000-vertex area (a wavy disc, like a district boundary, written in
// EPSG:3857 so that every map CRS needs a transformation), then times on one
// thread (its CPU time), per scenario: the map without an area, the mask alone (ours, and
// GDALRasterizeGeometries into a MEM dataset for comparison), and the map
// with the area. Prints medians; nothing passes or fails.
//   wms_area_bench [ROUNDS]
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/args.hpp"
#include "daemon/console.hpp"
#include "wms/area.hpp"
#include "wms/image_encoder.hpp"
#include "wms/renderer.hpp"

namespace {

using namespace wmsgate::wms;
// This thread's CPU time: the machine is shared, and wall time would count
// the other processes' turns too.
struct Clock {
    using time_point = double;  // ms
    static time_point now() {
        timespec t{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
    }
};

double ms_since(Clock::time_point start) {
    return Clock::now() - start;
}

double median(std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
    return v[v.size() / 2];
}

std::string make_raster(const std::filesystem::path& dir) {
    std::string path = (dir / "ortho.tif").string();
    const int size = 4096;
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    const char* options[] = {"TILED=YES", "COMPRESS=DEFLATE", nullptr};
    GDALDatasetUniquePtr ds(
        gtiff->Create(path.c_str(), size, size, 3, GDT_Byte, const_cast<char**>(options)));
    double gt[6] = {0, 20.0 / size, 0, 60, 0, -20.0 / size};
    ds->SetGeoTransform(gt);
    OGRSpatialReference wgs84;
    wgs84.importFromEPSG(4326);
    ds->SetSpatialRef(&wgs84);
    std::vector<std::uint8_t> row(size);
    for (int b = 1; b <= 3; ++b) {
        for (int y = 0; y < size; ++y) {
            for (int x = 0; x < size; ++x)
                row[x] = static_cast<std::uint8_t>((x * b + y * (4 - b) + ((x ^ y) & 31)) & 255);
            if (ds->GetRasterBand(b)->RasterIO(GF_Write, 0, y, size, 1, row.data(), size, 1,
                                               GDT_Byte, 0, 0) != CE_None)
                return {};
        }
    }
    const int levels[] = {2, 4, 8, 16};
    ds->BuildOverviews("AVERAGE", 4, levels, 0, nullptr, nullptr, nullptr);
    return path;
}

// `value` as printf's %.3f writes it, but never with the locale's decimal
// separator.
std::string three_decimals(double value) {
    std::array<char, 48> text{};
    const auto written =
        std::to_chars(text.data(), text.data() + text.size(), value, std::chars_format::fixed, 3);
    return {text.data(), written.ptr};
}

// A disc around lon 10, lat 50 whose radius waves, 10,000 vertices, in
// Web Mercator metres: a boundary that crosses each map row a few times,
// as real ones do.
std::string wavy_disc_wkt() {
    const double r = 6378137.0;
    const auto mx = [&](double lon) { return r * lon * M_PI / 180; };
    const auto my = [&](double lat) { return r * std::log(std::tan(M_PI / 4 + lat * M_PI / 360)); };
    std::string wkt = "POLYGON((";
    const int n = 10000;
    for (int k = 0; k <= n; ++k) {
        const double a = 2 * M_PI * (k % n) / n;
        const double radius = 6.0 * (1 + 0.08 * std::sin(37 * a) + 0.03 * std::sin(411 * a));
        if (k) wkt += ',';
        wkt += three_decimals(mx(10 + radius * std::cos(a))) + " " +
               three_decimals(my(50 + 0.7 * radius * std::sin(a)));
    }
    return wkt + "))";
}

// The same mask by GDALRasterizeGeometries (pixel centres, as ours).
double gdal_rasterize_ms(OGRGeometry& geometry, const MapBox& box, unsigned width,
                         unsigned height) {
    const auto start = Clock::now();
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDatasetUniquePtr ds(mem->Create("", int(width), int(height), 1, GDT_Byte, nullptr));
    double gt[6] = {box.minx, (box.maxx - box.minx) / width,  0, box.maxy,
                    0,        -(box.maxy - box.miny) / height};
    ds->SetGeoTransform(gt);
    int band = 1;
    double burn = 1;
    OGRGeometryH handle = OGRGeometry::ToHandle(&geometry);
    GDALRasterizeGeometries(ds.get(), 1, &band, 1, &handle, nullptr, nullptr, &burn, nullptr,
                            nullptr, nullptr);
    return ms_since(start);
}

struct Scenario {
    const char* name;
    int epsg;
    MapBox box;
};

}  // namespace

int main(int argc, char** argv) {
    using wmsgate::daemon::console::message;
    const auto rounds =
        argc > 1 ? wmsgate::bench::parse_number(argv[1], 3, 100000) : std::optional<int>(30);
    if (argc > 2 || !rounds) {
        message("usage: wms_area_bench [ROUNDS]  (ROUNDS 3-100000, default 30)");
        return 2;
    }
    GDALAllRegister();
    const auto dir = std::filesystem::temp_directory_path() / "wmsgate-area-bench";
    std::filesystem::create_directories(dir);
    const std::string raster = make_raster(dir);
    if (raster.empty()) return 1;

    auto start = Clock::now();
    auto made = Area::from_wkt(wavy_disc_wkt(), 3857);
    if (!made) {
        message("area: " + made.error().reason);
        return 1;
    }
    const auto area = *made;
    const double prepare = ms_since(start);
    std::printf("area: %zu vertices in EPSG:3857, read and prepared in %.1f ms (once per reload)\n",
                area->vertices(), prepare);

    const double mlat = 6378137.0 * std::log(std::tan(M_PI / 4 + 50 * M_PI / 360));
    const Scenario scenarios[] = {
        {"1024x768 EPSG:4326, edge across the map", 4326, {3, 44, 13, 51.5}},
        {"1024x768 EPSG:4326, whole area in view", 4326, {2, 44, 18, 56}},
        {"1024x768 EPSG:3857, edge across the map",
         3857,
         {400000, mlat - 800000, 1300000, mlat + 1000}},
        {"256x256  EPSG:4326, edge across the tile", 4326, {3, 46, 5, 48}},
    };
    std::printf("%-42s %8s %8s %8s %8s %7s %8s %8s %8s\n", "scenario (median of rounds, ms)",
                "plain", "mask", "gdal", "masked", "mask %", "png", "of map %", "first");
    for (const auto& s : scenarios) {
        const bool tile = s.name[0] == '2';
        const unsigned width = tile ? 256 : 1024, height = tile ? 256 : 768;
        MapJob plain{{{raster, Paint{}, nullptr}}, s.epsg, s.box, width, height, true, {}, {}};
        MapJob masked = plain;
        masked.layers[0].area = area;
        // The first map in a CRS transforms the area into it (then cached).
        start = Clock::now();
        (void)area->outline(s.epsg);
        const double first = ms_since(start);
        OGRGeometry* in_crs = nullptr;
        OGRSpatialReference mercator, target;
        mercator.importFromEPSG(3857);
        target.importFromEPSG(s.epsg);
        mercator.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        const std::string wkt = wavy_disc_wkt();
        OGRGeometryFactory::createFromWkt(wkt.c_str(), &mercator, &in_crs);
        in_crs->transformTo(&target);
        std::vector<double> plain_ms, mask_ms, gdal_ms, masked_ms, png_ms;
        AreaMask m;               // reused, as a render thread does
        (void)render_map(plain);  // warm GDAL's cache and this thread's dataset
        for (int i = 0; i < *rounds; ++i) {
            start = Clock::now();
            const auto a = render_map(plain);
            plain_ms.push_back(ms_since(start));
            if (a) {
                start = Clock::now();
                const auto png = encode_image(*a, ImageFormat::png, true, EncodeSettings{});
                png_ms.push_back(ms_since(start));
                if (!png) return 1;
            }
            start = Clock::now();
            area->mask(s.epsg, s.box, width, height, m);
            mask_ms.push_back(ms_since(start));
            gdal_ms.push_back(gdal_rasterize_ms(*in_crs, s.box, width, height));
            start = Clock::now();
            const auto b = render_map(masked);
            masked_ms.push_back(ms_since(start));
            if (!a || !b || m.cover == AreaMask::Cover::none) {
                message(std::string(s.name) + ": render failed or area not in view");
                return 1;
            }
        }
        std::printf("%-42s %8.2f %8.3f %8.3f %8.2f %6.1f%% %8.2f %7.1f%% %8.1f\n", s.name,
                    median(plain_ms), median(mask_ms), median(gdal_ms), median(masked_ms),
                    100 * median(mask_ms) / median(plain_ms), median(png_ms),
                    100 * median(mask_ms) / (median(plain_ms) + median(png_ms)), first);
        OGRGeometryFactory::destroyGeometry(in_crs);
    }
    std::printf(
        "plain: the map without an area; mask: rasterising the area for that map (ours); gdal: "
        "the same by GDALRasterizeGeometries; masked: the map with the area (reads only rows the "
        "area touches, so it can be cheaper than plain); mask %%: mask / plain; png: encoding the "
        "plain map as PNG (wmsgate's default level); of map %%: mask / (plain + png), the share of "
        "a GetMap's work; first: the area's first use in that CRS (transform, cached)\n");
    std::filesystem::remove_all(dir);
    return wmsgate::daemon::console::stdout_complete("wms_area_bench") ? 0 : 1;
}
