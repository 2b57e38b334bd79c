// A thin layer over one POCO Data session: SQL written once with `?` placeholders (rewritten to
// $n for PostgreSQL), parameters bound by value, rows returned as POCO Vars, transactions as a
// scope. Statements are compiled once per connection and kept (SqliteStatements,
// PostgresStatements). POCO exceptions are turned into Status here, at the store boundary.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <Poco/Data/LOB.h>
#include <Poco/Data/Session.h>
#include <Poco/Dynamic/Var.h>
#include <Poco/Types.h>

#include "renkei/core/status.h"

namespace renkei::store {

class SqliteStatements;
class PostgresStatements;

enum class Dialect { Sqlite, Postgres };

using SqlParam = std::variant<Poco::Int64, std::string, Poco::Data::BLOB>;
using SqlRow = std::vector<Poco::Dynamic::Var>;

/// How a transaction's commit reaches the disk. Flushed: the commit returns once it is on the
/// disk (fsync). Deferred: it may reach the disk with the next flushed commit (or SQLite's next
/// checkpoint); a crash of the process loses nothing, a power failure may lose it. For records
/// whose loss only repeats work: a claim's lease, a delivery's result (delivered again, with the
/// same idempotency key).
enum class Durability { Flushed, Deferred };

class SqlDatabase {
 public:
  SqlDatabase(Dialect dialect, std::unique_ptr<Poco::Data::Session> session);
  ~SqlDatabase();
  SqlDatabase(const SqlDatabase&) = delete;
  SqlDatabase& operator=(const SqlDatabase&) = delete;

  Dialect dialect() const { return dialect_; }
  Poco::Data::Session& session() { return *session_; }
  /// Runs a statement; throws Poco::Exception (callers sit inside `guarded`).
  void exec(std::string_view sql, const std::vector<SqlParam>& params = {});
  std::vector<SqlRow> query(std::string_view sql, const std::vector<SqlParam>& params = {});
  /// Runs a one-row statement once per row of `params` (row-major, `columns` values per row; the
  /// first row's value types hold for every row), compiled once.
  void execEach(std::string_view sql, std::size_t columns, const std::vector<SqlParam>& params);
  /// INSERT … returning the new row's id.
  Poco::Int64 insert(std::string_view sql, const std::vector<SqlParam>& params);
  Poco::Data::BLOB blob(std::string_view sql, const std::vector<SqlParam>& params);

  void begin(Durability durability = Durability::Flushed);
  void commit();
  void rollback();
  /// Transactions committed so far (each flushed one is one fsync on SQLite; see Durability).
  int64_t commits() const { return commits_; }
  /// `FOR UPDATE SKIP LOCKED` on PostgreSQL, nothing on SQLite (one writer at a time).
  const char* lockRows() const;
  /// A literal table `v` of `rows` rows of placeholders for `UPDATE … FROM`, its columns named
  /// and typed by (name, SQL type): VALUES with a column list on PostgreSQL, VALUES renamed by a
  /// SELECT on SQLite (which names them column1, column2, …).
  std::string valuesTable(std::size_t rows,
                          const std::vector<std::pair<const char*, const char*>>& columns) const;

 private:
  std::string translate(std::string_view sql) const;
  /// SQLite: back to synchronous=FULL after a deferred transaction; when that fails, the next
  /// begin() tries again (and a flushed transaction does not begin until it succeeds).
  void restoreFlushedCommits() noexcept;
  Dialect dialect_;
  bool deferred_ = false;  ///< SQLite: the connection is at synchronous=NORMAL
  std::unique_ptr<Poco::Data::Session> session_;
  std::unique_ptr<SqliteStatements> sqlite_;  ///< SQLite; finalized before the session closes
  std::unique_ptr<PostgresStatements> postgres_;  ///< PostgreSQL
  std::atomic<int64_t> commits_{0};
};

/// Runs `body` in a transaction; commits when it returns ok, rolls back otherwise or on an
/// exception (turned into Conflict, Unavailable or Internal: see sql_errors.h).
Status inTransaction(SqlDatabase& db, const std::function<Status()>& body,
                     Durability durability = Durability::Flushed);
/// Runs `body` and turns exceptions into statuses, without a transaction.
Status guarded(const std::function<Status()>& body);

std::string text(const Poco::Dynamic::Var& v);
Poco::Int64 integer(const Poco::Dynamic::Var& v);

}  // namespace renkei::store
