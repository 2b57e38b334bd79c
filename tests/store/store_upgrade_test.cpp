// Upgrading a store made by an earlier release: a database at schema version 4 (the scripts as
// they shipped, with rows in them) opens at version 5 on both backends, and what it held is still
// readable — resources keep their organization, version and search values.
#include <fstream>
#include <sstream>

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include "store/store_backends.h"

namespace renkei::test {
namespace {

using Poco::Data::Keywords::now;

/// Runs one migration script the way the store does: statements end with ';' at a line's end.
void runScript(Poco::Data::Session& session, const std::string& path) {
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::string line, statement;
  while (std::getline(in, line)) {
    if (line.rfind("--", 0) == 0) continue;
    statement += line + "\n";
    if (!line.empty() && line.back() == ';') {
      session << statement, now;
      statement.clear();
    }
  }
}

void upgradesFromVersion4(const std::string& kind) {
  std::string why;
  auto config = freshStoreConfig(kind, why);
  if (!config) GTEST_SKIP() << why;
  Poco::Data::SQLite::Connector::registerConnector();
  Poco::Data::PostgreSQL::Connector::registerConnector();
  {
    Poco::Data::Session old(kind == "sqlite" ? "SQLite" : "PostgreSQL",
                            kind == "sqlite" ? config->path : config->url);
    const std::string dir = std::string(RENKEI_SOURCE_DIR) + "/gateway/store/sql/" +
                            (kind == "sqlite" ? "sqlite" : "postgres") + "/";
    for (const char* script : {"001_initial.sql", "002_api_audit.sql", "003_fhir_resource.sql",
                               "004_fhir_search.sql"}) {
      runScript(old, dir + script);
    }
    old << "CREATE TABLE store_schema (version INTEGER NOT NULL, applied_ms BIGINT NOT NULL)", now;
    old << "INSERT INTO store_schema VALUES (1, 0), (2, 0), (3, 0), (4, 0)", now;
    old << "INSERT INTO intake_raw (sha256, size, first_ms) VALUES ('abc', 2, 1)", now;
    old << "INSERT INTO pipeline_message (source, sender, name, idempotency_key, sha256, "
           "received_ms, state) VALUES ('hospital', 'org-a', 'Patient.json', 'k1', 'abc', 1, "
           "'ROUTED')",
        now;
    old << "INSERT INTO fhir_resource VALUES ('Patient', 'rkold', 1, 'org-a', 1, 1, '{\"x\":1}')", now;
    old << "INSERT INTO fhir_search VALUES ('Patient', 'rkold', 'gender', 'female')", now;
  }
  auto opened = store::openStore(*config);
  ASSERT_TRUE(opened.ok()) << opened.status().toString();
  store::Store& store = *opened.value();
  EXPECT_EQ(store.schemaVersion(), 13);
  auto resource = store.resource("Patient", "rkold", {"org-a"}, 0);
  ASSERT_TRUE(resource.ok() && resource.value().has_value());
  EXPECT_EQ(resource.value()->version, 1);
  EXPECT_EQ(resource.value()->content, "{\"x\":1}");
  int64_t total = 0;
  auto found = store.search("Patient", {"org-a"}, {{"gender", "=", "female"}}, 10, 0, total);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(total, 1) << "search values kept their resource";
  auto message = store.message(1);
  ASSERT_TRUE(message.ok() && message.value().has_value());
  EXPECT_EQ(message.value()->state, "ROUTED");
  EXPECT_TRUE(message.value()->writeIntent.empty());
}

TEST(StoreUpgrade, FromVersion4OnSqlite) { upgradesFromVersion4("sqlite"); }
TEST(StoreUpgrade, FromVersion4OnPostgres) { upgradesFromVersion4("postgres"); }

}  // namespace
}  // namespace renkei::test
