#include "provisioning/pg.hpp"

#include <charconv>
#include <cstring>

#include "provisioning/errors.hpp"

namespace wmsgate::provisioning::pg {
namespace {

// Long enough for a server under load, short enough that an admin waiting
// on a refused change hears why within seconds.
constexpr const char* default_connect_timeout = "3";

// Which unique constraint names which clash. The names are PostgreSQL's
// defaults for the schema's UNIQUE columns and the one explicit index.
std::error_code unique_violation(const PGresult* result) {
    const char* constraint = PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME);
    const std::string_view name = constraint != nullptr ? constraint : "";
    if (name == "peers_name_key") return make_error_code(Errc::name_taken);
    if (name == "peers_public_key_key") return make_error_code(Errc::public_key_taken);
    if (name == "peers_ipv4_key" || name == "peers_ipv6")
        return make_error_code(Errc::address_taken);
    return make_error_code(Errc::database_failed);
}

}  // namespace

tl::expected<ConnectionPtr, std::string> connect(const std::string& dsn) {
    // expand_dbname: the dsn is a whole connection string; keywords after it
    // would override it, the ones before it are defaults it may override.
    // TCP keepalives after 10 s idle: a server behind a cut network is
    // noticed by the change feed within about 20 s instead of hours.
    const char* keywords[] = {"connect_timeout",
                              "application_name",
                              "keepalives_idle",
                              "keepalives_interval",
                              "keepalives_count",
                              "dbname",
                              nullptr};
    const char* values[] = {
        default_connect_timeout, "wmsgated", "10", "3", "3", dsn.c_str(), nullptr};
    ConnectionPtr conn(PQconnectdbParams(keywords, values, 1));
    if (!conn) return tl::unexpected(std::string("out of memory"));
    if (PQstatus(conn.get()) != CONNECTION_OK) return tl::unexpected(last_message(conn.get()));
    // Library code does not write to stderr: the server's NOTICEs ("relation
    // already exists, skipping") are informational, and errors come back
    // as results.
    PQsetNoticeProcessor(
        conn.get(), [](void*, const char*) {}, nullptr);
    return conn;
}

std::string last_message(PGconn* conn) {
    std::string text = conn != nullptr ? PQerrorMessage(conn) : "no connection";
    for (auto& c : text)
        if (c == '\n') c = ' ';
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

std::optional<std::int64_t> Result::int64(int row, int column) const {
    const auto digits = text(row, column);
    std::int64_t value = 0;
    const auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (err != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    return value;
}

std::int64_t Result::affected() const {
    const char* count = PQcmdTuples(result_.get());
    std::int64_t value = 0;
    std::from_chars(count, count + std::strlen(count), value);
    return value;
}

std::error_code error_of(PGconn* conn, const PGresult* result) {
    if (PQstatus(conn) != CONNECTION_OK) return make_error_code(Errc::database_unreachable);
    const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    if (state == nullptr) return make_error_code(Errc::database_failed);
    const std::string_view code = state;
    if (code == "23505") return unique_violation(result);
    // serialization_failure, deadlock_detected: another appliance's
    // transaction won; this one may simply run again.
    if (code == "40001" || code == "40P01") return make_error_code(Errc::database_busy);
    // Class 08: connection exceptions; 57P01..03: the server shutting down.
    if (code.substr(0, 2) == "08" || code.substr(0, 3) == "57P")
        return make_error_code(Errc::database_unreachable);
    return make_error_code(Errc::database_failed);
}

tl::expected<Result, std::error_code> exec(PGconn* conn, const char* sql,
                                           const std::vector<Param>& params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
    Result result(PQexecParams(conn, sql, static_cast<int>(values.size()), nullptr, values.data(),
                               nullptr, nullptr, 0));
    // A null result (out of memory, connection lost) reads as a fatal error.
    const auto status = PQresultStatus(result.raw());
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
    return tl::unexpected(error_of(conn, result.raw()));
}

}  // namespace wmsgate::provisioning::pg
