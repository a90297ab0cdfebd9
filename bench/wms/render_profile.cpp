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
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bench/args.hpp"
#include "bench/wms/bench_config.hpp"
#include "daemon/console.hpp"
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
        job.layers.push_back({layer->source, *paint, nullptr, layer->resampling, layer->vector});
    }
    format = map->image.format;
    return job;
}

using wmsgate::daemon::console::message;

// PNG_LEVEL in the environment overrides the PNG level (what-if runs):
// libdeflate's 0-12; anything else is refused.
std::optional<EncodeSettings> settings_from_environment() {
    EncodeSettings out;
    // NOLINTNEXTLINE(concurrency-mt-unsafe): one thread, and nothing here calls setenv.
    const char* level = std::getenv("PNG_LEVEL");
    if (!level) return out;
    const auto parsed = wmsgate::bench::parse_number(level, 0, 12);
    if (!parsed) return std::nullopt;
    out.png_level = *parsed;
    return out;
}

// Outside profile()'s loop, where building the line would be done per map.
void report(const std::string& scenario, std::string_view what, std::string_view detail) {
    message(scenario + ": " + std::string(what) + " " + std::string(detail));
}

void profile(const std::string& scenario, const std::vector<std::string>& queries,
             const LayerCatalog& catalog, const EncodeSettings& settings, bool print) {
    Phase render, encode;
    double bytes = 0;
    for (const auto& query : queries) {
        ImageFormat format = ImageFormat::png;
        const auto job = job_for(query, catalog, format);
        if (!job) {
            report(scenario, "bad request", query);
            return;
        }
        auto start = Clock::now();
        const auto image = render_map(*job);
        render.ms.push_back(elapsed_ms(start));
        if (!image) {
            report(scenario, "render failed:", image.error().code.message());
            return;
        }
        start = Clock::now();
        const auto encoded = encode_image(*image, format, false, settings);
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
    const auto count = argc > 3 ? wmsgate::bench::parse_number<std::size_t>(argv[3], 1, 1000000)
                                : std::optional<std::size_t>(200);
    if (argc < 3 || !count) {
        message(std::string("usage: ") + argv[0] +
                " CONFIG REQUESTS_DIR [COUNT [SCENARIO]]  (COUNT 1-1000000)");
        return 2;
    }
    const auto settings = settings_from_environment();
    if (!settings) {
        message("PNG_LEVEL: expected a level from 0 to 12");
        return 2;
    }
    const auto config = wmsgate::bench::load_bench_config(argv[1]);
    if (!config) {
        message(config.error().message);
        return 1;
    }
    const std::filesystem::path requests = argv[2];

    // The block cache wms_bench_server would have.
    if (const auto mb = config->wms.service.gdal_block_cache_mb; mb != 0)
        GDALSetCacheMax64(static_cast<GIntBig>(mb) << 20);
    const auto catalog = LayerCatalog::open(config->layers);
    if (!catalog) {
        message("cannot open the data: " + catalog.error().subject);
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
        const auto queries = read_lines(requests / (scenario + ".txt"), *count);
        // One untimed pass warms the datasets, the block cache and the page cache.
        profile(scenario, queries, *catalog, *settings, false);
        profile(scenario, queries, *catalog, *settings, true);
    }
    return wmsgate::daemon::console::stdout_complete("wms_render_profile") ? 0 : 1;
}
