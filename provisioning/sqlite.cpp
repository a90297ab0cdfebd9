#include "provisioning/sqlite.hpp"

#include <sqlite3.h>

#include "provisioning/errors.hpp"

namespace wmsgate::provisioning::sqlite {

std::error_code error_from(int result_code) noexcept {
    switch (result_code & 0xff) {  // the primary code of an extended one
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return make_error_code(Errc::database_busy);
        default:
            return make_error_code(Errc::database_failed);
    }
}

tl::expected<void, std::error_code> exec(sqlite3* db, const char* constant_sql) {
    const int rc = sqlite3_exec(db, constant_sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return tl::unexpected(error_from(rc));
    return {};
}

void Statement::Finalizer::operator()(sqlite3_stmt* stmt) const {
    sqlite3_finalize(stmt);
}

tl::expected<Statement, std::error_code> Statement::prepare(sqlite3* db, std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return tl::unexpected(error_from(rc));
    }
    return Statement(stmt);
}

void Statement::remember(int result_code) {
    if (bind_status_ == SQLITE_OK) bind_status_ = result_code;
}

Statement& Statement::bind(int index, std::string_view text) {
    // SQLITE_TRANSIENT: SQLite copies the text, so callers may pass temporaries.
    remember(sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()),
                               SQLITE_TRANSIENT));
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
    remember(sqlite3_bind_int64(stmt_.get(), index, value));
    return *this;
}

Statement& Statement::bind_null(int index) {
    remember(sqlite3_bind_null(stmt_.get(), index));
    return *this;
}

tl::expected<bool, std::error_code> Statement::step() {
    if (bind_status_ != SQLITE_OK) return tl::unexpected(error_from(bind_status_));
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return tl::unexpected(error_from(rc));
}

tl::expected<void, std::error_code> Statement::run() {
    return step().and_then([](bool) -> tl::expected<void, std::error_code> { return {}; });
}

void Statement::reset() {
    // sqlite3_reset repeats the last step's error, which run() already returned.
    sqlite3_reset(stmt_.get());
}

std::string_view Statement::text(int column) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), column));
    if (data == nullptr) return {};
    return {data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column))};
}

std::int64_t Statement::int64(int column) const {
    return sqlite3_column_int64(stmt_.get(), column);
}

bool Statement::is_null(int column) const {
    return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

tl::expected<Transaction, std::error_code> Transaction::begin(sqlite3* db, Mode mode) {
    return exec(db, mode == Mode::write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED").map([db] {
        return Transaction(db);
    });
}

Transaction::~Transaction() {
    // Nothing to report to: an error path is already being returned, and a
    // failed rollback leaves SQLite to roll back when the connection closes.
    if (db_ != nullptr) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

tl::expected<void, std::error_code> Transaction::commit() {
    auto done = exec(db_, "COMMIT");
    if (done) db_ = nullptr;
    return done;
}

}  // namespace wmsgate::provisioning::sqlite
