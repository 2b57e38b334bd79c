// Prepared PostgreSQL statements kept per connection. A POCO Statement prepares its SQL on the
// server, executes it and deallocates it again: three round trips, and a parse and plan, for every
// statement the store runs. Here each SQL text is prepared once per connection under a name of its
// own and then only executed (one round trip), through libpq on POCO's connection. Parameters go as
// text (bytes as binary), rows come back as text and are typed by their column's type; errors are
// thrown as POCO's PostgreSQL exceptions with the server's message, so sql_errors.cpp classifies
// them as before.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "sql_database.h"

struct pg_conn;

namespace renkei::store {

class PostgresStatements {
 public:
  PostgresStatements(pg_conn* connection, std::size_t capacity);

  /// Runs `sql` (placeholders already $1, $2, …) with `params`; rows go to `rows` when given.
  void run(const std::string& sql, const std::vector<SqlParam>& params, std::vector<SqlRow>* rows);

 private:
  /// The server-side name of `sql`, prepared on first use; nullptr once `capacity` statements
  /// are kept (the statement then runs unnamed, parsed again each time).
  const std::string* prepared(const std::string& sql);

  pg_conn* connection_;
  std::size_t capacity_;
  std::size_t nextName_ = 0;
  std::unordered_map<std::string, std::string> names_;  ///< SQL text → statement name
};

}  // namespace renkei::store
