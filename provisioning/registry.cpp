// Registry: choosing the store.

#include "provisioning/registry.hpp"

#include "provisioning/pg_registry.hpp"
#include "provisioning/sqlite_registry.hpp"

namespace wmsgate::provisioning {

Registry::~Registry() = default;

tl::expected<Registry, std::error_code> Registry::open(const std::filesystem::path& file) {
    auto opened = SqliteRegistry::open(file);
    if (!opened) return tl::unexpected(opened.error());
    return Registry(std::move(*opened));
}

tl::expected<Registry, RegistryOpenError> Registry::open_postgresql(const std::string& dsn) {
    auto opened = PgRegistry::open(dsn);
    if (!opened) return tl::unexpected(opened.error());
    return Registry(std::move(*opened));
}

}  // namespace wmsgate::provisioning
