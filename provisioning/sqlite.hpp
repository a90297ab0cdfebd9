#pragma once

// Thin RAII wrappers over the SQLite C API, for the registry's own use. They
// turn SQLite result codes into provisioning::Errc and keep every value out of
// the SQL text: values only ever reach SQLite through bound parameters.

#include <cstdint>
#include <memory>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>

struct sqlite3;
struct sqlite3_stmt;

namespace wmsgate::provisioning::sqlite {

// database_busy for a lock held elsewhere, database_failed for anything else.
std::error_code error_from(int result_code) noexcept;

// Runs SQL that is a constant of the program (schema, pragmas, BEGIN/COMMIT).
tl::expected<void, std::error_code> exec(sqlite3* db, const char* constant_sql);

// One prepared statement. Bind failures are remembered and reported by the
// next step(), so call sites can bind without checking every call.
class Statement {
  public:
    static tl::expected<Statement, std::error_code> prepare(sqlite3* db, std::string_view sql);

    // Parameter indexes start at 1, as in SQLite.
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::int64_t value);
    Statement& bind_null(int index);

    // true: a row is ready to read; false: the statement has finished.
    tl::expected<bool, std::error_code> step();
    // Steps a statement that returns no rows.
    tl::expected<void, std::error_code> run();
    // Makes the statement ready to run again; bindings are kept until rebound.
    void reset();

    // Column indexes start at 0. The view is valid until the next step().
    std::string_view text(int column) const;
    std::int64_t int64(int column) const;
    bool is_null(int column) const;

  private:
    struct Finalizer {
        void operator()(sqlite3_stmt* stmt) const;
    };
    explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
    void remember(int result_code);

    std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
    int bind_status_ = 0;  // SQLITE_OK
};

// A transaction that rolls back unless commit() succeeded.
class Transaction {
  public:
    enum class Mode { read, write };
    // write takes the write lock at once (BEGIN IMMEDIATE), so checks made
    // inside the transaction still hold when its changes are written.
    static tl::expected<Transaction, std::error_code> begin(sqlite3* db, Mode mode);

    Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
    Transaction& operator=(Transaction&&) = delete;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();

    tl::expected<void, std::error_code> commit();

  private:
    explicit Transaction(sqlite3* db) : db_(db) {}
    sqlite3* db_;  // null once committed or moved from
};

}  // namespace wmsgate::provisioning::sqlite
