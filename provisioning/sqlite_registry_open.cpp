// SqliteRegistry::open: the file, the connection's settings and the schema.

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "provisioning/errors.hpp"
#include "provisioning/schema.hpp"
#include "provisioning/sqlite.hpp"
#include "provisioning/sqlite_registry.hpp"

namespace wmsgate::provisioning {
namespace {

// Long enough to ride out a wmsgatectl or backup holding the lock briefly.
constexpr int busy_timeout_ms = 5000;
constexpr mode_t private_mode = 0600;

// The database holds preshared keys. Creating the file ourselves with mode
// 0600 (instead of letting SQLite create it under the umask) leaves no moment
// in which it is readable by others; SQLite gives its -wal and -shm files the
// mode of the database file. An existing file is tightened to 0600 as well.
tl::expected<void, std::error_code> make_private_file(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, private_mode);
    if (fd < 0) return tl::unexpected(make_error_code(Errc::database_failed));
    const int rc = ::fchmod(fd, private_mode);
    ::close(fd);
    if (rc != 0) return tl::unexpected(make_error_code(Errc::database_failed));
    return {};
}

tl::expected<void, std::error_code> configure(sqlite3* db) {
    sqlite3_extended_result_codes(db, 1);
    if (sqlite3_busy_timeout(db, busy_timeout_ms) != SQLITE_OK)
        return tl::unexpected(make_error_code(Errc::database_failed));

    // journal_mode answers with the mode in force; anything but "wal" means
    // the file system refused it (e.g. no shared memory), which we do not
    // run on rather than silently losing concurrent readers.
    auto mode = sqlite::Statement::prepare(db, "PRAGMA journal_mode = WAL");
    if (!mode) return tl::unexpected(mode.error());
    auto row = mode->step();
    if (!row) return tl::unexpected(row.error());
    if (!*row || mode->text(0) != "wal")
        return tl::unexpected(make_error_code(Errc::database_failed));

    // FULL: a committed peer survives a power cut (WAL's default, NORMAL,
    // may lose the last commits). foreign_keys is per connection and off by
    // default; it makes removing a peer remove its group memberships.
    return sqlite::exec(db, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
}

}  // namespace

void SqliteRegistry::Closer::operator()(sqlite3* db) const {
    sqlite3_close(db);
}

tl::expected<std::unique_ptr<SqliteRegistry>, std::error_code> SqliteRegistry::open(
    const std::filesystem::path& file) {
    if (auto made = make_private_file(file); !made) return tl::unexpected(made.error());

    sqlite3* raw = nullptr;
    // NOMUTEX: the registry is used from one thread only (see the class).
    const int rc =
        sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    std::unique_ptr<sqlite3, Closer> db(raw);  // SQLite hands out a handle even on failure
    if (rc != SQLITE_OK) return tl::unexpected(sqlite::error_from(rc));

    if (auto done = configure(db.get()); !done) return tl::unexpected(done.error());
    if (auto done = migrate(db.get()); !done) return tl::unexpected(done.error());
    return std::unique_ptr<SqliteRegistry>(new SqliteRegistry(std::move(db)));
}

}  // namespace wmsgate::provisioning
