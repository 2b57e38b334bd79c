// SqlStore: the Store interface over SQLite or PostgreSQL (see store.h for the contract).
#pragma once

#include <map>
#include <memory>

#include "connection_pool.h"
#include "sqlite_checkpointer.h"
#include "renkei/store/store.h"

namespace renkei::store {

class SqlStore : public Store {
 public:
  /// `checkpointer` (SQLite only, may be null) checkpoints the pool's write-ahead log.
  explicit SqlStore(std::unique_ptr<ConnectionPool> pool,
                    std::unique_ptr<SqliteCheckpointer> checkpointer = nullptr);

  Result<std::vector<IntakeReceipt>> intake(const std::vector<RawInput>& inputs,
                                            int64_t nowMs) override;
  Result<std::vector<StoredMessage>> claimReceived(const std::string& owner, int limit,
                                                   int64_t nowMs, int64_t leaseMs) override;
  Result<std::string> rawBytes(const std::string& sha256) override;
  Result<std::vector<bool>> recordRouting(std::vector<RoutingOutcome>& outcomes,
                                          const std::string& owner, int64_t nowMs) override;
  Result<IntakeAndRouting> intakeAndRoute(const std::vector<RawInput>& inputs,
                                          const RouteReceipts& route, const std::string& owner,
                                          int64_t nowMs) override;
  Result<std::vector<OutboxRow>> claimDeliveries(const std::string& owner, int limit,
                                                 int64_t nowMs, int64_t leaseMs) override;
  Result<int> recordDeliveries(const std::vector<DeliveryUpdate>& updates,
                               const std::string& owner) override;
  Result<std::optional<StoredMessage>> message(int64_t id) override;
  Result<std::vector<OutboxRow>> outbox(const OutboxFilter& filter) override;
  Result<std::optional<OutboxRow>> outboxRow(int64_t id) override;
  Result<bool> retryNow(int64_t outboxId, int64_t nowMs) override;
  Result<int64_t> replay(int64_t messageId, const std::string& destination,
                         int64_t nowMs) override;
  Result<std::vector<QueueStats>> queueStats() override;
  Status releaseLeases(const std::string& owner) override;
  Result<int64_t> purgeRaw(int64_t cutoffMs) override;
  int schemaVersion() override;
  Result<std::optional<StoredResource>> resource(const std::string& type, const std::string& id,
                                                 const ReadScope& scope,
                                                 int64_t version) override;
  Result<std::vector<StoredResource>> search(const std::string& type, const ReadScope& scope,
                                             const std::vector<SearchCriterion>& criteria,
                                             int64_t count, int64_t offset,
                                             int64_t& total) override;
  Status recordAudit(const std::vector<AuditRecord>& records) override;
  Result<std::vector<AuditRecord>> audit(int64_t limit) override;
  Result<std::vector<PatientLink>> patientLinks(const PatientLinkFilter& filter) override;
  Status decidePatientLink(const PatientLink& link, const MatchEvent& event) override;
  Result<std::vector<MatchEvent>> matchEvents(int64_t afterId, const std::string& record,
                                              int64_t limit) override;
  Result<PatientTrail> patientTrail(const std::string& system, const std::string& value,
                                    int64_t limit) override;
  Result<std::vector<StoredResource>> history(const std::string& type, const std::string& id,
                                              const ReadScope& scope, int64_t limit) override;
  Result<std::vector<StoredResource>> currentResources(const std::string& type,
                                                       const std::string& afterOrganization,
                                                       const std::string& afterId,
                                                       int64_t limit) override;
  Result<int64_t> latestResourceMessage(const std::string& type) override;
  Result<int64_t> reindexSearch(
      const std::string& type,
      const std::function<std::vector<std::pair<std::string, std::string>>(const StoredResource&)>&
          values) override;
  Result<std::vector<PastDelivery>> deliveriesOfResource(const std::string& type,
                                                         const std::string& id,
                                                         const std::string& organization) override;
  Result<std::vector<OutboxRow>> undeliveredToRecipients(int64_t nowMs, int64_t afterId,
                                                         int limit) override;
  Result<int> setHolds(const std::vector<HoldUpdate>& updates, int64_t nowMs) override;
  Result<std::vector<NotificationRow>> dueNotifications(int64_t nowMs, int limit) override;
  Result<std::vector<NotificationRow>> dueDigest(const std::string& destination,
                                                 const std::string& recipient, int64_t nowMs,
                                                 int limit) override;
  Result<bool> escalateNotification(int64_t id, const std::vector<NewDelivery>& deliveries,
                                    int64_t nowMs) override;
  Result<bool> digestNotifications(const std::vector<int64_t>& ids, const NewDelivery& delivery,
                                   int64_t nowMs) override;
  Result<bool> acknowledgeNotification(const std::string& token, const std::string& organization,
                                       const std::string& by, int64_t nowMs) override;
  Status postponeNotifications(const std::vector<int64_t>& ids, int64_t dueMs) override;
  Result<int> digestNow(int64_t nowMs) override;
  Result<std::vector<NotificationRow>> notifications(const NotificationFilter& filter) override;
  Result<std::vector<QueueStats>> notificationStats() override;
  Result<std::vector<SourceFileState>> sourceFiles(const std::string& source) override;
  Status recordSourceFiles(const std::vector<SourceFileState>& files) override;
  Result<FaxDocument> addFaxDocument(const FaxDocument& document) override;
  Result<std::vector<FaxDocument>> faxDocuments(const std::string& organization, const std::string& state,
                                                int64_t limit) override;
  Result<std::optional<FaxDocument>> faxDocument(int64_t id) override;
  Result<bool> updateFaxDocument(const FaxDocument& document) override;
  int64_t commitCount() const override { return pool_->commits(); }

