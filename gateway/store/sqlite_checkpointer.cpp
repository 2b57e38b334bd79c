// Background WAL checkpoints for the SQLite store (see sqlite_checkpointer.h).
#include "sqlite_checkpointer.h"

#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Exception.h>
#include <sqlite3.h>

#include "renkei/core/json_log.h"

namespace renkei::store {

Result<std::unique_ptr<SqliteCheckpointer>> SqliteCheckpointer::start(Poco::Data::Session& writer,
                                                                      const std::string& path,
                                                                      Options options) {
  try {
    sqlite3* handle = Poco::Data::SQLite::Utility::dbHandle(writer);
    if (handle == nullptr) return Status::internal("the SQLite session has no connection");
    auto own = std::make_unique<Poco::Data::Session>("SQLite", path);
    return std::unique_ptr<SqliteCheckpointer>(new SqliteCheckpointer(handle, std::move(own), options));
  } catch (const Poco::Exception& e) {
    return Status::unavailable("cannot open a checkpoint connection: " + e.displayText());
  }
}

SqliteCheckpointer::SqliteCheckpointer(sqlite3* writer, std::unique_ptr<Poco::Data::Session> own,
                                       Options options)
    : writer_(writer), own_(std::move(own)), options_(options) {
  // Replaces the automatic checkpoint (which is itself a commit hook).
  sqlite3_wal_hook(writer_, &SqliteCheckpointer::afterCommit, this);
  thread_ = std::thread([this] { run(); });
}

SqliteCheckpointer::~SqliteCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  sqlite3_wal_hook(writer_, nullptr, nullptr);
  sqlite3_wal_autocheckpoint(writer_, options_.writerPages);
}

int SqliteCheckpointer::afterCommit(void* self, sqlite3* db, const char* schema, int pages) {
  auto* c = static_cast<SqliteCheckpointer*>(self);
  // Only the pages written since the last checkpoint count: the log is not restarted while a
  // reader still uses it, and copying the same pages again would only add a database fsync.
  int copied = c->copiedPages_.load(std::memory_order_relaxed);
  if (pages < copied) {  // the log was restarted: its pages count from zero again
    c->copiedPages_.compare_exchange_strong(copied, 0, std::memory_order_relaxed);
    copied = 0;
  }
  pages -= copied;
  // The rest is what the thread left (at most finishPages) and the commits since its last pass.
  const bool finish = c->finishable_.exchange(false);
  if (finish || pages >= c->options_.writerPages) {
    // Copy the rest of the log here, where no commit can add to it meanwhile (or, far past the
    // threshold, because the thread is behind). The next write transaction then restarts the log.
    int logPages = 0, copiedNow = 0;
    if (sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, &logPages, &copiedNow) == SQLITE_OK) {
      c->copiedPages_.store(copiedNow, std::memory_order_relaxed);
      ++(finish ? c->finished_ : c->byWriter_);
    }
  } else if (pages >= c->options_.backgroundPages) {
    {
      std::lock_guard lock(c->mutex_);
      c->due_ = true;
    }
    c->wake_.notify_one();
  }
  return SQLITE_OK;
}

void SqliteCheckpointer::run() {
  sqlite3* db = nullptr;
  try {
    db = Poco::Data::SQLite::Utility::dbHandle(*own_);
  } catch (const Poco::Exception&) {
    db = nullptr;
  }
  // A connection learns that the file is in WAL mode when it first reads it.
  if (db != nullptr && sqlite3_exec(db, "PRAGMA schema_version", nullptr, nullptr, nullptr) != SQLITE_OK) {
    db = nullptr;
  }
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return due_ || stopping_; });
      if (stopping_) return;
      due_ = false;
    }
    if (db == nullptr) continue;  // the writer's own checkpoints keep the log bounded
    // Each pass copies what the writer added during the one before; a few passes leave a rest
    // small enough for the writer to copy within one commit. A writer that adds more than a pass
    // copies is left to the next wake-up (and, far past the threshold, to its own checkpoint).
    int rest = -1;
    for (int pass = 0; pass < 8; ++pass) {
      int logPages = 0, copied = 0;
      const int rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &logPages, &copied);
      if (rc != SQLITE_OK || logPages < 0) {
        if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED) {
          JsonLog::write(LogLevel::Warn, "sqlite_checkpoint_failed", {{"error", sqlite3_errstr(rc)}});
        }
        break;
      }
      copiedPages_.store(copied, std::memory_order_relaxed);
      ++background_;
      if (logPages - copied <= options_.finishPages) {
        finishable_.store(true);
        break;
      }
      if (rest >= 0 && logPages - copied >= rest) break;  // not catching up
      rest = logPages - copied;
    }
  }
}

}  // namespace renkei::store
