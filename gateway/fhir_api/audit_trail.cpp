// AuditTrail: a buffer drained by one supervised writer loop.
#include "renkei/fhir_api/audit_trail.h"

#include <chrono>

#include "renkei/core/json_log.h"

namespace renkei::fhir_api {

AuditTrail::AuditTrail(std::shared_ptr<store::Store> store, std::shared_ptr<HealthRegistry> health,
                       std::string component)
    : store_(std::move(store)),
      writer_(std::move(component), std::move(health), [this] { return writeRound(); }) {
  writer_.start();
}

AuditTrail::~AuditTrail() {
  writer_.requestStop();
  wake_.notify_all();
  writer_.join();
  (void)flush();
}

void AuditTrail::record(store::AuditRecord record) {
  std::lock_guard lock(mutex_);
  pending_.push_back(std::move(record));
}

Status AuditTrail::flush() {
  std::vector<store::AuditRecord> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(pending_);
  }
  if (batch.empty() || !store_) return Status::okStatus();
  Status st = store_->recordAudit(batch);
  if (!st.ok()) {
    JsonLog::write(LogLevel::Error, "audit_write_failed",
                   {{"records", std::to_string(batch.size())}, {"error", st.toString()}});
    std::lock_guard lock(mutex_);
    pending_.insert(pending_.begin(), batch.begin(), batch.end());
  }
  return st;
}

Status AuditTrail::writeRound() {
  {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(200));
  }
  return flush();
}

}  // namespace renkei::fhir_api
