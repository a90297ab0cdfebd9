#pragma once

#include <filesystem>
#include <tl/expected.hpp>

#include "daemon/config.hpp"

namespace wmsgate::daemon {

// The config as wmsgated needs it, for start-up, reload and --check-config:
// every file it names checked, and its area files read with GDAL.
tl::expected<Config, ConfigError> load_daemon_config(const std::filesystem::path& file);

}  // namespace wmsgate::daemon
