// Test double: a Store that forwards to a real one, with faults tests switch on and off — a call
// that throws std::runtime_error or returns Unavailable (for N calls, or until cleared), and data
// the "database" refuses for good (Internal) when an input, outcome or result carries a marker.
#pragma once

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "renkei/store/store.h"

namespace renkei::test {

/// When a store method fails: for the next `remaining` calls (negative: until clear()).
class FaultSwitch {
 public:
  void fail(int calls, bool throws) {
    throws_ = throws;
    remaining_ = calls;
  }
  void clear() { remaining_ = 0; }
  int hits() const { return hits_; }
  /// Fails this call (throwing, or returning the status to hand back) when the switch is on.
  Status trip(const char* method) {
    int r = remaining_.load();
    while (r != 0) {
      if (r > 0 && !remaining_.compare_exchange_weak(r, r - 1)) continue;
      ++hits_;
      if (throws_) throw std::runtime_error(std::string("injected store failure in ") + method);
      return Status::unavailable(std::string("injected store outage in ") + method);
    }
    return Status::okStatus();
  }

 private:
  std::atomic<int> remaining_{0};
  std::atomic<bool> throws_{true};
  std::atomic<int> hits_{0};
};

class FlakyStore : public store::Store {
 public:
  explicit FlakyStore(std::shared_ptr<store::Store> inner) : inner_(std::move(inner)) {}

  FaultSwitch intakeFaults, claimDeliveriesFaults;
  /// Inputs, routing outcomes and delivery results holding this text are refused with Internal
  /// (as a database refuses bytes it cannot store), FAILED outcomes and DEAD results excepted.
  std::string poison = "poison-patient";

