#pragma once

// Thin RAII wrappers over libpq, for the PostgreSQL registry's own use, in
// the manner of sqlite.hpp: values reach the server only as parameters of
// PQexecParams (text format), never inside the SQL text, and results are
// turned into provisioning::Errc.

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <tl/expected.hpp>
#include <vector>

namespace wmsgate::provisioning::pg {

struct ConnectionCloser {
    void operator()(PGconn* conn) const { PQfinish(conn); }
};
using ConnectionPtr = std::unique_ptr<PGconn, ConnectionCloser>;

struct ResultClearer {
    void operator()(PGresult* result) const { PQclear(result); }
};

// Connects with a libpq connection string. A connect_timeout of a few
// seconds applies unless the string sets its own, so an unreachable server
// is reported instead of hanging the daemon. The error is libpq's message.
tl::expected<ConnectionPtr, std::string> connect(const std::string& dsn);

// libpq's last message for the connection, one line.
std::string last_message(PGconn* conn);

// One statement's result; rows and columns index from 0.
class Result {
  public:
    explicit Result(PGresult* result) : result_(result) {}
    int rows() const { return PQntuples(result_.get()); }
    bool is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column); }
    std::string_view text(int row, int column) const {
        return {PQgetvalue(result_.get(), row, column),
                static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
    }
    // database_corrupt (as an empty optional) when the text is not a number.
    std::optional<std::int64_t> int64(int row, int column) const;
    // Rows changed by an INSERT, UPDATE or DELETE.
    std::int64_t affected() const;
    const PGresult* raw() const { return result_.get(); }

  private:
    std::unique_ptr<PGresult, ResultClearer> result_;
};

// A parameter: text, or NULL.
using Param = std::optional<std::string>;

// Errors: database_unreachable when the connection is gone (the caller may
// reconnect), database_busy for a serialization failure or a deadlock (the
// transaction may be retried), name_taken / public_key_taken / address_taken
// for the unique constraint that refused, database_failed otherwise.
tl::expected<Result, std::error_code> exec(PGconn* conn, const char* sql,
                                           const std::vector<Param>& params = {});

// The SQLSTATE and constraint of a failed result, mapped as exec() does.
std::error_code error_of(PGconn* conn, const PGresult* result);

}  // namespace wmsgate::provisioning::pg
