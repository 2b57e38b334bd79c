// openStore: connects to SQLite (WAL, synchronous=FULL) or PostgreSQL and applies the versioned
// migrations embedded from gateway/store/sql/<backend>/ (a PostgreSQL advisory lock keeps two
// instances from migrating at once).
#include <chrono>
#include <filesystem>
#include <string_view>

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>

#include "renkei/core/json_log.h"
#include "sql_store.h"

namespace renkei::embedded {
extern const std::string_view kSqliteMigration001;
extern const std::string_view kSqliteMigration002;
extern const std::string_view kPostgresMigration001;
extern const std::string_view kPostgresMigration002;
extern const std::string_view kSqliteMigration003;
extern const std::string_view kPostgresMigration003;
extern const std::string_view kSqliteMigration004;
extern const std::string_view kPostgresMigration004;
extern const std::string_view kSqliteMigration005;
extern const std::string_view kPostgresMigration005;
extern const std::string_view kSqliteMigration006;
extern const std::string_view kPostgresMigration006;
extern const std::string_view kSqliteMigration007;
extern const std::string_view kPostgresMigration007;
extern const std::string_view kSqliteMigration008;
extern const std::string_view kPostgresMigration008;
extern const std::string_view kSqliteMigration009;
extern const std::string_view kPostgresMigration009;
extern const std::string_view kSqliteMigration010;
extern const std::string_view kPostgresMigration010;
extern const std::string_view kSqliteMigration011;
extern const std::string_view kPostgresMigration011;
extern const std::string_view kSqliteMigration012;
extern const std::string_view kPostgresMigration012;
extern const std::string_view kSqliteMigration013;
extern const std::string_view kPostgresMigration013;
}  // namespace renkei::embedded

