// How database exceptions become statuses (sql_errors.h): a unique-key race is a Conflict, a
// transient database condition Unavailable (retried), any other constraint violation, bad data or
// an exception from our own code Internal (a dead letter, not an endless retry) — on a real
// SQLite database where it can be provoked, and on the exception types elsewhere.
#include <new>
#include <stdexcept>

#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <gtest/gtest.h>

#include "store/sql_database.h"
#include "store/sql_errors.h"

namespace renkei::store {
namespace {

template <typename Exception>
Status statusOf(const Exception& e) {
  return guarded([&]() -> Status { throw e; });
}

class SqlErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Poco::Data::SQLite::Connector::registerConnector();
    db_ = std::make_unique<SqlDatabase>(
        Dialect::Sqlite, std::make_unique<Poco::Data::Session>("SQLite", ":memory:"));
    db_->exec("CREATE TABLE t (k TEXT NOT NULL UNIQUE, n INTEGER CHECK (n > 0))");
    db_->exec("INSERT INTO t (k, n) VALUES ('a', 1)");
  }
  std::unique_ptr<SqlDatabase> db_;
};

TEST_F(SqlErrorsTest, AUniqueKeyRaceIsAConflict) {
  Status st = inTransaction(*db_, [&] {
    db_->exec("INSERT INTO t (k, n) VALUES ('a', 2)");
    return Status::okStatus();
  });
  EXPECT_EQ(st.code(), StatusCode::Conflict) << st.toString();
}

TEST_F(SqlErrorsTest, OtherConstraintViolationsAreInternalAndQuoteNoValues) {
  Status st = inTransaction(*db_, [&] {
    db_->exec("INSERT INTO t (k, n) VALUES ('b', ?)", {SqlParam(Poco::Int64(-5))});
    return Status::okStatus();
  });
  EXPECT_EQ(st.code(), StatusCode::Internal) << st.toString();
  Status nulls = inTransaction(*db_, [&] {
    db_->exec("INSERT INTO t (n) VALUES (3)");
    return Status::okStatus();
  });
  EXPECT_EQ(nulls.code(), StatusCode::Internal) << nulls.toString();
}

TEST_F(SqlErrorsTest, BadSqlAndOurOwnExceptionsAreInternal) {
  EXPECT_EQ(guarded([&] {
              db_->exec("SELEKT 1");
              return Status::okStatus();
            }).code(),
            StatusCode::Internal);
  EXPECT_EQ(statusOf(std::logic_error("bug")).code(), StatusCode::Internal);
  EXPECT_EQ(statusOf(std::out_of_range("vector")).code(), StatusCode::Internal);
  EXPECT_EQ(statusOf(Poco::BadCastException("Var")).code(), StatusCode::Internal);
  EXPECT_EQ(statusOf(Poco::InvalidArgumentException("mixed column types")).code(),
            StatusCode::Internal);
}

TEST(SqlErrors, TransientDatabaseConditionsAreUnavailable) {
  namespace sqlite = Poco::Data::SQLite;
  namespace pg = Poco::Data::PostgreSQL;
  EXPECT_EQ(statusOf(sqlite::DBLockedException("database is locked")).code(), StatusCode::Unavailable);
  EXPECT_EQ(statusOf(sqlite::TableLockedException("table is locked")).code(), StatusCode::Unavailable);
  EXPECT_EQ(statusOf(sqlite::IOErrorException("disk I/O error")).code(), StatusCode::Unavailable);
  EXPECT_EQ(statusOf(sqlite::DatabaseFullException("database or disk is full")).code(),
            StatusCode::Unavailable);
  EXPECT_EQ(statusOf(pg::ConnectionException("server closed the connection unexpectedly")).code(),
            StatusCode::Unavailable);
  EXPECT_EQ(statusOf(pg::StatementException(
                         "ERROR:  could not serialize access due to concurrent update"))
                .code(),
            StatusCode::Unavailable);
  EXPECT_EQ(statusOf(pg::StatementException("ERROR:  deadlock detected")).code(),
            StatusCode::Unavailable);
  EXPECT_EQ(statusOf(pg::StatementException("FATAL:  terminating connection due to administrator "
                                            "command"))
                .code(),
            StatusCode::Unavailable);
  EXPECT_EQ(statusOf(Poco::IOException("connection reset by peer")).code(),
            StatusCode::Unavailable);
  EXPECT_EQ(statusOf(std::bad_alloc()).code(), StatusCode::Unavailable);
}

TEST(SqlErrors, PostgresDataErrorsAreInternalAndItsUniqueRaceAConflict) {
  namespace pg = Poco::Data::PostgreSQL;
  EXPECT_EQ(statusOf(pg::StatementException(
                         "ERROR:  duplicate key value violates unique constraint \"k\"\n"
                         "DETAIL:  Key (idempotency_key)=(12345) already exists."))
                .code(),
            StatusCode::Conflict);
  Status notNull = statusOf(pg::StatementException(
      "ERROR:  null value in column \"sha256\" violates not-null constraint\nDETAIL:  Failing row "
      "contains (山田)."));
  EXPECT_EQ(notNull.code(), StatusCode::Internal);
  EXPECT_EQ(notNull.message().find("山田"), std::string::npos) << "no row values: " << notNull.message();
  EXPECT_EQ(statusOf(pg::StatementException(
                         "ERROR:  invalid byte sequence for encoding \"UTF8\": 0xff"))
                .code(),
            StatusCode::Internal);
  EXPECT_EQ(statusOf(pg::StatementException("ERROR:  something new")).code(),
            StatusCode::Unavailable)
      << "what is not recognised is retried, never dropped";
}

}  // namespace
}  // namespace renkei::store
