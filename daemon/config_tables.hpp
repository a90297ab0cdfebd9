#pragma once

// What the readers of config tables share: a TOML table with the keys it
// used remembered, the error shape "FILE:LINE: KEY: what was expected", and
// TRY_ASSIGN. Only for daemon/config*.cpp.

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "daemon/config.hpp"

namespace wmsgate::daemon::config_tables {

using Error = tl::unexpected<ConfigError>;

// Reads one TOML table, remembering which keys were used so that unknown
// keys (typos) are reported instead of silently ignored.
class Section {
  public:
    Section(const std::filesystem::path& file, const toml::table& table, std::string prefix)
        : file_(file), table_(table), prefix_(std::move(prefix)) {}

    ConfigError error(const toml::node& node, std::string_view key, std::string_view what) const {
        return {file_.string() + ":" + std::to_string(node.source().begin.line) + ": " + prefix_ +
                std::string(key) + ": " + std::string(what)};
    }
    ConfigError missing(std::string_view key) const {
        return {file_.string() + ":" + std::to_string(table_.source().begin.line) + ": " + prefix_ +
                std::string(key) + ": required key is missing"};
    }

    const std::filesystem::path& file() const { return file_; }
    const toml::table& table() const { return table_; }

    const toml::node* find(std::string_view key) {
        used_.insert(std::string(key));
        return table_.get(key);
    }

    tl::expected<std::string, ConfigError> string(std::string_view key, const std::string& fallback,
                                                  bool required = false) {
        const auto* node = find(key);
        if (!node) {
            if (required) return Error(missing(key));
            return fallback;
        }
        if (!node->is_string() || node->as_string()->get().empty()) {
            return Error(error(*node, key, "expected a non-empty string"));
        }
        const auto& text = node->as_string()->get();
        // Values end up in client configs, XML and log lines: one line each.
        if (std::any_of(text.begin(), text.end(),
                        [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
            return Error(
                error(*node, key, "expected a string without line breaks or control characters"));
        }
        return text;
    }

    tl::expected<std::int64_t, ConfigError> integer(std::string_view key, std::int64_t fallback,
                                                    std::int64_t min, std::int64_t max) {
        const auto* node = find(key);
        if (!node) return fallback;
        if (!node->is_integer()) return Error(error(*node, key, "expected an integer"));
        const auto value = node->as_integer()->get();
        if (value < min || value > max) {
            return Error(error(
                *node, key,
                "expected an integer from " + std::to_string(min) + " to " + std::to_string(max)));
        }
        return value;
    }

    tl::expected<std::vector<std::string>, ConfigError> strings(std::string_view key,
                                                                bool required = false) {
        const auto* node = find(key);
        if (!node) {
            if (required) return Error(missing(key));
            return std::vector<std::string>{};
        }
        const auto* array = node->as_array();
        std::vector<std::string> out;
        if (!array) return Error(error(*node, key, "expected an array of strings"));
        for (const auto& item : *array) {
            if (!item.is_string() || item.as_string()->get().empty()) {
                return Error(error(item, key, "expected an array of non-empty strings"));
            }
            out.push_back(item.as_string()->get());
        }
        return out;
    }

    tl::expected<void, ConfigError> reject_unknown_keys() const {
        for (const auto& [key, node] : table_) {
            if (!used_.contains(std::string(key.str()))) {
                return Error(error(node, key.str(), "unknown key (misspelt?)"));
            }
        }
        return {};
    }

  private:
    const std::filesystem::path& file_;
    const toml::table& table_;
    std::string prefix_;
    std::set<std::string> used_;
};

#define TRY_ASSIGN(target, expr)                     \
    do {                                             \
        auto result_ = (expr);                       \
        if (!result_) return Error(result_.error()); \
        (target) = std::move(*result_);              \
    } while (false)

template <typename Read>
tl::expected<void, ConfigError> read_array_of_tables(const std::filesystem::path& file,
                                                     const toml::table& root, std::string_view key,
                                                     Read read) {
    const auto* node = root.get(key);
    if (!node) return {};
    const auto* array = node->as_array();
    if (!array || !array->is_array_of_tables()) {
        return Error(ConfigError{file.string() + ":" + std::to_string(node->source().begin.line) +
                                 ": " + std::string(key) + ": expected [[" + std::string(key) +
                                 "]] tables"});
    }
    for (const auto& item : *array) {
        Section section(file, *item.as_table(), std::string(key) + ".");
        if (auto ok = read(section); !ok) return ok;
    }
    return {};
}

// One reader per table (or array of tables); each fills its part of the
// config, and the later ones may rely on the earlier (groups name layers,
// metrics names a group).
tl::expected<void, ConfigError> read_daemon(Section s, DaemonSection& out);
tl::expected<void, ConfigError> read_interface(Section s, InterfaceSection& out);
tl::expected<void, ConfigError> read_wms(const std::filesystem::path& file, Section s,
                                         WmsSection& out);
tl::expected<void, ConfigError> read_layers(const std::filesystem::path& file,
                                            const toml::table& root, FileChecks checks,
                                            Config& out);
// The vector keys of one [[layer]] (source_layer, fields, [[layer.rule]]);
// refuses them on a raster layer and the raster keys on a vector layer.
tl::expected<void, ConfigError> read_vector_keys(Section& s, wms::LayerConfig& layer);
tl::expected<void, ConfigError> read_groups(const std::filesystem::path& file,
                                            const toml::table& root, const AreaLoader& load_area,
                                            Config& out);
tl::expected<void, ConfigError> read_metrics(Section s, Config& out);
tl::expected<void, ConfigError> read_registry(Section s, RegistrySection& out);

}  // namespace wmsgate::daemon::config_tables
