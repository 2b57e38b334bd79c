// PostgresStatements: statements prepared once per connection, parameters, rows and errors
// (see postgres_statements.h).
#include "postgres_statements.h"

#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <memory>
#include <string_view>

namespace renkei::store {
namespace {

// Type OIDs fixed by PostgreSQL's catalog (pg_type.dat).
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26,
              kFloat4 = 700, kFloat8 = 701;

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

[[noreturn]] void fail(PGconn* connection, const PGresult* result) {
  const std::string message = result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(connection);
  if (PQstatus(connection) == CONNECTION_BAD) {
    throw Poco::Data::PostgreSQL::ConnectionException(message);
  }
  throw Poco::Data::PostgreSQL::StatementException(message);
}

/// SQLSTATE 26000: no prepared statement of that name.
bool unknownStatement(const PGresult* result) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  return state != nullptr && std::string_view(state) == "26000";
}

bool succeeded(const PGresult* result) {
  if (result == nullptr) return false;
  const ExecStatusType status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

Poco::Dynamic::Var value(const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column) != 0) return Poco::Dynamic::Var();
  const char* text = PQgetvalue(result, row, column);
  switch (PQftype(result, column)) {
    case kInt8:
    case kInt4:
    case kInt2:
    case kOid: return Poco::Int64(std::strtoll(text, nullptr, 10));
    case kFloat4:
    case kFloat8: return std::strtod(text, nullptr);
    case kBool: return text[0] == 't';
    case kBytea: {
      std::size_t length = 0;
      unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &length);
      if (bytes == nullptr) throw Poco::Data::PostgreSQL::StatementException("a bytea value does not decode");
      Poco::Data::BLOB blob(bytes, length);
      PQfreemem(bytes);
      return blob;
    }
    default: return std::string(text, static_cast<std::size_t>(PQgetlength(result, row, column)));
  }
}

}  // namespace

PostgresStatements::PostgresStatements(pg_conn* connection, std::size_t capacity)
    : connection_(connection), capacity_(capacity) {}

const std::string* PostgresStatements::prepared(const std::string& sql) {
  if (auto it = names_.find(sql); it != names_.end()) return &it->second;
  if (names_.size() >= capacity_) return nullptr;  // full: the caller runs it unnamed
  std::string name = "renkei_" + std::to_string(nextName_++);
  Result result(PQprepare(connection_, name.c_str(), sql.c_str(), 0, nullptr), PQclear);
  if (!succeeded(result.get())) fail(connection_, result.get());
  return &names_.emplace(sql, std::move(name)).first->second;
}

void PostgresStatements::run(const std::string& sql, const std::vector<SqlParam>& params,
                             std::vector<SqlRow>* rows) {
  const int count = static_cast<int>(params.size());
  std::vector<std::string> numbers(params.size());
  std::vector<const char*> values(params.size());
  std::vector<int> lengths(params.size(), 0);
  std::vector<int> formats(params.size(), 0);
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (const auto* n = std::get_if<Poco::Int64>(&params[i])) {
      numbers[i] = std::to_string(*n);
      values[i] = numbers[i].c_str();
    } else if (const auto* t = std::get_if<std::string>(&params[i])) {
      values[i] = t->c_str();
    } else {
      const auto& b = std::get<Poco::Data::BLOB>(params[i]);
      static const char kEmpty = 0;
      values[i] = b.size() == 0 ? &kEmpty : reinterpret_cast<const char*>(b.rawContent());
      lengths[i] = static_cast<int>(b.size());
      formats[i] = 1;
    }
  }
  const auto execute = [&] {
    const std::string* name = prepared(sql);
    return Result(name != nullptr
                      ? PQexecPrepared(connection_, name->c_str(), count, values.data(), lengths.data(),
                                       formats.data(), 0)
                      : PQexecParams(connection_, sql.c_str(), count, nullptr, values.data(),
                                     lengths.data(), formats.data(), 0),
                  PQclear);
  };
  Result result = execute();
  if (!succeeded(result.get()) && unknownStatement(result.get())) {
    // The server no longer has it (its session was reset): prepare it again, once.
    names_.erase(sql);
    result = execute();
  }
  if (!succeeded(result.get())) fail(connection_, result.get());
  if (rows == nullptr) return;
  const int columns = PQnfields(result.get());
  const int found = PQntuples(result.get());
  rows->reserve(rows->size() + static_cast<std::size_t>(found));
  for (int r = 0; r < found; ++r) {
    SqlRow row;
    row.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) row.push_back(value(result.get(), r, c));
    rows->push_back(std::move(row));
  }
}

}  // namespace renkei::store
