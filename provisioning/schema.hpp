#pragma once

#include <system_error>
#include <tl/expected.hpp>

struct sqlite3;

namespace wmsgate::provisioning {

// The schema version this build writes (PRAGMA user_version).
int latest_schema_version() noexcept;

// Brings the database up to latest_schema_version(), one migration per
// transaction, so a crash leaves it at some whole version. Error
// schema_too_new for a database written by a newer build; it is left alone.
tl::expected<void, std::error_code> migrate(sqlite3* db);

}  // namespace wmsgate::provisioning