namespace renkei::store {
namespace {

struct Migration {
  int version;
  std::string_view sql;
};

std::vector<Migration> migrationsFor(Dialect d) {
  if (d == Dialect::Sqlite) {
    return {{1, embedded::kSqliteMigration001},
            {2, embedded::kSqliteMigration002},
            {3, embedded::kSqliteMigration003},
            {4, embedded::kSqliteMigration004},
            {5, embedded::kSqliteMigration005},
            {6, embedded::kSqliteMigration006},
            {7, embedded::kSqliteMigration007},
            {8, embedded::kSqliteMigration008},
            {9, embedded::kSqliteMigration009},
            {10, embedded::kSqliteMigration010},
            {11, embedded::kSqliteMigration011},
            {12, embedded::kSqliteMigration012},
            {13, embedded::kSqliteMigration013}};
  }
  return {{1, embedded::kPostgresMigration001},
          {2, embedded::kPostgresMigration002},
          {3, embedded::kPostgresMigration003},
          {4, embedded::kPostgresMigration004},
          {5, embedded::kPostgresMigration005},
          {6, embedded::kPostgresMigration006},
          {7, embedded::kPostgresMigration007},
          {8, embedded::kPostgresMigration008},
          {9, embedded::kPostgresMigration009},
          {10, embedded::kPostgresMigration010},
          {11, embedded::kPostgresMigration011},
          {12, embedded::kPostgresMigration012},
          {13, embedded::kPostgresMigration013}};
}

/// Splits a migration script into statements at semicolons ending a line; drops comments.
std::vector<std::string> statements(std::string_view script) {
  std::vector<std::string> out;
  std::string current;
  std::size_t start = 0;
  while (start < script.size()) {
    std::size_t end = script.find('\n', start);
    if (end == std::string_view::npos) end = script.size();
    std::string_view line = script.substr(start, end - start);
    start = end + 1;
    if (line.rfind("--", 0) == 0) continue;
    current.append(line).push_back('\n');
    if (!line.empty() && line.back() == ';') {
      out.push_back(current);
      current.clear();
    }
  }
  if (current.find_first_not_of(" \n\t") != std::string::npos) out.push_back(current);
  return out;
}

Status migrate(SqlDatabase& db) {
  return inTransaction(db, [&] {
    // Instances starting together must not race on the DDL: PostgreSQL serializes them on an
    // advisory lock (DDL is transactional there); SQLite's BEGIN IMMEDIATE already does.
    if (db.dialect() == Dialect::Postgres) db.exec("SELECT pg_advisory_xact_lock(7255001)");
    db.exec("CREATE TABLE IF NOT EXISTS store_schema (version INTEGER NOT NULL, applied_ms "
            "BIGINT NOT NULL)");
    auto rows = db.query("SELECT COALESCE(MAX(version), 0) FROM store_schema");
    const int current = rows.empty() ? 0 : static_cast<int>(integer(rows[0][0]));
    for (const Migration& m : migrationsFor(db.dialect())) {
      if (m.version <= current) continue;
      for (const std::string& sql : statements(m.sql)) db.exec(sql);
      db.exec("INSERT INTO store_schema (version, applied_ms) VALUES (?, ?)",
              {Poco::Int64(m.version),
               Poco::Int64(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count())});
    }
    return Status::okStatus();
  });
}

}  // namespace

int latestSchemaVersion() { return migrationsFor(Dialect::Sqlite).back().version; }

Result<std::unique_ptr<Store>> openStore(const StoreConfig& config) {
  std::vector<std::unique_ptr<SqlDatabase>> connections;
  std::unique_ptr<SqliteCheckpointer> checkpointer;
  Status opened = guarded([&] {
    if (config.kind == "sqlite") {
      Poco::Data::SQLite::Connector::registerConnector();
      const std::filesystem::path path(config.path);
      if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
      auto db = std::make_unique<SqlDatabase>(
          Dialect::Sqlite, std::make_unique<Poco::Data::Session>("SQLite", config.path));
      db->exec("PRAGMA journal_mode=WAL");
      db->exec("PRAGMA synchronous=FULL");
      db->exec("PRAGMA busy_timeout=10000");
      db->exec("PRAGMA foreign_keys=ON");
      // Checkpoint every ~40 MB of WAL instead of 4 MB, and keep 64 MB of pages cached: the
      // indexes' hot right-hand pages are then written back to the database file far less often
      // (endpoint with resource copies +10%, docs/performance.md); memory stays bounded. The
      // checkpoints run on a thread of their own (sqlite_checkpointer.h); the pragma holds if
      // that thread cannot start.
      db->exec("PRAGMA wal_autocheckpoint=10000");
      db->exec("PRAGMA cache_size=-65536");
      auto started = SqliteCheckpointer::start(db->session(), config.path, {});
      if (started.ok()) {
        checkpointer = std::move(started).value();
      } else {
        JsonLog::write(LogLevel::Warn, "sqlite_checkpointer_unavailable", {{"error", started.status().message()}});
      }
      connections.push_back(std::move(db));
      return Status::okStatus();
    }
    if (config.kind == "postgres") {
      if (config.connections < 1 || config.connections > 64) {
        return Status::invalidInput("store connections must be 1 to 64");
      }
      Poco::Data::PostgreSQL::Connector::registerConnector();
      for (int i = 0; i < config.connections; ++i) {
        connections.push_back(std::make_unique<SqlDatabase>(
            Dialect::Postgres, std::make_unique<Poco::Data::Session>("PostgreSQL", config.url)));
      }
      return Status::okStatus();
    }
    return Status::invalidInput("store kind must be sqlite or postgres, not '" + config.kind + "'");
  });
  if (!opened.ok()) return opened;
  RENKEI_RETURN_IF_ERROR(migrate(*connections.front()));
  return std::unique_ptr<Store>(std::make_unique<SqlStore>(
      std::make_unique<ConnectionPool>(std::move(connections)), std::move(checkpointer)));
}

}  // namespace renkei::store
