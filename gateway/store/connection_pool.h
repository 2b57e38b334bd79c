// A fixed set of open connections to one database, lent to one caller at a time. SQLite gets one
// (one writer at a time anyway); PostgreSQL several, so that intake, routing and the delivery
// workers of one instance run their transactions side by side as separate instances would.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "sql_database.h"

namespace renkei::store {

class ConnectionPool {
 public:
  explicit ConnectionPool(std::vector<std::unique_ptr<SqlDatabase>> connections);

  /// A connection held until the lease goes out of scope.
  class Lease {
   public:
    Lease(ConnectionPool& pool, SqlDatabase* db) : pool_(&pool), db_(db) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_->release(db_); }
    SqlDatabase& operator*() const { return *db_; }
    SqlDatabase* operator->() const { return db_; }

   private:
    ConnectionPool* pool_;
    SqlDatabase* db_;
  };

  /// Waits until a connection is free.
  Lease acquire();
  Dialect dialect() const { return connections_.front()->dialect(); }
  std::size_t size() const { return connections_.size(); }
  /// Transactions committed on all connections.
  int64_t commits() const;

 private:
  void release(SqlDatabase* db);

  std::vector<std::unique_ptr<SqlDatabase>> connections_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<SqlDatabase*> free_;
};

}  // namespace renkei::store
