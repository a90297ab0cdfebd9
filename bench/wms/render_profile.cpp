// Where a GetMap's time goes, without HTTP: for each scenario's request list,
// parses the first COUNT requests and times rendering (reading, decoding and
// resampling) and encoding on one thread, then prints the mean and p50 per
// phase (ms) and the mean size. Layers come from a wmsgated config, read as
// wms_bench_server reads it. Not a test and not a product binary.
//   wms_render_profile CONFIG REQUESTS_DIR [COUNT [SCENARIO]]
// Scenarios are the REQUESTS_DIR/*.txt files, in name order.
#include <gdal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>
#include <vector>

#include "bench/wms/bench_config.hpp"
#include "wms/image_encoder.hpp"
#include "wms/kvp.hpp"
#include "wms/layer_catalog.hpp"
#include "wms/renderer.hpp"
#include "wms/request.hpp"
#include "wms/styles.hpp"

namespace {

using namespace wmsgate::wms;
using Clock = std::chrono::steady_clock;

struct Phase {
    std::vector<double> ms;
    double mean() const {
        double sum = 0;
        for (const double v : ms) sum += v;
        return ms.empty() ? 0 : sum / static_cast<double>(ms.size());
    }
    double p50() {
        if (ms.empty()) return 0;
        std::nth_element(ms.begin(), ms.begin() + static_cast<long>(ms.size() / 2), ms.end());
        return ms[ms.size() / 2];
    }
};

double elapsed_ms(Clock::time_point since) {
    return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

std::vector<std::string> read_lines(const std::string& path, std::size_t count) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; lines.size() < count && std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::optional<MapJob> job_for(const std::string& query, const LayerCatalog& catalog,
                              ImageFormat& format) {
    const auto kvp = Kvp::parse(query);
    if (!kvp) return std::nullopt;
    const auto request = parse_request(*kvp, RequestLimits{});
    const auto* map = request ? std::get_if<GetMapRequest>(&*request) : nullptr;
    if (map == nullptr) return std::nullopt;
    MapJob job{{}, map->crs.epsg, map->bbox, map->image.width, map->image.height, false, {}, {}};
    for (std::size_t i = 0; i < map->layers.size(); ++i) {
        const LayerInfo* layer = catalog.find(map->layers[i]);
        const auto paint = layer ? resolve_style(*layer, map->styles[i]) : std::nullopt;
        if (!paint) return std::nullopt;
        job.layers.push_back({layer->source, *paint, nullptr, layer->resampling});
    }
    format = map->image.format;
    return job;
}

// PNG_LEVEL in the environment overrides the PNG level (what-if runs).
EncodeSettings settings() {
    EncodeSettings out;
    if (const char* level = std::getenv("PNG_LEVEL")) out.png_level = std::atoi(level);
    return out;
}

void profile(const std::string& scenario, const std::vector<std::string>& queries,
             const LayerCatalog& catalog, bool print) {
    Phase render, encode;
    double bytes = 0;
    for (const auto& query : queries) {
        ImageFormat format = ImageFormat::png;
        const auto job = job_for(query, catalog, format);
        if (!job) {
            std::fprintf(stderr, "%s: bad request %s\n", scenario.c_str(), query.c_str());
            return;
        }
        auto start = Clock::now();
        const auto image = render_map(*job);
        render.ms.push_back(elapsed_ms(start));
        if (!image) {
            std::fprintf(stderr, "%s: render failed: %s\n", scenario.c_str(),
                         image.error().code.message().c_str());
            return;
        }
        start = Clock::now();
        const auto encoded = encode_image(*image, format, false, settings());
        encode.ms.push_back(elapsed_ms(start));
        if (encoded) bytes += static_cast<double>(encoded->size());
    }
    const double n = static_cast<double>(queries.size());
    if (print)
        std::printf("%-11s %8.2f %8.2f %8.2f %8.2f %8.2f %9.0f\n", scenario.c_str(), render.mean(),
                    render.p50(), encode.mean(), encode.p50(), render.mean() + encode.mean(),
                    bytes / n);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s CONFIG REQUESTS_DIR [COUNT [SCENARIO]]\n", argv[0]);
        return 2;
    }
    const auto config = wmsgate::bench::load_bench_config(argv[1]);
    if (!config) {
        std::fprintf(stderr, "%s\n", config.error().message.c_str());
        return 1;
    }
    const std::filesystem::path requests = argv[2];
    const std::size_t count = argc > 3 ? std::stoul(argv[3]) : 200;

    // The block cache wms_bench_server would have.
    if (const auto mb = config->wms.service.gdal_block_cache_mb; mb != 0)
        GDALSetCacheMax64(static_cast<GIntBig>(mb) << 20);
    const auto catalog = LayerCatalog::open(config->layers);
    if (!catalog) {
        std::fprintf(stderr, "cannot open the data: %s\n", catalog.error().subject.c_str());
        return 1;
    }
    std::vector<std::string> scenarios;
    for (const auto& entry : std::filesystem::directory_iterator(requests))
        if (entry.path().extension() == ".txt") scenarios.push_back(entry.path().stem());
    std::sort(scenarios.begin(), scenarios.end());
    std::printf("%-11s %8s %8s %8s %8s %8s %9s\n", "scenario", "render", "r_p50", "encode", "e_p50",
                "total", "bytes");
    for (const auto& scenario : scenarios) {
        if (argc > 4 && scenario != argv[4]) continue;
        const auto queries = read_lines(requests / (scenario + ".txt"), count);
        // One untimed pass warms the datasets, the block cache and the page cache.
        profile(scenario, queries, *catalog, false);
        profile(scenario, queries, *catalog, true);
    }
    return 0;
}
