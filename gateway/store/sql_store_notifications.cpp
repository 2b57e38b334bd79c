// Notifications in the store (care_notification): recorded with the routing that decided them,
// told once per fact and recipient, acknowledged, escalated or gathered into a digest here (see
// the Store interface and care/notifications.h).
#include <set>

#include "sql_statements.h"
#include "sql_store.h"

namespace renkei::store {
namespace {

void insertDelivery(SqlDatabase& db, const NewDelivery& d, int64_t nowMs) {
  db.exec("INSERT INTO delivery_outbox (message_id, destination, ordering_key, idempotency_key, "
          "state, next_attempt_ms, created_ms, recipient, payload) VALUES " + valueRows(1, 9),
          {Poco::Int64(d.messageId), d.destination, d.orderingKey, d.idempotencyKey,
           std::string(kQueued), Poco::Int64(nowMs), Poco::Int64(nowMs), d.recipient, d.payload});
}

}  // namespace

void SqlStore::notificationRows(
    SqlDatabase& db, const std::vector<RoutingOutcome>& outcomes, MessageRows& current,
    int64_t nowMs, std::vector<std::pair<std::size_t, const PlannedDelivery*>>& deliveries) {
  std::vector<SqlParam> keys;
  for (const auto& [i, d] : deliveries) {
    if (d->notification) keys.emplace_back(d->notification->factKey);
  }
  if (keys.empty()) return;
  std::set<std::string> told;
  inChunks(keys, [&](std::size_t from, std::size_t to) {
    const std::vector<SqlParam> chunk(keys.begin() + from, keys.begin() + to);
    for (const SqlRow& r : db.query("SELECT fact_key FROM care_notification WHERE fact_key IN (" +
                                        placeholders(to - from) + ")",
                                    chunk)) {
      told.insert(text(r[0]));
    }
  });
  std::vector<std::pair<std::size_t, const PlannedDelivery*>> queued;
  std::vector<SqlParam> rows;
  constexpr std::size_t kColumns = 13;
  for (const auto& [i, d] : deliveries) {
    if (!d->notification) {
      queued.emplace_back(i, d);
      continue;
    }
    const NotificationPlan& n = *d->notification;
    if (!told.insert(n.factKey).second) continue;  // told before, or earlier in this batch
    const SqlRow& m = current[outcomes[i].messageId];
    const std::string key =
        n.urgent ? deliveryKey(text(m[4]), text(m[5]), d->destination, d->recipient) : "";
    for (SqlParam v : {SqlParam(n.factKey), SqlParam(n.token), SqlParam(Poco::Int64(outcomes[i].messageId)),
                       SqlParam(d->destination), SqlParam(d->recipient),
                       SqlParam(n.recipientOrganization), SqlParam(Poco::Int64(n.urgent ? 1 : 0)),
                       SqlParam(std::string(n.urgent ? kAwaiting : kInDigest)),
                       SqlParam(Poco::Int64(n.dueMs)), SqlParam(Poco::Int64(nowMs)),
                       SqlParam(n.escalateTo), SqlParam(n.summary), SqlParam(key)}) {
      rows.push_back(std::move(v));
    }
    if (n.urgent) queued.emplace_back(i, d);
  }
  for (std::size_t at = 0; at < rows.size(); at += kChunk * kColumns) {
    const std::size_t end = std::min(rows.size(), at + kChunk * kColumns);
    db.exec("INSERT INTO care_notification (fact_key, token, message_id, destination, recipient, "
            "recipient_org, urgent, state, due_ms, created_ms, escalate_to, summary, "
            "delivery_key) VALUES " + valueRows((end - at) / kColumns, kColumns),
            std::vector<SqlParam>(rows.begin() + at, rows.begin() + end));
  }
  deliveries = std::move(queued);
}

void SqlStore::acknowledgementRows(SqlDatabase& db, const std::vector<std::string>& tokens,
                                   const std::string& organization, int64_t nowMs) {
  std::vector<SqlParam> p{Poco::Int64(nowMs), organization, organization};
  for (const std::string& t : tokens) p.emplace_back(t);
  db.exec("UPDATE care_notification SET state = 'ACKED', acked_ms = ?, acked_by = ? WHERE "
          "recipient_org = ? AND state IN ('AWAITING', 'ESCALATED') AND token IN (" +
              placeholders(tokens.size()) + ")",
          p);
}

Result<std::vector<NotificationRow>> SqlStore::dueNotifications(int64_t nowMs, int limit) {
  ConnectionPool::Lease db = pool_->acquire();
  std::vector<NotificationRow> out;
  Status st = guarded([&] {
    for (const SqlRow& r :
         db->query(std::string("SELECT ") + kNotificationColumns +
                       " FROM care_notification WHERE state IN ('AWAITING', 'DIGEST') AND "
                       "due_ms <= ? ORDER BY due_ms, id LIMIT ?",
                   {Poco::Int64(nowMs), Poco::Int64(limit)})) {
      out.push_back(notificationFrom(r));
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<NotificationRow>> SqlStore::dueDigest(const std::string& destination,
                                                         const std::string& recipient,
                                                         int64_t nowMs, int limit) {
  ConnectionPool::Lease db = pool_->acquire();
  std::vector<NotificationRow> out;
  Status st = guarded([&] {
    for (const SqlRow& r :
         db->query(std::string("SELECT ") + kNotificationColumns +
                       " FROM care_notification WHERE state = 'DIGEST' AND due_ms <= ? AND "
                       "destination = ? AND recipient = ? ORDER BY id LIMIT ?",
                   {Poco::Int64(nowMs), destination, recipient, Poco::Int64(limit)})) {
      out.push_back(notificationFrom(r));
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Result<bool> SqlStore::escalateNotification(int64_t id, const std::vector<NewDelivery>& deliveries,
                                            int64_t nowMs) {
  ConnectionPool::Lease db = pool_->acquire();
  bool escalated = false;
  Status st = inTransaction(*db, [&] {
    escalated = !db->query("SELECT id FROM care_notification WHERE id = ? AND state = 'AWAITING' " +
                               std::string(db->lockRows()),
                           {Poco::Int64(id)})
                     .empty();
    if (!escalated) return Status::okStatus();
    db->exec("UPDATE care_notification SET state = 'ESCALATED' WHERE id = ?", {Poco::Int64(id)});
    for (const NewDelivery& d : deliveries) insertDelivery(*db, d, nowMs);
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return escalated;
}

Result<bool> SqlStore::digestNotifications(const std::vector<int64_t>& ids,
                                           const NewDelivery& delivery, int64_t nowMs) {
  if (ids.empty()) return false;
  std::vector<Poco::Int64> list(ids.begin(), ids.end());
  ConnectionPool::Lease db = pool_->acquire();
  bool digested = false;
  Status st = inTransaction(*db, [&] {
    const auto open = db->query("SELECT id FROM care_notification WHERE id IN (" + idList(list) +
                                ") AND state = 'DIGEST' " + db->lockRows());
    digested = open.size() == ids.size();
    if (!digested) return Status::okStatus();
    db->exec("UPDATE care_notification SET state = 'DIGESTED', delivery_key = ? WHERE id IN (" +
                 idList(list) + ")",
             {delivery.idempotencyKey});
    insertDelivery(*db, delivery, nowMs);
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return digested;
}

Result<bool> SqlStore::acknowledgeNotification(const std::string& token,
                                               const std::string& organization,
                                               const std::string& by, int64_t nowMs) {
  ConnectionPool::Lease db = pool_->acquire();
  bool acknowledged = false;
  Status st = inTransaction(*db, [&] {
    acknowledged = !db->query("SELECT id FROM care_notification WHERE token = ? AND (? = '' OR "
                              "recipient_org = ?) AND state IN ('AWAITING', 'ESCALATED')",
                              {token, organization, organization})
                        .empty();
    if (!acknowledged) return Status::okStatus();
    db->exec("UPDATE care_notification SET state = 'ACKED', acked_ms = ?, acked_by = ? WHERE "
             "token = ?",
             {Poco::Int64(nowMs), by, token});
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return acknowledged;
}

Status SqlStore::postponeNotifications(const std::vector<int64_t>& ids, int64_t dueMs) {
  if (ids.empty()) return Status::okStatus();
  ConnectionPool::Lease db = pool_->acquire();
  return inTransaction(*db, [&] {
    db->exec("UPDATE care_notification SET due_ms = ? WHERE state = 'DIGEST' AND id IN (" +
                 idList(std::vector<Poco::Int64>(ids.begin(), ids.end())) + ")",
             {Poco::Int64(dueMs)});
    return Status::okStatus();
  });
}

Result<int> SqlStore::digestNow(int64_t nowMs) {
  ConnectionPool::Lease db = pool_->acquire();
  int changed = 0;
  Status st = inTransaction(*db, [&] {
    changed = static_cast<int>(integer(
        db->query("SELECT COUNT(*) FROM care_notification WHERE state = 'DIGEST' AND due_ms > ?",
                  {Poco::Int64(nowMs)})[0][0]));
    db->exec("UPDATE care_notification SET due_ms = ? WHERE state = 'DIGEST' AND due_ms > ?",
             {Poco::Int64(nowMs), Poco::Int64(nowMs)});
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return changed;
}

Result<std::vector<NotificationRow>> SqlStore::notifications(const NotificationFilter& filter) {
  ConnectionPool::Lease db = pool_->acquire();
  std::vector<NotificationRow> out;
  Status st = guarded([&] {
    for (const SqlRow& r : db->query(std::string("SELECT ") + kNotificationColumns +
                                         " FROM care_notification WHERE (? = '' OR state = ?) "
                                         "ORDER BY id DESC LIMIT ?",
                                     {filter.state, filter.state, Poco::Int64(filter.limit)})) {
      out.push_back(notificationFrom(r));
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<QueueStats>> SqlStore::notificationStats() {
  ConnectionPool::Lease db = pool_->acquire();
  std::vector<QueueStats> out;
  Status st = guarded([&] {
    for (const SqlRow& r : db->query("SELECT destination, state, COUNT(*), MIN(created_ms) FROM "
                                     "care_notification WHERE state IN ('AWAITING', 'ESCALATED', "
                                     "'DIGEST') GROUP BY destination, state ORDER BY destination, "
                                     "state")) {
      out.push_back({text(r[0]), text(r[1]), integer(r[2]), integer(r[3])});
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace renkei::store
