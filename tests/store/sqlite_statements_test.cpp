// SQLite statements are compiled once and kept: rows come back with their values' types, a kept
// statement holds no read transaction between calls, the least recently used one is dropped past
// the limit, and errors are classified as POCO's own statements' were.
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Session.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/sql_database.h"
#include "store/sqlite_statements.h"
#include "store/store_backends.h"

namespace renkei::store {
namespace {

class SqliteStatementsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Poco::Data::SQLite::Connector::registerConnector();
    path_ = (dir_.path() / "store.db").string();
    session_ = std::make_unique<Poco::Data::Session>("SQLite", path_);
    handle_ = Poco::Data::SQLite::Utility::dbHandle(*session_);
    ASSERT_EQ(sqlite3_exec(handle_, "PRAGMA journal_mode=WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, "
                                    "name TEXT UNIQUE, n INTEGER, b BLOB)", nullptr, nullptr, nullptr),
              SQLITE_OK);
  }

  test::TempDir dir_;  ///< declared first: removed after the session closes
  std::string path_;
  std::unique_ptr<Poco::Data::Session> session_;
  sqlite3* handle_ = nullptr;
};

TEST_F(SqliteStatementsTest, RowsKeepTheirValuesTypesAndAStatementIsCompiledOnce) {
  SqliteStatements kept(handle_, 8);
  const unsigned char bytes[] = {0, 1, 2, 255};
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(kept.run("INSERT INTO t (name, n, b) VALUES (?, ?, ?)",
                         {SqlParam("名前" + std::to_string(i)), SqlParam(Poco::Int64(40 + i)),
                          SqlParam(Poco::Data::BLOB(bytes, sizeof bytes))},
                         nullptr));
  }
  EXPECT_EQ(kept.size(), 1u);
  std::vector<SqlRow> rows;
  ASSERT_TRUE(kept.run("SELECT name, n, b, NULL, 1.5 FROM t WHERE n >= ? ORDER BY id", {SqlParam(Poco::Int64(41))}, &rows));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0].extract<std::string>(), "名前1");
  EXPECT_EQ(rows[0][1].extract<Poco::Int64>(), 41);
  EXPECT_EQ(rows[0][2].extract<Poco::Data::BLOB>(), Poco::Data::BLOB(bytes, sizeof bytes));
  EXPECT_TRUE(rows[0][3].isEmpty());
  EXPECT_EQ(rows[0][4].extract<double>(), 1.5);
  EXPECT_EQ(kept.size(), 2u);
}

TEST_F(SqliteStatementsTest, AKeptStatementHoldsNoReadTransactionBetweenCalls) {
  SqliteStatements kept(handle_, 8);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(kept.run("INSERT INTO t (name) VALUES (?)", {SqlParam("n" + std::to_string(i))}, nullptr));
  }
  std::vector<SqlRow> rows;
  ASSERT_TRUE(kept.run("SELECT name FROM t ORDER BY id", {}, &rows));  // read to the end
  ASSERT_TRUE(kept.run("SELECT name FROM t WHERE id = 1", {}, &rows));
  // A second connection can copy the whole log back and truncate it: nobody is reading it.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "PRAGMA schema_version", nullptr, nullptr, nullptr), SQLITE_OK);
  int log = -1, copied = -1;
  EXPECT_EQ(sqlite3_wal_checkpoint_v2(other, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log, &copied), SQLITE_OK);
  EXPECT_EQ(log, 0);
  sqlite3_close(other);
}

TEST_F(SqliteStatementsTest, TheLeastRecentlyUsedStatementIsDroppedPastTheLimit) {
  SqliteStatements kept(handle_, 2);
  std::vector<SqlRow> rows;
  ASSERT_TRUE(kept.run("SELECT 1", {}, &rows));
  ASSERT_TRUE(kept.run("SELECT 2", {}, &rows));
  ASSERT_TRUE(kept.run("SELECT 1", {}, &rows));
  ASSERT_TRUE(kept.run("SELECT 3", {}, &rows));  // drops "SELECT 2"
  EXPECT_EQ(kept.size(), 2u);
  rows.clear();
  ASSERT_TRUE(kept.run("SELECT 2", {}, &rows));
  EXPECT_EQ(rows.at(0).at(0).extract<Poco::Int64>(), 2);
}

TEST_F(SqliteStatementsTest, SeveralStatementsInOneTextAreLeftToTheCaller) {
  SqliteStatements kept(handle_, 8);
  EXPECT_FALSE(kept.run("SELECT 1; SELECT 2", {}, nullptr));
  EXPECT_TRUE(kept.run("SELECT 1;", {}, nullptr));
  EXPECT_EQ(kept.size(), 1u);
}

TEST_F(SqliteStatementsTest, ErrorsAreClassifiedAsBefore) {
  SqlDatabase db(Dialect::Sqlite, std::make_unique<Poco::Data::Session>("SQLite", path_));
  db.exec("INSERT INTO t (name) VALUES (?)", {SqlParam(std::string("once"))});
  Status repeat = guarded([&] {
    db.exec("INSERT INTO t (name) VALUES (?)", {SqlParam(std::string("once"))});
    return Status::okStatus();
  });
  EXPECT_EQ(repeat.code(), StatusCode::Conflict) << repeat.toString();
  Status typo = guarded([&] {
    db.exec("INSERT INTO missing (name) VALUES (?)", {SqlParam(std::string("x"))});
    return Status::okStatus();
  });
  EXPECT_EQ(typo.code(), StatusCode::Internal) << typo.toString();
  Status count = guarded([&] {
    db.exec("INSERT INTO t (name) VALUES (?)", {});
    return Status::okStatus();
  });
  EXPECT_EQ(count.code(), StatusCode::Internal) << count.toString();
  // The connection is usable after each failure, and in a transaction it rolls back.
  EXPECT_TRUE(inTransaction(db, [&] {
                db.exec("INSERT INTO t (name) VALUES (?)", {SqlParam(std::string("twice"))});
                return Status::okStatus();
              }).ok());
  EXPECT_EQ(db.query("SELECT count(*) FROM t").at(0).at(0).convert<int>(), 2);
  EXPECT_EQ(db.insert("INSERT INTO t (name) VALUES (?)", {SqlParam(std::string("third"))}), 3);
}

}  // namespace
}  // namespace renkei::store
