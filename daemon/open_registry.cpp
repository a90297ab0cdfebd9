#include "daemon/open_registry.hpp"

namespace wmsgate::daemon {

tl::expected<provisioning::Registry, StartupError> open_registry(
    const Config& config, const netcfg::PublicKey& server_key) {
    if (config.registry.backend == RegistryStore::sqlite) {
        auto registry = provisioning::Registry::open(config.daemon.state_dir / "registry.sqlite3");
        if (!registry) {
            return startup_failure("peer registry in " + config.daemon.state_dir.string() + ": " +
                                   registry.error().message());
        }
        return std::move(*registry);
    }

    auto registry = provisioning::Registry::open_postgresql(config.registry.dsn);
    if (!registry) {
        std::string message = "peer registry (PostgreSQL, registry.dsn in " + config.file.string() +
                              "): " + registry.error().code.message();
        if (!registry.error().detail.empty()) message += " (" + registry.error().detail + ")";
        return startup_failure(message);
    }
    auto fleet_key = registry->claim_server_key(server_key);
    if (!fleet_key) {
        return startup_failure("peer registry (PostgreSQL): recording the server key: " +
                               fleet_key.error().message());
    }
    if (*fleet_key != server_key) {
        return startup_failure(
            "this appliance's server public key " + server_key.base64() + " (" +
            (config.daemon.state_dir / "server.key").string() + ") differs from the fleet's " +
            fleet_key->base64() +
            " recorded in the shared peer registry; every appliance of a fleet needs the same "
            "server key: copy server.key (mode 0600) from an appliance of the fleet and start "
            "again");
    }
    return std::move(*registry);
}

}  // namespace wmsgate::daemon
