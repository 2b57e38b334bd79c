// SqlDatabase: placeholder rewriting, value binding, transactions and the exception guard
// (classified in sql_errors.cpp).
#include "sql_database.h"

#include <functional>

#include "sql_errors.h"
#include "sqlite_statements.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>

namespace renkei::store {

using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::into;

namespace {

/// Statements kept per SQLite connection: the store's own, with each batch size they are built
/// for (a few hundred texts), and room to spare.
constexpr std::size_t kKeptStatements = 1024;

}  // namespace

SqlDatabase::SqlDatabase(Dialect dialect, std::unique_ptr<Poco::Data::Session> session)
    : dialect_(dialect), session_(std::move(session)) {
  if (dialect_ == Dialect::Sqlite) {
    statements_ = std::make_unique<SqliteStatements>(
        Poco::Data::SQLite::Utility::dbHandle(*session_), kKeptStatements);
  }
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

namespace {

void bindAll(Poco::Data::Statement& st, const std::vector<SqlParam>& params) {
  for (const SqlParam& p : params) {
    std::visit([&](const auto& v) { st, bind(v); }, p);
  }
}

}  // namespace

void SqlDatabase::exec(std::string_view sql, const std::vector<SqlParam>& params) {
  if (statements_ && statements_->run(sql, params, nullptr)) return;
  Poco::Data::Statement st(*session_);
  st << translate(sql);
  bindAll(st, params);
  st.execute();
}

void SqlDatabase::execEach(std::string_view sql, std::size_t columns,
                           const std::vector<SqlParam>& params) {
  if (columns == 0 || params.empty()) return;
  if (statements_) return statements_->runEach(sql, columns, params);
  const std::size_t rows = params.size() / columns;
  // One vector per column: POCO executes the statement once per element.
  std::vector<std::vector<Poco::Int64>> integers(columns);
  std::vector<std::vector<std::string>> texts(columns);
  std::vector<std::vector<Poco::Data::BLOB>> blobs(columns);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < columns; ++c) {
      const SqlParam& v = params[r * columns + c];
      if (v.index() != params[c].index()) throw Poco::InvalidArgumentException("mixed column types");
      if (const auto* i = std::get_if<Poco::Int64>(&v)) integers[c].push_back(*i);
      if (const auto* t = std::get_if<std::string>(&v)) texts[c].push_back(*t);
      if (const auto* b = std::get_if<Poco::Data::BLOB>(&v)) blobs[c].push_back(*b);
    }
  }
  Poco::Data::Statement st(*session_);
  st << translate(sql);
  for (std::size_t c = 0; c < columns; ++c) {
    switch (params[c].index()) {
      case 0: st, Poco::Data::Keywords::use(integers[c]); break;
      case 1: st, Poco::Data::Keywords::use(texts[c]); break;
      default: st, Poco::Data::Keywords::use(blobs[c]); break;
    }
  }
  st.execute();
}

std::vector<SqlRow> SqlDatabase::query(std::string_view sql, const std::vector<SqlParam>& params) {
  std::vector<SqlRow> rows;
  if (statements_ && statements_->run(sql, params, &rows)) return rows;
  Poco::Data::Statement st(*session_);
  st << translate(sql);
  bindAll(st, params);
  st.execute();
  Poco::Data::RecordSet rs(st);
  const std::size_t columns = rs.columnCount();
  bool more = rs.moveFirst();
  while (more) {
    SqlRow row;
    row.reserve(columns);
    for (std::size_t c = 0; c < columns; ++c) row.push_back(rs[c]);
    rows.push_back(std::move(row));
    more = rs.moveNext();
  }
  return rows;
}

Poco::Int64 SqlDatabase::insert(std::string_view sql, const std::vector<SqlParam>& params) {
  if (dialect_ == Dialect::Postgres) {
    Poco::Int64 id = 0;
    Poco::Data::Statement st(*session_);
    st << translate(std::string(sql) + " RETURNING id");
    bindAll(st, params);
    st, into(id);
    st.execute();
    return id;
  }
  exec(sql, params);
  return query("SELECT last_insert_rowid()").at(0).at(0).convert<Poco::Int64>();
}

Poco::Data::BLOB SqlDatabase::blob(std::string_view sql, const std::vector<SqlParam>& params) {
  if (statements_) {
    std::vector<SqlRow> rows;
    if (statements_->run(sql, params, &rows)) {
      if (rows.empty() || rows[0].empty() || rows[0][0].isEmpty()) return {};
      if (rows[0][0].type() == typeid(Poco::Data::BLOB)) return rows[0][0].extract<Poco::Data::BLOB>();
      const std::string bytes = rows[0][0].toString();
      return Poco::Data::BLOB(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    }
  }
  Poco::Data::BLOB out;
  Poco::Data::Statement st(*session_);
  st << translate(sql);
  bindAll(st, params);
  st, into(out);
  st.execute();
  return out;
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
