#pragma once

#include <libpq-fe.h>

#include <system_error>
#include <tl/expected.hpp>

namespace wmsgate::provisioning {

// The schema version this build writes to PostgreSQL.
int latest_pg_schema_version() noexcept;

// Brings the database up to latest_pg_schema_version() in one transaction
// (PostgreSQL's DDL is transactional, so a crash leaves the old version
// whole) under an advisory lock, so that appliances starting at once apply
// each migration once. Errors: schema_too_new (left alone),
// database_unreachable, database_failed.
tl::expected<void, std::error_code> migrate_pg(PGconn* conn);

}  // namespace wmsgate::provisioning
