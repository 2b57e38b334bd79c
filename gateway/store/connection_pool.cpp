// ConnectionPool: lends each open connection to one caller at a time.
#include "connection_pool.h"

namespace renkei::store {

ConnectionPool::ConnectionPool(std::vector<std::unique_ptr<SqlDatabase>> connections)
    : connections_(std::move(connections)) {
  for (auto& c : connections_) free_.push_back(c.get());
}

ConnectionPool::Lease ConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  freed_.wait(lock, [&] { return !free_.empty(); });
  SqlDatabase* db = free_.back();
  free_.pop_back();
  return Lease(*this, db);
}

void ConnectionPool::release(SqlDatabase* db) {
  {
    std::lock_guard lock(mutex_);
    free_.push_back(db);
  }
  freed_.notify_one();
}

int64_t ConnectionPool::commits() const {
  int64_t total = 0;
  for (const auto& c : connections_) total += c->commits();
  return total;
}

}  // namespace renkei::store
