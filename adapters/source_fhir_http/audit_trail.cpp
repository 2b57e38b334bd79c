// AuditTrail: a buffer drained by one writer thread.
#include "audit_trail.h"

#include <chrono>

#include "renkei/core/json_log.h"

namespace renkei::adapters {

AuditTrail::AuditTrail(std::shared_ptr<store::Store> store)
    : store_(std::move(store)), writer_([this] { loop(); }) {}

AuditTrail::~AuditTrail() {
  {
    std::lock_guard lock(mutex_);
    running_ = false;
  }
  wake_.notify_all();
  writer_.join();
  flush();
}

void AuditTrail::record(store::AuditRecord record) {
  std::lock_guard lock(mutex_);
  pending_.push_back(std::move(record));
}

void AuditTrail::flush() {
  std::vector<store::AuditRecord> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(pending_);
  }
  if (batch.empty() || !store_) return;
  Status st = store_->recordAudit(batch);
  if (!st.ok()) {
    JsonLog::write(LogLevel::Error, "audit_write_failed",
                   {{"records", std::to_string(batch.size())}, {"error", st.toString()}});
    std::lock_guard lock(mutex_);
    pending_.insert(pending_.begin(), batch.begin(), batch.end());
  }
}

void AuditTrail::loop() {
  std::unique_lock lock(mutex_);
  while (running_) {
    wake_.wait_for(lock, std::chrono::milliseconds(200), [&] { return !running_; });
    lock.unlock();
    flush();
    lock.lock();
  }
}

}  // namespace renkei::adapters
