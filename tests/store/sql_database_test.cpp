// SqlDatabase on each backend, with its statements compiled once per connection: values keep
// their types and bytes, a statement run many times is prepared once (and again if the server
// forgot it), errors are classified as before, and statements prepared before a failed
// transaction still run after its rollback.
#include <gtest/gtest.h>

#include "store/sql_database.h"
#include "store/store_backends.h"

namespace renkei::store {
namespace {

class SqlDatabaseTest : public test::FreshDatabaseTest {
 protected:
  void SetUp() override {
    test::FreshDatabaseTest::SetUp();
    if (IsSkipped()) return;
    db_->exec(GetParam() == "sqlite"
                  ? "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, n BIGINT, b BLOB)"
                  : "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, name TEXT UNIQUE, n BIGINT, b BYTEA)");
  }
  Status attempt(const std::function<void()>& body) {
    return guarded([&] {
      body();
      return Status::okStatus();
    });
  }
};

TEST_P(SqlDatabaseTest, ValuesKeepTheirTypesAndBytes) {
  std::vector<unsigned char> all(256);
  for (int i = 0; i < 256; ++i) all[static_cast<std::size_t>(i)] = static_cast<unsigned char>(i);
  const Poco::Data::BLOB bytes(all.data(), all.size());
  EXPECT_EQ(db_->insert("INSERT INTO t (name, n, b) VALUES (?, ?, ?)",
                        {SqlParam(std::string("連携 'quoted' ?")), SqlParam(Poco::Int64(1765000000000)), SqlParam(bytes)}),
            1);
  EXPECT_EQ(db_->insert("INSERT INTO t (name, n, b) VALUES (?, ?, ?)",
                        {SqlParam(std::string("")), SqlParam(Poco::Int64(-1)), SqlParam(Poco::Data::BLOB())}),
            2);
  auto rows = db_->query("SELECT name, n, b, NULL, COUNT(*) OVER () FROM t WHERE n > ? ORDER BY id",
                         {SqlParam(Poco::Int64(-5))});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(text(rows[0][0]), "連携 'quoted' ?");
  EXPECT_EQ(integer(rows[0][1]), 1765000000000);
  EXPECT_EQ(rows[0][2].extract<Poco::Data::BLOB>(), bytes);
  EXPECT_TRUE(rows[0][3].isEmpty());
  EXPECT_EQ(integer(rows[0][4]), 2);
  EXPECT_EQ(text(rows[1][0]), "");
  EXPECT_EQ(db_->blob("SELECT b FROM t WHERE id = ?", {SqlParam(Poco::Int64(1))}), bytes);
  EXPECT_EQ(db_->blob("SELECT b FROM t WHERE id = ?", {SqlParam(Poco::Int64(2))}).size(), 0u);
  EXPECT_EQ(db_->blob("SELECT b FROM t WHERE id = ?", {SqlParam(Poco::Int64(99))}).size(), 0u);
}

TEST_P(SqlDatabaseTest, AStatementRunManyTimesIsPreparedOnce) {
  const auto prepared = [&] {
    return GetParam() == "sqlite" ? 0
                                  : integer(db_->query("SELECT COUNT(*) FROM pg_prepared_statements").at(0).at(0));
  };
  const int64_t before = prepared();
  for (int i = 0; i < 50; ++i) {
    db_->exec("INSERT INTO t (name, n) VALUES (?, ?)", {SqlParam("r" + std::to_string(i)), SqlParam(Poco::Int64(i))});
  }
  db_->execEach("UPDATE t SET n = ? WHERE name = ?", 2,
                {SqlParam(Poco::Int64(100)), SqlParam(std::string("r1")), SqlParam(Poco::Int64(200)),
                 SqlParam(std::string("r2"))});
  EXPECT_EQ(integer(db_->query("SELECT SUM(n) FROM t").at(0).at(0)), 49 * 50 / 2 - 1 - 2 + 100 + 200);
  if (GetParam() == "postgres") {
    EXPECT_LE(prepared() - before, 4) << "the insert, the update, the sum and the count, once each";
    // Statements the server forgot (a reset session) are prepared again.
    db_->exec("DEALLOCATE ALL");
    db_->exec("INSERT INTO t (name, n) VALUES (?, ?)", {SqlParam(std::string("again")), SqlParam(Poco::Int64(1))});
    EXPECT_EQ(integer(db_->query("SELECT COUNT(*) FROM t").at(0).at(0)), 51);
  }
}

TEST_P(SqlDatabaseTest, ErrorsAreClassifiedAndAFailedTransactionLeavesTheConnectionUsable) {
  db_->exec("INSERT INTO t (name) VALUES (?)", {SqlParam(std::string("once"))});
  EXPECT_EQ(attempt([&] { db_->exec("INSERT INTO t (name) VALUES (?)", {SqlParam(std::string("once"))}); }).code(),
            StatusCode::Conflict);
  EXPECT_EQ(attempt([&] { db_->exec("INSERT INTO missing (name) VALUES (?)", {SqlParam(std::string("x"))}); }).code(),
            StatusCode::Internal);
  Status failed = inTransaction(*db_, [&] {
    db_->exec("INSERT INTO t (name) VALUES (?)", {SqlParam(std::string("rolled back"))});
    db_->exec("INSERT INTO t (name) VALUES (?)", {SqlParam(std::string("once"))});
    return Status::okStatus();
  });
  EXPECT_EQ(failed.code(), StatusCode::Conflict) << failed.toString();
  EXPECT_TRUE(inTransaction(*db_, [&] {
                db_->exec("INSERT INTO t (name) VALUES (?)", {SqlParam(std::string("after"))});
                return Status::okStatus();
              }).ok());
  auto names = db_->query("SELECT name FROM t ORDER BY id");
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(text(names[0][0]), "once");
  EXPECT_EQ(text(names[1][0]), "after");
}

INSTANTIATE_TEST_SUITE_P(Backends, SqlDatabaseTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace renkei::store
