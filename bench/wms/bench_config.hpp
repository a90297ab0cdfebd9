#pragma once

#include <filesystem>
#include <string>
#include <tl/expected.hpp>

#include "daemon/config.hpp"

namespace wmsgate::bench {

// The map service part of a wmsgated config: [wms] and [[layer]] read by the
// daemon's own loader, so the bench serves exactly what wmsgated would
// (every layer key, resampling included). A config without [interface]
// (which the daemon requires and the bench does not use) is read as if it
// had a placeholder one; errors still name the file's own lines.
tl::expected<daemon::Config, daemon::ConfigError> load_bench_config(
    const std::filesystem::path& file);

}  // namespace wmsgate::bench
