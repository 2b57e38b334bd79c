// The endpoint's audit trail: one record per request (client, organization, method, path without
// its query string, status, message id), buffered and written to the store in batches every
// 200 ms and at stop, so that auditing does not add a commit to every request.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "renkei/store/store.h"

namespace renkei::adapters {

class AuditTrail {
 public:
  explicit AuditTrail(std::shared_ptr<store::Store> store);
  ~AuditTrail();
  AuditTrail(const AuditTrail&) = delete;
  AuditTrail& operator=(const AuditTrail&) = delete;

  void record(store::AuditRecord record);
  /// Writes what is buffered now.
  void flush();

 private:
  void loop();
  std::shared_ptr<store::Store> store_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<store::AuditRecord> pending_;
  bool running_ = true;
  std::thread writer_;
};

}  // namespace renkei::adapters
