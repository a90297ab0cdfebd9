#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <optional>
#include <system_error>

#include "daemon/config_tables.hpp"
#include "provisioning/registry.hpp"

namespace wmsgate::daemon::config_tables {
namespace {

tl::expected<std::optional<double>, ConfigError> optional_number(Section& s, std::string_view key) {
    const auto* node = s.find(key);
    if (!node) return std::optional<double>{};
    if (!node->is_number()) return Error(s.error(*node, key, "expected a number"));
    const double value = node->value<double>().value_or(0.0);
    // TOML allows nan and inf; a colour ramp cannot span them.
    if (!std::isfinite(value)) {
        return Error(s.error(*node, key, "expected a finite number (nan and inf are not allowed)"));
    }
    return std::optional<double>(value);
}

tl::expected<void, ConfigError> read_layer_style(Section& s, wms::LayerConfig& layer) {
    TRY_ASSIGN(layer.abstract, s.string("abstract", ""));
    TRY_ASSIGN(layer.keywords, s.strings("keywords"));
    TRY_ASSIGN(layer.crs, s.strings("crs"));
    if (const auto* node = s.find("queryable")) {
        if (!node->is_boolean())
            return Error(s.error(*node, "queryable", "expected true or false"));
        layer.queryable = node->as_boolean()->get();
    }
    std::string style;
    TRY_ASSIGN(style, s.string("style", "grey"));
    static const std::map<std::string, wms::RampKind> styles{
        {"grey", wms::RampKind::grey},
        {"elevation", wms::RampKind::elevation},
        {"viridis", wms::RampKind::viridis}};
    if (!styles.contains(style)) {
        return Error(s.error(*s.find("style"), "style", "expected grey, elevation or viridis"));
    }
    layer.default_style = styles.at(style);
    std::string resampling;
    TRY_ASSIGN(resampling, s.string("resampling", "bilinear"));
    const auto kernel = wms::parse_resampling(resampling);
    if (!kernel) {
        return Error(
            s.error(*s.find("resampling"), "resampling", "expected nearest, bilinear or cubic"));
    }
    layer.resampling = *kernel;
    TRY_ASSIGN(layer.min, optional_number(s, "min"));
    TRY_ASSIGN(layer.max, optional_number(s, "max"));
    if (layer.min && layer.max && *layer.min >= *layer.max) {
        return Error(s.error(*s.find("max"), "max", "expected max greater than min"));
    }
    return {};
}

// GDAL also opens virtual paths (/vsicurl/..., WMS:..., PG:...); only plain
// files can be checked before GDAL sees them.
bool is_local_path(std::string_view source) {
    return source.rfind("/vsi", 0) != 0 && source.find(':') == std::string_view::npos;
}

}  // namespace

tl::expected<void, ConfigError> read_layers(const std::filesystem::path& file,
                                            const toml::table& root, FileChecks checks,
                                            Config& out) {
    return read_array_of_tables(
        file, root, "layer", [&](Section& s) -> tl::expected<void, ConfigError> {
            wms::LayerConfig layer;
            TRY_ASSIGN(layer.name, s.string("name", "", true));
            if (!provisioning::is_valid_group_name(layer.name)) {
                return Error(s.error(*s.find("name"), "name",
                                     "expected 1 to 64 of letters, digits, '-', '_', '.', not "
                                     "starting with '-' or '.'"));
            }
            for (const auto& other : out.layers) {
                if (other.name == layer.name) {
                    return Error(s.error(*s.find("name"), "name",
                                         "layer \"" + layer.name + "\" is defined twice"));
                }
            }
            TRY_ASSIGN(layer.title, s.string("title", layer.name));
            TRY_ASSIGN(layer.source, s.string("source", "", true));
            if (checks == FileChecks::verify && is_local_path(layer.source) &&
                ::access(layer.source.c_str(), R_OK) != 0) {
                const int cause = errno;
                return Error(s.error(*s.find("source"), "source",
                                     "cannot read \"" + layer.source +
                                         "\": " + std::generic_category().message(cause) +
                                         "; check the path and that the wmsgate user may read it"));
            }
            if (auto ok = read_vector_keys(s, layer); !ok) return ok;
            if (auto ok = read_layer_style(s, layer); !ok) return ok;
            if (auto ok = s.reject_unknown_keys(); !ok) return ok;
            out.layers.push_back(std::move(layer));
            return {};
        });
}

}  // namespace wmsgate::daemon::config_tables
