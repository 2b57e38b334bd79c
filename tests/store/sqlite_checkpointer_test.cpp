// The SQLite write-ahead log is copied back into the database file by the checkpoint thread, not
// by the committing writer; and by the writer itself once the log is far past the threshold, or to
// finish what the thread copied so that the log restarts under continuous writes.
// Observed on a real database file: only a checkpoint makes the main file grow.
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "store/sql_database.h"
#include "store/sqlite_checkpointer.h"

namespace renkei::store {
namespace {

namespace fs = std::filesystem;

class SqliteCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Poco::Data::SQLite::Connector::registerConnector();
    dir_ = fs::temp_directory_path() / ("renkei-ckpt-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "store.db").string();
    db_ = std::make_unique<SqlDatabase>(Dialect::Sqlite,
                                        std::make_unique<Poco::Data::Session>("SQLite", path_));
    db_->exec("PRAGMA journal_mode=WAL");
    db_->exec("PRAGMA wal_autocheckpoint=0");  // only the checkpointer copies the log
    db_->exec("CREATE TABLE t (n INTEGER, payload BLOB)");
    db_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    initialSize_ = fs::file_size(path_);
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }
  /// `count` transactions of `rows` 8 KB rows each (two or three log pages per row).
  void commit(int count, int rows = 1) {
    const std::string bytes(8192, 'x');
    const Poco::Data::BLOB payload(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    for (int i = 0; i < count; ++i) {
      db_->begin();
      for (int r = 0; r < rows; ++r) {
        db_->exec("INSERT INTO t (n, payload) VALUES (?, ?)",
                  {SqlParam(Poco::Int64(i)), SqlParam(payload)});
      }
      db_->commit();
    }
  }
  template <typename Done>
  static bool within(std::chrono::seconds limit, Done done) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > end) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
  }

  fs::path dir_;
  std::string path_;
  std::unique_ptr<SqlDatabase> db_;
  std::uintmax_t initialSize_ = 0;
};

TEST_F(SqliteCheckpointerTest, TheThreadCopiesTheLogAndTheWriterDoesNot) {
  auto c = SqliteCheckpointer::start(db_->session(), path_, {.backgroundPages = 16, .writerPages = 1 << 30});
  ASSERT_TRUE(c.ok()) << c.status().toString();
  commit(40);
  ASSERT_TRUE(within(std::chrono::seconds(10), [&] { return c.value()->backgroundCheckpoints() > 0; }));
  EXPECT_EQ(c.value()->writerCheckpoints(), 0);
  ASSERT_TRUE(within(std::chrono::seconds(10), [&] { return fs::file_size(path_) > initialSize_ + 64 * 1024; }))
      << "the database file did not grow: the log was not copied into it";
  c.value().reset();
  EXPECT_EQ(db_->query("SELECT count(*) FROM t").front().front().convert<int>(), 40);
}

TEST_F(SqliteCheckpointerTest, TheWriterCopiesTheLogWhenItIsFarPastTheThreshold) {
  auto c = SqliteCheckpointer::start(db_->session(), path_, {.backgroundPages = 1 << 30, .writerPages = 16});
  ASSERT_TRUE(c.ok()) << c.status().toString();
  commit(40);
  EXPECT_GT(c.value()->writerCheckpoints(), 0);
  EXPECT_EQ(c.value()->backgroundCheckpoints(), 0);
  EXPECT_GT(fs::file_size(path_), initialSize_ + 64 * 1024);
}

TEST_F(SqliteCheckpointerTest, UnderContinuousWritesTheLogRestartsInsteadOfGrowing) {
  auto c = SqliteCheckpointer::start(
      db_->session(), path_, {.backgroundPages = 64, .writerPages = 1 << 30, .finishPages = 128});
  ASSERT_TRUE(c.ok()) << c.status().toString();
  // About 9,000 log pages in all, the thread copying beside the writer all the while.
  commit(3000);
  EXPECT_GT(c.value()->backgroundCheckpoints(), 0);
  EXPECT_GT(c.value()->finishedCheckpoints(), 0);
  EXPECT_EQ(c.value()->writerCheckpoints(), 0);
  EXPECT_LT(fs::file_size(path_ + "-wal"), 3000u * 4120u)
      << "the log grew with the writes: it was never written from its beginning again";
  c.value().reset();
  EXPECT_EQ(db_->query("SELECT count(*) FROM t").front().front().convert<int>(), 3000);
}

TEST_F(SqliteCheckpointerTest, CommitsLargerThanTheRestTheThreadLeavesStillLetTheLogRestart) {
  auto c = SqliteCheckpointer::start(
      db_->session(), path_, {.backgroundPages = 256, .writerPages = 1 << 30, .finishPages = 16});
  ASSERT_TRUE(c.ok()) << c.status().toString();
  commit(300, 20);  // about 50 log pages per commit, 15,000 in all
  EXPECT_GT(c.value()->finishedCheckpoints(), 0);
  EXPECT_LT(fs::file_size(path_ + "-wal"), 5000u * 4120u);
  c.value().reset();
  EXPECT_EQ(db_->query("SELECT count(*) FROM t").front().front().convert<int>(), 6000);
}

TEST_F(SqliteCheckpointerTest, BelowTheThresholdNothingIsCopied) {
  auto c = SqliteCheckpointer::start(db_->session(), path_, {.backgroundPages = 1 << 20, .writerPages = 1 << 30});
  ASSERT_TRUE(c.ok()) << c.status().toString();
  commit(20);
  c.value().reset();
  EXPECT_EQ(fs::file_size(path_), initialSize_);
}

}  // namespace
}  // namespace renkei::store
