// Durability of a transaction (sql_database.h): a deferred one commits without the flush and the
// connection is back to flushed commits after it, whether it committed or rolled back; on SQLite
// (synchronous NORMAL inside, FULL outside) and on PostgreSQL (synchronous_commit off inside the
// transaction only).
#include <gtest/gtest.h>

#include "store/sql_database.h"
#include "store/store_backends.h"

namespace renkei::store {
namespace {

class DurabilityTest : public test::FreshDatabaseTest {
 protected:
  void SetUp() override {
    test::FreshDatabaseTest::SetUp();
    if (IsSkipped()) return;
    db_->exec("CREATE TABLE t (n INTEGER NOT NULL)");
  }

  /// The setting that decides whether a commit waits for the disk: "2" (FULL) or "1" (NORMAL) on
  /// SQLite, "on" or "off" on PostgreSQL.
  std::string flushSetting() {
    const char* sql = GetParam() == "sqlite" ? "PRAGMA synchronous" : "SHOW synchronous_commit";
    return text(db_->query(sql).at(0).at(0));
  }
  std::string flushed() const { return GetParam() == "sqlite" ? "2" : "on"; }
  std::string deferred() const { return GetParam() == "sqlite" ? "1" : "off"; }
};

TEST_P(DurabilityTest, ADeferredTransactionCommitsWithoutTheFlushAndLeavesCommitsFlushed) {
  std::string inside;
  Status st = inTransaction(*db_, [&] {
    inside = flushSetting();
    db_->exec("INSERT INTO t (n) VALUES (1)");
    return Status::okStatus();
  }, Durability::Deferred);
  ASSERT_TRUE(st.ok()) << st.toString();
  EXPECT_EQ(inside, deferred());
  EXPECT_EQ(flushSetting(), flushed());
  EXPECT_EQ(integer(db_->query("SELECT COUNT(*) FROM t").at(0).at(0)), 1);
  st = inTransaction(*db_, [&] {
    inside = flushSetting();
    return Status::okStatus();
  });
  ASSERT_TRUE(st.ok()) << st.toString();
  EXPECT_EQ(inside, flushed()) << "flushed is the default";
}

TEST_P(DurabilityTest, ADeferredTransactionThatFailsRollsBackAndLeavesCommitsFlushed) {
  Status st = inTransaction(*db_, [&] {
    db_->exec("INSERT INTO t (n) VALUES (1)");
    return Status::conflict("changed meanwhile");
  }, Durability::Deferred);
  EXPECT_EQ(st.code(), StatusCode::Conflict);
  EXPECT_EQ(flushSetting(), flushed());
  EXPECT_EQ(integer(db_->query("SELECT COUNT(*) FROM t").at(0).at(0)), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, DurabilityTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace renkei::store
