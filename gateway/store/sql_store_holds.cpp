// The consent holds of the delivery queue: deliveries to care-team members that consent may
// hold back (HELD) or release, read and changed here (see Store::setHolds).
#include <set>

#include "sql_statements.h"
#include "sql_store.h"

namespace renkei::store {

Result<std::vector<OutboxRow>> SqlStore::undeliveredToRecipients(int64_t nowMs, int64_t afterId,
                                                                 int limit) {
  ConnectionPool::Lease db = pool_->acquire();
  std::vector<OutboxRow> out;
  Status st = guarded([&] {
    auto rows = db->query(std::string("SELECT ") + kOutboxColumns +
                              ", " + std::string(kDeliveredContent) + " FROM delivery_outbox o JOIN pipeline_message m ON "
                              "m.id = o.message_id WHERE o.recipient <> '' AND o.state IN "
                              "('QUEUED', 'RETRYING', 'HELD') AND o.lease_until_ms < ? AND o.id > ? "
                              "ORDER BY o.id LIMIT ?",
                          std::vector<SqlParam>({Poco::Int64(nowMs), Poco::Int64(afterId), Poco::Int64(limit)}));
    for (const SqlRow& r : rows) out.push_back(outboxWithCanonicalFrom(r));
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Result<int> SqlStore::setHolds(const std::vector<HoldUpdate>& updates, int64_t nowMs) {
  if (updates.empty()) return 0;
  ConnectionPool::Lease db = pool_->acquire();
  int changed = 0;
  Status st = inTransaction(*db, [&] {
    changed = 0;
    std::vector<Poco::Int64> ids;
    for (const HoldUpdate& u : updates) ids.push_back(u.outboxId);
    std::set<int64_t> open;
    for (const SqlRow& r : db->query("SELECT id FROM delivery_outbox WHERE id IN (" + idList(ids) +
                                         ") AND state IN ('QUEUED', 'RETRYING', 'HELD') AND "
                                         "lease_until_ms < ? " + db->lockRows(),
                                     std::vector<SqlParam>{SqlParam(Poco::Int64(nowMs))})) {
      open.insert(integer(r[0]));
    }
    for (const HoldUpdate& u : updates) {
      if (open.count(u.outboxId) == 0) continue;
      if (u.reason.empty()) {
        db->exec("UPDATE delivery_outbox SET state = ?, last_error = '', next_attempt_ms = ? "
                 "WHERE id = ?",
                 std::vector<SqlParam>({std::string(kQueued), Poco::Int64(nowMs), Poco::Int64(u.outboxId)}));
      } else {
        db->exec("UPDATE delivery_outbox SET state = ?, last_error = ? WHERE id = ?",
                 std::vector<SqlParam>({std::string(kHeld), u.reason, Poco::Int64(u.outboxId)}));
      }
      ++changed;
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return changed;
}

}  // namespace renkei::store
