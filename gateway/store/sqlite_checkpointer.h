// Checkpoints SQLite's write-ahead log on a thread of its own. SQLite's automatic checkpoint runs
// inside the COMMIT that crosses its threshold, so every few hundred group commits one writer
// stalls while the whole log is copied back into the database file — the tail of the endpoint's
// latency, on the one committer thread. Here the writer's commit only signals this thread, which
// copies the log on its own connection (PASSIVE: it never blocks the writer or readers). A
// checkpoint that runs beside the writer never reaches the log's end, and SQLite writes the log
// from its beginning again only once all of it is copied: so when the thread has copied all but a
// few pages, the writer's next commit copies those itself, and the log restarts instead of growing
// for as long as the load lasts. The writer also checkpoints by itself once the log has grown far
// past the threshold, so the log stays bounded if this thread cannot keep up.
#pragma once

#include <Poco/Data/Session.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "renkei/core/status.h"

struct sqlite3;

namespace renkei::store {

class SqliteCheckpointer {
 public:
  struct Options {
    int backgroundPages = 10000;  ///< log pages that wake the checkpoint thread (~40 MB)
    int writerPages = 50000;      ///< log pages at which the writer checkpoints itself
    int finishPages = 1024;       ///< a rest the thread leaves for the writer's next commit to copy
  };

  /// Takes over the checkpoints of `writer`, a session on the database file `path`, and starts
  /// the thread. `writer` must outlive the checkpointer.
  static Result<std::unique_ptr<SqliteCheckpointer>> start(Poco::Data::Session& writer,
                                                           const std::string& path, Options options);
  ~SqliteCheckpointer();
  SqliteCheckpointer(const SqliteCheckpointer&) = delete;
  SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;

  /// Checkpoints run by the thread, and by the writer itself.
  int64_t backgroundCheckpoints() const { return background_.load(); }
  int64_t writerCheckpoints() const { return byWriter_.load(); }
  /// Checkpoints the writer finished after the thread, so that the log could restart.
  int64_t finishedCheckpoints() const { return finished_.load(); }

 private:
  SqliteCheckpointer(sqlite3* writer, std::unique_ptr<Poco::Data::Session> own, Options options);
  static int afterCommit(void* self, sqlite3* db, const char* schema, int pages);
  void run();

  sqlite3* writer_;
  std::unique_ptr<Poco::Data::Session> own_;
  Options options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false;
  bool stopping_ = false;
  std::atomic<int> copiedPages_{0};  ///< log pages the last checkpoint had copied
  std::atomic<bool> finishable_{false};  ///< the thread copied all but finishPages or fewer
  std::atomic<int64_t> background_{0};
  std::atomic<int64_t> byWriter_{0};
  std::atomic<int64_t> finished_{0};
  std::thread thread_;
};

}  // namespace renkei::store