  Result<std::vector<store::IntakeReceipt>> intake(const std::vector<store::RawInput>& inputs,
                                                   int64_t nowMs) override {
    RENKEI_RETURN_IF_ERROR(intakeFaults.trip("intake"));
    return inner_->intake(inputs, nowMs);
  }
  Result<store::IntakeAndRouting> intakeAndRoute(const std::vector<store::RawInput>& inputs,
                                                 const store::RouteReceipts& route,
                                                 const std::string& owner, int64_t nowMs) override {
    RENKEI_RETURN_IF_ERROR(intakeFaults.trip("intakeAndRoute"));
    for (const store::RawInput& in : inputs) {
      if (in.bytes.find(poison) != std::string::npos) return refused();
    }
    return inner_->intakeAndRoute(inputs, route, owner, nowMs);
  }
  Result<std::vector<store::StoredMessage>> claimReceived(const std::string& owner, int limit,
                                                          int64_t nowMs, int64_t leaseMs) override {
    return inner_->claimReceived(owner, limit, nowMs, leaseMs);
  }
  Result<std::string> rawBytes(const std::string& sha256) override { return inner_->rawBytes(sha256); }
  Result<std::vector<bool>> recordRouting(std::vector<store::RoutingOutcome>& outcomes,
                                          const std::string& owner, int64_t nowMs) override {
    for (const store::RoutingOutcome& o : outcomes) {
      if (o.state != store::kFailed && o.canonical.find(poison) != std::string::npos) return refused();
    }
    return inner_->recordRouting(outcomes, owner, nowMs);
  }
  Result<std::vector<store::OutboxRow>> claimDeliveries(const std::string& owner, int limit,
                                                        int64_t nowMs, int64_t leaseMs) override {
    RENKEI_RETURN_IF_ERROR(claimDeliveriesFaults.trip("claimDeliveries"));
    return inner_->claimDeliveries(owner, limit, nowMs, leaseMs);
  }
  Result<int> recordDeliveries(const std::vector<store::DeliveryUpdate>& updates,
                               const std::string& owner) override {
    for (const store::DeliveryUpdate& u : updates) {
      if (u.state != store::kDead && u.responseBody.find(poison) != std::string::npos) return refused();
    }
    return inner_->recordDeliveries(updates, owner);
  }
  Result<std::optional<store::StoredMessage>> message(int64_t id) override { return inner_->message(id); }
  Result<std::vector<store::OutboxRow>> outbox(const store::OutboxFilter& filter) override {
    return inner_->outbox(filter);
  }
  Result<std::optional<store::OutboxRow>> outboxRow(int64_t id) override { return inner_->outboxRow(id); }
  Result<bool> retryNow(int64_t outboxId, int64_t nowMs) override {
    return inner_->retryNow(outboxId, nowMs);
  }
  Result<int64_t> replay(int64_t messageId, const std::string& destination, int64_t nowMs) override {
    return inner_->replay(messageId, destination, nowMs);
  }
  Result<std::vector<store::QueueStats>> queueStats() override { return inner_->queueStats(); }
  Status releaseLeases(const std::string& owner) override { return inner_->releaseLeases(owner); }
  Result<int64_t> purgeRaw(int64_t cutoffMs) override { return inner_->purgeRaw(cutoffMs); }
  int schemaVersion() override { return inner_->schemaVersion(); }
  Result<std::optional<store::StoredResource>> resource(const std::string& type,
                                                        const std::string& id,
                                                        const store::ReadScope& scope,
                                                        int64_t version) override {
    return inner_->resource(type, id, scope, version);
  }
  Result<std::vector<store::StoredResource>> search(const std::string& type,
                                                    const store::ReadScope& scope,
                                                    const std::vector<store::SearchCriterion>& criteria,
                                                    int64_t count, int64_t offset,
                                                    int64_t& total) override {
    return inner_->search(type, scope, criteria, count, offset, total);
  }
  Status recordAudit(const std::vector<store::AuditRecord>& records) override {
    return inner_->recordAudit(records);
  }
  Result<std::vector<store::AuditRecord>> audit(int64_t limit) override { return inner_->audit(limit); }
  Result<std::vector<store::StoredResource>> history(const std::string& type, const std::string& id,
                                                     const store::ReadScope& scope, int64_t limit) override {
    return inner_->history(type, id, scope, limit);
  }
  Result<std::vector<store::StoredResource>> currentResources(const std::string& type,
                                                              const std::string& afterOrganization,
                                                              const std::string& afterId,
                                                              int64_t limit) override {
    return inner_->currentResources(type, afterOrganization, afterId, limit);
  }
  Result<std::vector<store::OutboxRow>> undeliveredToRecipients(int64_t nowMs, int64_t afterId,
                                                                int limit) override {
    return inner_->undeliveredToRecipients(nowMs, afterId, limit);
  }
  Result<int> setHolds(const std::vector<store::HoldUpdate>& updates, int64_t nowMs) override {
    return inner_->setHolds(updates, nowMs);
  }
  Result<int64_t> reindexSearch(
      const std::string& type,
      const std::function<std::vector<std::pair<std::string, std::string>>(
          const store::StoredResource&)>& values) override {
    return inner_->reindexSearch(type, values);
  }
  Result<std::vector<store::PastDelivery>> deliveriesOfResource(const std::string& type,
                                                                const std::string& id,
                                                                const std::string& organization) override {
    return inner_->deliveriesOfResource(type, id, organization);
  }
  Result<int64_t> latestResourceMessage(const std::string& type) override {
    return inner_->latestResourceMessage(type);
  }
  Result<std::vector<store::PatientLink>> patientLinks(const store::PatientLinkFilter& f) override {
    return inner_->patientLinks(f);
  }
  Status decidePatientLink(const store::PatientLink& link, const store::MatchEvent& event) override {
    return inner_->decidePatientLink(link, event);
  }
  Result<std::vector<store::MatchEvent>> matchEvents(int64_t afterId, const std::string& record,
                                                     int64_t limit) override {
    return inner_->matchEvents(afterId, record, limit);
  }
  Result<store::PatientTrail> patientTrail(const std::string& system, const std::string& value,
                                          int64_t limit) override {
    return inner_->patientTrail(system, value, limit);
  }
  Result<std::vector<store::NotificationRow>> dueNotifications(int64_t nowMs, int limit) override {
    return inner_->dueNotifications(nowMs, limit);
  }
  Result<std::vector<store::NotificationRow>> dueDigest(const std::string& destination,
                                                        const std::string& recipient,
                                                        int64_t nowMs, int limit) override {
    return inner_->dueDigest(destination, recipient, nowMs, limit);
  }
  Result<bool> escalateNotification(int64_t id, const std::vector<store::NewDelivery>& deliveries,
                                    int64_t nowMs) override {
    return inner_->escalateNotification(id, deliveries, nowMs);
  }
  Result<bool> digestNotifications(const std::vector<int64_t>& ids,
                                   const store::NewDelivery& delivery, int64_t nowMs) override {
    return inner_->digestNotifications(ids, delivery, nowMs);
  }
  Result<bool> acknowledgeNotification(const std::string& token, const std::string& organization,
                                       const std::string& by, int64_t nowMs) override {
    return inner_->acknowledgeNotification(token, organization, by, nowMs);
  }
  Status postponeNotifications(const std::vector<int64_t>& ids, int64_t dueMs) override {
    return inner_->postponeNotifications(ids, dueMs);
  }
  Result<int> digestNow(int64_t nowMs) override { return inner_->digestNow(nowMs); }
  Result<std::vector<store::QueueStats>> notificationStats() override {
    return inner_->notificationStats();
  }
  Result<std::vector<store::NotificationRow>> notifications(
      const store::NotificationFilter& filter) override {
    return inner_->notifications(filter);
  }
  Result<std::vector<store::SourceFileState>> sourceFiles(const std::string& source) override {
    return inner_->sourceFiles(source);
  }
  Status recordSourceFiles(const std::vector<store::SourceFileState>& files) override {
    return inner_->recordSourceFiles(files);
  }
  Result<store::FaxDocument> addFaxDocument(const store::FaxDocument& document) override {
    return inner_->addFaxDocument(document);
  }
  Result<std::vector<store::FaxDocument>> faxDocuments(const std::string& organization, const std::string& state,
                                                       int64_t limit) override {
    return inner_->faxDocuments(organization, state, limit);
  }
  Result<std::optional<store::FaxDocument>> faxDocument(int64_t id) override { return inner_->faxDocument(id); }
  Result<bool> updateFaxDocument(const store::FaxDocument& document) override {
    return inner_->updateFaxDocument(document);
  }
  int64_t commitCount() const override { return inner_->commitCount(); }

 private:
  static Status refused() { return Status::internal("store: injected data the database refuses"); }
  std::shared_ptr<store::Store> inner_;
};

}  // namespace renkei::test
