// The TOML config loader (wmsgated --config, --check-config, SIGHUP). Every
// input either loads or gives one "FILE:LINE: KEY: expectation" message.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "daemon/config.hpp"

namespace {

// load_config reads a file: one per process, rewritten for every input.
const std::filesystem::path& scratch() {
    static const std::filesystem::path path =
        std::filesystem::temp_directory_path() /
        ("wmsgate-fuzz-config-" + std::to_string(::getpid()) + ".toml");
    return path;
}

struct Remove {
    ~Remove() {
        std::error_code ignored;
        std::filesystem::remove(scratch(), ignored);
    }
} remove_at_exit;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::FILE* file = std::fopen(scratch().c_str(), "wb");
    if (file == nullptr) std::abort();
    if (size > 0 && std::fwrite(data, 1, size, file) != size) std::abort();
    std::fclose(file);
    auto config = wmsgate::daemon::load_config(scratch());
    if (!config) {
        // The message names the file; a person reads it on one line.
        const auto& message = config.error().message;
        if (message.find(scratch().string()) == std::string::npos) std::abort();
        return 0;
    }
    (void)config->tunnel_ipv4();
    return 0;
}
