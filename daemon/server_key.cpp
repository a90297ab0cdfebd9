#include "daemon/server_key.hpp"

#include <sys/stat.h>

namespace wmsgate::daemon {

tl::expected<netcfg::SecretKey, StartupError> load_or_make_server_key(
    const std::filesystem::path& state_dir) {
    std::error_code ec;
    std::filesystem::create_directories(state_dir, ec);
    if (ec) {
        return startup_failure("cannot create state directory " + state_dir.string() + ": " +
                               ec.message());
    }
    ::chmod(state_dir.c_str(), 0700);
    const auto file = state_dir / "server.key";
    if (std::filesystem::exists(file)) {
        auto key = netcfg::read_secret_key_file(file);
        if (!key)
            return startup_failure("server key " + file.string() + ": " + key.error().message());
        return *key;
    }
    auto key = netcfg::SecretKey::generate_private();
    if (auto written = netcfg::write_secret_key_file(file, key); !written) {
        return startup_failure("cannot write server key " + file.string() + ": " +
                               written.error().message());
    }
    return key;
}

}  // namespace wmsgate::daemon
