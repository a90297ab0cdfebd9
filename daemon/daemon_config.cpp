#include "daemon/daemon_config.hpp"

namespace wmsgate::daemon {

tl::expected<Config, ConfigError> load_daemon_config(const std::filesystem::path& file) {
    return load_config(
        file, FileChecks::verify,
        [](const std::string& path) -> tl::expected<std::shared_ptr<const wms::Area>, std::string> {
            auto area = wms::Area::load(path);
            if (!area) return tl::unexpected(std::move(area.error().reason));
            return std::move(*area);
        });
}

}  // namespace wmsgate::daemon
