// SqliteStatements: the statement cache, value binding and row reading (see sqlite_statements.h).
#include "sqlite_statements.h"

#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Exception.h>
#include <sqlite3.h>

#include <cctype>

namespace renkei::store {

SqliteStatements::SqliteStatements(sqlite3* db, std::size_t capacity)
    : db_(db), capacity_(capacity == 0 ? 1 : capacity) {}

SqliteStatements::~SqliteStatements() {
  for (Entry& e : recent_) sqlite3_finalize(e.second);
}

void SqliteStatements::fail(int rc, std::string_view sql) {
  // The primary code picks POCO's exception class, as POCO's own statements would.
  Poco::Data::SQLite::Utility::throwException(db_, rc & 0xff,
                                              " (" + std::string(sql.substr(0, 60)) + ")");
  throw Poco::Data::DataException("SQLite error " + std::to_string(rc));  // not reached
}

sqlite3_stmt* SqliteStatements::prepared(std::string_view sql) {
  if (auto it = byText_.find(sql); it != byText_.end()) {
    recent_.splice(recent_.begin(), recent_, it->second);
    return it->second->second;
  }
  sqlite3_stmt* st = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &st, &tail);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(st);
    fail(rc, sql);
  }
  const char* end = sql.data() + sql.size();
  for (const char* p = tail; p != nullptr && p < end; ++p) {
    if (std::isspace(static_cast<unsigned char>(*p)) == 0 && *p != ';') {
      sqlite3_finalize(st);
      return nullptr;  // several statements: not kept
    }
  }
  if (st == nullptr) return nullptr;  // only whitespace or a comment
  if (recent_.size() >= capacity_) {
    byText_.erase(recent_.back().first);
    sqlite3_finalize(recent_.back().second);
    recent_.pop_back();
  }
  recent_.emplace_front(std::string(sql), st);
  byText_.emplace(recent_.front().first, recent_.begin());
  return st;
}

void SqliteStatements::bind(sqlite3_stmt* st, const SqlParam* params, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    const int at = static_cast<int>(i) + 1;
    int rc = SQLITE_OK;
    if (const auto* n = std::get_if<Poco::Int64>(&params[i])) {
      rc = sqlite3_bind_int64(st, at, *n);
    } else if (const auto* t = std::get_if<std::string>(&params[i])) {
      rc = sqlite3_bind_text64(st, at, t->data(), t->size(), SQLITE_STATIC, SQLITE_UTF8);
    } else {
      const auto& b = std::get<Poco::Data::BLOB>(params[i]);
      rc = b.size() == 0 ? sqlite3_bind_zeroblob(st, at, 0)
                         : sqlite3_bind_blob64(st, at, b.rawContent(), b.size(), SQLITE_STATIC);
    }
    if (rc != SQLITE_OK) {
      sqlite3_reset(st);
      sqlite3_clear_bindings(st);
      fail(rc, sqlite3_sql(st));
    }
  }
}

namespace {

Poco::Dynamic::Var column(sqlite3_stmt* st, int c) {
  switch (sqlite3_column_type(st, c)) {
    case SQLITE_INTEGER: return Poco::Int64(sqlite3_column_int64(st, c));
    case SQLITE_FLOAT: return sqlite3_column_double(st, c);
    case SQLITE_TEXT: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
      return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st, c)));
    }
    case SQLITE_BLOB: {
      const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(st, c));
      return Poco::Data::BLOB(p, static_cast<std::size_t>(sqlite3_column_bytes(st, c)));
    }
    default: return Poco::Dynamic::Var();
  }
}

}  // namespace

void SqliteStatements::step(sqlite3_stmt* st, std::vector<SqlRow>* rows) {
  const int columns = sqlite3_column_count(st);
  int rc = SQLITE_ROW;
  try {
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      if (rows == nullptr) continue;
      SqlRow row;
      row.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) row.push_back(column(st, c));
      rows->push_back(std::move(row));
    }
  } catch (...) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    throw;
  }
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  if (rc != SQLITE_DONE) fail(rc, sqlite3_sql(st));
}

bool SqliteStatements::run(std::string_view sql, const std::vector<SqlParam>& params,
                           std::vector<SqlRow>* rows) {
  sqlite3_stmt* st = prepared(sql);
  if (st == nullptr) return false;
  if (static_cast<std::size_t>(sqlite3_bind_parameter_count(st)) != params.size()) {
    throw Poco::Data::SQLite::ParameterCountMismatchException(std::string(sql.substr(0, 60)));
  }
  bind(st, params.data(), params.size());
  step(st, rows);
  return true;
}

void SqliteStatements::runEach(std::string_view sql, std::size_t columns,
                               const std::vector<SqlParam>& params) {
  sqlite3_stmt* st = prepared(sql);
  if (st == nullptr || static_cast<std::size_t>(sqlite3_bind_parameter_count(st)) != columns) {
    throw Poco::Data::SQLite::ParameterCountMismatchException(std::string(sql.substr(0, 60)));
  }
  for (std::size_t at = 0; at + columns <= params.size(); at += columns) {
    bind(st, params.data() + at, columns);
    step(st, nullptr);
  }
}

}  // namespace renkei::store
