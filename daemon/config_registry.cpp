#include "daemon/config_tables.hpp"

namespace wmsgate::daemon::config_tables {

tl::expected<void, ConfigError> read_registry(Section s, RegistrySection& out) {
    std::string backend;
    TRY_ASSIGN(backend, s.string("backend", "sqlite"));
    if (backend == "sqlite") {
        out.backend = RegistryStore::sqlite;
    } else if (backend == "postgresql") {
        out.backend = RegistryStore::postgresql;
    } else {
        return Error(s.error(*s.find("backend"), "backend",
                             "expected \"sqlite\" (one appliance, the default) or \"postgresql\" "
                             "(a fleet sharing one registry)"));
    }
    TRY_ASSIGN(out.dsn, s.string("dsn", ""));
    if (out.backend == RegistryStore::postgresql && out.dsn.empty()) {
        return Error(ConfigError{s.missing("dsn").message +
                                 " with backend = \"postgresql\": a libpq connection string, e.g. "
                                 "\"host=db.example.org dbname=wmsgate user=wmsgate\""});
    }
    if (out.backend == RegistryStore::sqlite && !out.dsn.empty()) {
        return Error(s.error(*s.find("dsn"), "dsn",
                             "only used with backend = \"postgresql\"; the SQLite registry lives "
                             "in daemon.state_dir"));
    }
    return s.reject_unknown_keys();
}

}  // namespace wmsgate::daemon::config_tables
