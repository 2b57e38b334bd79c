// SqlDatabase: placeholder rewriting, value binding, transactions and the exception guard
// (classified in sql_errors.cpp).
#include "sql_database.h"

#include <functional>

#include "sql_errors.h"
#include "postgres_statements.h"
#include "sqlite_statements.h"

#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>

namespace renkei::store {

namespace {

/// Statements kept per connection: the store's own, with each batch size they are built for (a
/// few hundred texts), and room to spare.
constexpr std::size_t kKeptStatements = 1024;

}  // namespace

SqlDatabase::SqlDatabase(Dialect dialect, std::unique_ptr<Poco::Data::Session> session)
    : dialect_(dialect), session_(std::move(session)) {
  if (dialect_ == Dialect::Sqlite) {
    sqlite_ = std::make_unique<SqliteStatements>(
        Poco::Data::SQLite::Utility::dbHandle(*session_), kKeptStatements);
    return;
  }
  auto* pg = dynamic_cast<Poco::Data::PostgreSQL::SessionImpl*>(session_->impl());
  if (pg == nullptr) throw Poco::InvalidArgumentException("not a PostgreSQL session");
  postgres_ = std::make_unique<PostgresStatements>(static_cast<PGconn*>(pg->handle()), kKeptStatements);
  // Kept statements are parsed once but still planned for their values each time: a plan made
  // once for any value would be chosen from the statistics of queue tables that fill and empty
  // in seconds.
  exec("SET plan_cache_mode = force_custom_plan");
}

SqlDatabase::~SqlDatabase() = default;

std::string SqlDatabase::translate(std::string_view sql) const {
  if (dialect_ == Dialect::Sqlite) return std::string(sql);
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  bool quoted = false;
  for (char c : sql) {
    if (c == '\'') quoted = !quoted;
    if (c == '?' && !quoted) {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

void SqlDatabase::exec(std::string_view sql, const std::vector<SqlParam>& params) {
  if (postgres_) return postgres_->run(translate(sql), params, nullptr);
  if (sqlite_->run(sql, params, nullptr)) return;
  // Several statements in one text (SQLite only): POCO runs them one after another.
  Poco::Data::Statement st(*session_);
  st << std::string(sql);
  for (const SqlParam& p : params) {
    std::visit([&](const auto& v) { st, Poco::Data::Keywords::bind(v); }, p);
  }
  st.execute();
}

void SqlDatabase::execEach(std::string_view sql, std::size_t columns,
                           const std::vector<SqlParam>& params) {
  if (columns == 0 || params.empty()) return;
  if (sqlite_) return sqlite_->runEach(sql, columns, params);
  const std::string translated = translate(sql);
  for (std::size_t at = 0; at + columns <= params.size(); at += columns) {
    postgres_->run(translated, std::vector<SqlParam>(params.begin() + at, params.begin() + at + columns),
                   nullptr);
  }
}

std::vector<SqlRow> SqlDatabase::query(std::string_view sql, const std::vector<SqlParam>& params) {
  std::vector<SqlRow> rows;
  if (postgres_) {
    postgres_->run(translate(sql), params, &rows);
  } else if (!sqlite_->run(sql, params, &rows)) {
    throw Poco::InvalidArgumentException("a query is one statement");
  }
  return rows;
}

Poco::Int64 SqlDatabase::insert(std::string_view sql, const std::vector<SqlParam>& params) {
  if (postgres_) return integer(query(std::string(sql) + " RETURNING id", params).at(0).at(0));
  exec(sql, params);
  return integer(query("SELECT last_insert_rowid()").at(0).at(0));
}

Poco::Data::BLOB SqlDatabase::blob(std::string_view sql, const std::vector<SqlParam>& params) {
  std::vector<SqlRow> rows = query(sql, params);
  if (rows.empty() || rows[0].empty() || rows[0][0].isEmpty()) return {};
  if (rows[0][0].type() == typeid(Poco::Data::BLOB)) return rows[0][0].extract<Poco::Data::BLOB>();
  const std::string bytes = rows[0][0].toString();
  return Poco::Data::BLOB(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

void SqlDatabase::begin(Durability durability) {
  const bool deferred = durability == Durability::Deferred;
  if (dialect_ == Dialect::Sqlite) {
    // WAL mode: at NORMAL a commit is not flushed; the next commit at FULL flushes the log with
    // everything before it.
    if (deferred_ != deferred) {
      exec(deferred ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL");
      deferred_ = deferred;
    }
    try {
      exec("BEGIN IMMEDIATE");
    } catch (...) {
      restoreFlushedCommits();
      throw;
    }
  } else {
    exec("BEGIN");
    if (deferred) exec("SET LOCAL synchronous_commit TO OFF");
  }
}
void SqlDatabase::commit() {
  exec("COMMIT");
  ++commits_;
  restoreFlushedCommits();
}
void SqlDatabase::rollback() {
  exec("ROLLBACK");
  restoreFlushedCommits();
}
void SqlDatabase::restoreFlushedCommits() noexcept {
  if (!deferred_) return;
  try {
    exec("PRAGMA synchronous=FULL");
    deferred_ = false;
  } catch (...) {
    // Still NORMAL: begin() switches back before the next flushed transaction.
  }
}

const char* SqlDatabase::lockRows() const {
  return dialect_ == Dialect::Postgres ? " FOR UPDATE SKIP LOCKED" : "";
}

std::string SqlDatabase::valuesTable(
    std::size_t rows, const std::vector<std::pair<const char*, const char*>>& columns) const {
  std::string values = "VALUES ";
  for (std::size_t r = 0; r < rows; ++r) {
    values += r == 0 ? "(" : ", (";
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c > 0) values += ", ";
      // Types on the first row fix each column's type for PostgreSQL.
      values += r == 0 ? std::string("CAST(? AS ") + columns[c].second + ")" : std::string("?");
    }
    values += ")";
  }
  std::string names;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    names += (c == 0 ? "" : ", ") + std::string(columns[c].first);
  }
  if (dialect_ == Dialect::Postgres) return "(" + values + ") AS v(" + names + ")";
  std::string select = "SELECT ";
  for (std::size_t c = 0; c < columns.size(); ++c) {
    select += (c == 0 ? "column" : ", column") + std::to_string(c + 1) + " AS " + columns[c].first;
  }
  return "(" + select + " FROM (" + values + ")) AS v";
}

Status guarded(const std::function<Status()>& body) {
  try {
    return body();
  } catch (...) {
    return statusFromCurrentException();
  }
}

Status inTransaction(SqlDatabase& db, const std::function<Status()>& body, Durability durability) {
  Status began = guarded([&] {
    db.begin(durability);
    return Status::okStatus();
  });
  if (!began.ok()) return began;
  Status st = guarded(body);
  if (st.ok()) {
    st = guarded([&] {
      db.commit();
      return Status::okStatus();
    });
    if (st.ok()) return st;
  }
  Status ignored = guarded([&] {
    db.rollback();
    return Status::okStatus();
  });
  (void)ignored;
  return st;
}

std::string text(const Poco::Dynamic::Var& v) { return v.isEmpty() ? std::string() : v.toString(); }

Poco::Int64 integer(const Poco::Dynamic::Var& v) {
  if (v.isEmpty()) return 0;
  Poco::Int64 out = 0;
  v.convert(out);
  return out;
}

}  // namespace renkei::store
