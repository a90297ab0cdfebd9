#include "daemon/config_tables.hpp"
#include "provisioning/registry.hpp"

namespace wmsgate::daemon::config_tables {
namespace {

using provisioning::AreaKey;

std::string not_among_layers(const std::string& layer, const std::string& group) {
    return "\"" + layer + "\" is not among group \"" + group + "\"'s layers";
}

// An area file as the key `key` names it, read once however many groups
// name it (and only with FileChecks::verify).
tl::expected<AreaKey, ConfigError> read_area(Section& s, std::string_view key,
                                             const AreaLoader& load_area, Config& out) {
    AreaKey path;
    TRY_ASSIGN(path, s.string(key, "", true));
    if (out.areas.contains(path)) return path;
    std::shared_ptr<const wms::Area> area;
    if (load_area) {
        auto loaded = load_area(path);
        if (!loaded) return Error(s.error(*s.find(key), key, loaded.error()));
        area = std::move(*loaded);
    }
    out.areas.emplace(path, std::move(area));
    return path;
}

// [[group]] area = "FILE" limits all the group's layers to it; each
// [[group.limit]] (layer = "NAME", area = "FILE") one of them to another.
tl::expected<void, ConfigError> read_group_areas(const std::filesystem::path& file, Section& s,
                                                 const std::string& group,
                                                 const std::vector<std::string>& layers,
                                                 const AreaLoader& load_area, Config& out) {
    auto& limits = out.group_areas[group];
    if (s.find("area")) {
        AreaKey area;
        TRY_ASSIGN(area, read_area(s, "area", load_area, out));
        for (const auto& layer : layers) limits[layer] = area;
    }
    if (const auto* node = s.find("limit")) {
        const auto* array = node->as_array();
        if (!array || !array->is_array_of_tables())
            return Error(s.error(*node, "limit", "expected [[group.limit]] tables"));
        std::set<std::string> limited;
        for (const auto& item : *array) {
            Section limit(file, *item.as_table(), "group.limit.");
            std::string layer;
            TRY_ASSIGN(layer, limit.string("layer", "", true));
            if (std::find(layers.begin(), layers.end(), layer) == layers.end())
                return Error(
                    limit.error(*limit.find("layer"), "layer", not_among_layers(layer, group)));
            if (!limited.insert(layer).second)
                return Error(limit.error(*limit.find("layer"), "layer",
                                         "layer \"" + layer + "\" is limited twice in this group"));
            TRY_ASSIGN(limits[layer], read_area(limit, "area", load_area, out));
            if (auto ok = limit.reject_unknown_keys(); !ok) return ok;
        }
    }
    if (limits.empty()) out.group_areas.erase(group);
    return {};
}

}  // namespace

tl::expected<void, ConfigError> read_groups(const std::filesystem::path& file,
                                            const toml::table& root, const AreaLoader& load_area,
                                            Config& out) {
    return read_array_of_tables(
        file, root, "group", [&](Section& s) -> tl::expected<void, ConfigError> {
            std::string name;
            TRY_ASSIGN(name, s.string("name", "", true));
            if (!provisioning::is_valid_group_name(name)) {
                return Error(s.error(*s.find("name"), "name",
                                     "expected 1 to 64 of letters, digits, '-', '_', '.', not "
                                     "starting with '-' or '.'"));
            }
            if (out.groups.contains(name)) {
                return Error(
                    s.error(*s.find("name"), "name", "group \"" + name + "\" is defined twice"));
            }
            std::vector<std::string> layers;
            TRY_ASSIGN(layers, s.strings("layers"));
            for (const auto& layer : layers) {
                const bool known = std::any_of(out.layers.begin(), out.layers.end(),
                                               [&](const auto& l) { return l.name == layer; });
                if (!known) {
                    return Error(s.error(*s.find("layers"), "layers",
                                         "no [[layer]] is named \"" + layer + "\""));
                }
            }
            if (auto ok = read_group_areas(file, s, name, layers, load_area, out); !ok) return ok;
            if (auto ok = s.reject_unknown_keys(); !ok) return ok;
            out.groups[name] = {layers.begin(), layers.end()};
            return {};
        });
}

tl::expected<void, ConfigError> read_metrics(Section s, Config& out) {
    TRY_ASSIGN(out.metrics.group, s.string("group", ""));
    if (!out.metrics.group.empty() && !out.groups.contains(out.metrics.group)) {
        return Error(s.error(*s.find("group"), "group",
                             "no [[group]] is named \"" + out.metrics.group +
                                 "\" (a group with layers = [] may exist for monitoring alone)"));
    }
    return s.reject_unknown_keys();
}

}  // namespace wmsgate::daemon::config_tables