 private:
  /// Message rows by id: id, state, lease_owner, lease_until_ms, source, idempotency_key, sender.
  using MessageRows = std::map<Poco::Int64, SqlRow>;
  // The statements of intake and recordRouting, inside a transaction the caller holds on `db`.
  // intakeRows reports the rows it inserted; routingRows reads from the database only the
  // messages that `known` does not hold.
  void intakeRows(SqlDatabase& db, const std::vector<RawInput>& inputs, int64_t nowMs,
                  std::vector<IntakeReceipt>& receipts, MessageRows* inserted = nullptr);
  void routingRows(SqlDatabase& db, std::vector<RoutingOutcome>& outcomes, const std::string& owner,
                   int64_t nowMs, std::vector<bool>& applied, std::vector<std::string>& failed,
                   const MessageRows* known = nullptr);
  // Inside routingRows: records the notifications among `deliveries` and drops from it those
  // that queue nothing now (a fact already told, a routine one waiting for its digest); applies
  // acknowledgements by `organization`.
  void notificationRows(SqlDatabase& db, const std::vector<RoutingOutcome>& outcomes,
                        MessageRows& current, int64_t nowMs,
                        std::vector<std::pair<std::size_t, const PlannedDelivery*>>& deliveries);
  void patientRows(SqlDatabase& db, const std::vector<RoutingOutcome>& outcomes,
                   const std::vector<std::size_t>& applied);
  /// The registry records routing decided (sql_store_registry.cpp).
  void patientLinkRows(SqlDatabase& db, const std::vector<RoutingOutcome>& outcomes,
                       const std::vector<std::size_t>& applied, int64_t nowMs);
  void acknowledgementRows(SqlDatabase& db, const std::vector<std::string>& tokens,
                           const std::string& organization, int64_t nowMs);

  std::unique_ptr<ConnectionPool> pool_;
  std::unique_ptr<SqliteCheckpointer> checkpointer_;  ///< stopped before the pool closes
};

}  // namespace renkei::store
