// The endpoint's audit trail: one record per request (client, organization, method, path without
// its query string, status, message id), buffered and written to the store in batches every
// 200 ms and at stop, so that auditing does not add a commit to every request. The writer is a
// SupervisedLoop: a failed write keeps the records and shows in /healthz until it succeeds.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "renkei/core/supervised_loop.h"
#include "renkei/store/store.h"

namespace renkei::fhir_api {

class AuditTrail {
 public:
  explicit AuditTrail(std::shared_ptr<store::Store> store,
                      std::shared_ptr<HealthRegistry> health = nullptr,
                      std::string component = "audit");
  ~AuditTrail();
  AuditTrail(const AuditTrail&) = delete;
  AuditTrail& operator=(const AuditTrail&) = delete;

  void record(store::AuditRecord record);
  /// Writes what is buffered now; an error when the store refused it (the records are kept).
  Status flush();

 private:
  Status writeRound();
  std::shared_ptr<store::Store> store_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<store::AuditRecord> pending_;
  SupervisedLoop writer_;
};

}  // namespace renkei::fhir_api
