// Prepared SQLite statements kept between calls. The store runs the same few dozen statements
// for every input; compiling each again per call (as a new POCO Statement does) cost about a tenth
// of the daemon's CPU under load, all of it while the store's one connection is held. Statements
// are kept per SQL text (least recently used dropped past a limit), bound by value, and always
// reset after use so that none holds a read transaction open. Errors are thrown as POCO's SQLite
// exceptions for the same result codes, so sql_errors.cpp classifies them as before.
#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sql_database.h"

struct sqlite3;
struct sqlite3_stmt;

namespace renkei::store {

class SqliteStatements {
 public:
  SqliteStatements(sqlite3* db, std::size_t capacity);
  ~SqliteStatements();
  SqliteStatements(const SqliteStatements&) = delete;
  SqliteStatements& operator=(const SqliteStatements&) = delete;

  /// Runs the one statement in `sql` with `params`; its rows go to `rows` when given. False when
  /// `sql` holds more than one statement (the caller runs it another way); throws otherwise.
  bool run(std::string_view sql, const std::vector<SqlParam>& params, std::vector<SqlRow>* rows);
  /// Runs the one-row statement `sql` once per row of `params` (`columns` values per row).
  void runEach(std::string_view sql, std::size_t columns, const std::vector<SqlParam>& params);
  std::size_t size() const { return byText_.size(); }

 private:
  using Entry = std::pair<std::string, sqlite3_stmt*>;
  /// The compiled statement for `sql` (nullptr when it holds more than one statement).
  sqlite3_stmt* prepared(std::string_view sql);
  void bind(sqlite3_stmt* st, const SqlParam* params, std::size_t count);
  /// Steps `st` to its end, collecting rows into `rows` when given; resets it even on error.
  void step(sqlite3_stmt* st, std::vector<SqlRow>* rows);
  [[noreturn]] void fail(int rc, std::string_view sql);

  sqlite3* db_;
  std::size_t capacity_;
  std::list<Entry> recent_;  ///< most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> byText_;  ///< keys view recent_
};

}  // namespace renkei::store
