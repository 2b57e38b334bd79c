// The Store on SQL: one implementation for SQLite and PostgreSQL over SqlDatabase. Every public
// call is one transaction under the connection's mutex; PostgreSQL row locks (SKIP LOCKED) and
// leases keep several instances from taking the same work.
#include "sql_store.h"

#include <mutex>

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>

#include "renkei/core/digest.h"

namespace renkei::store {
namespace {

std::vector<SqlParam> params(std::initializer_list<SqlParam> list) { return list; }

std::string deliveryKey(const std::string& source, const std::string& key,
                        const std::string& destination) {
  return "rk-" + sha256Hex(source + '\n' + key + '\n' + destination).substr(0, 32);
}

StoredMessage messageFrom(const SqlRow& r) {
  StoredMessage m;
  m.id = integer(r[0]);
  m.source = text(r[1]);
  m.sender = text(r[2]);
  m.name = text(r[3]);
  m.idempotencyKey = text(r[4]);
  m.sha256 = text(r[5]);
  m.receivedMs = integer(r[6]);
  m.state = text(r[7]);
  m.error = text(r[8]);
  m.routing = text(r[9]);
  m.duplicates = integer(r[10]);
  return m;
}
constexpr const char* kMessageColumns =
    "id, source, sender, name, idempotency_key, sha256, received_ms, state, error, routing, "
    "duplicates";

OutboxRow outboxFrom(const SqlRow& r) {
  OutboxRow o;
  o.id = integer(r[0]);
  o.messageId = integer(r[1]);
  o.destination = text(r[2]);
  o.orderingKey = text(r[3]);
  o.idempotencyKey = text(r[4]);
  o.state = text(r[5]);
  o.attempts = static_cast<int>(integer(r[6]));
  o.nextAttemptMs = integer(r[7]);
  o.createdMs = integer(r[8]);
  o.lastError = text(r[9]);
  o.responseBody = text(r[10]);
  o.leaseOwner = text(r[11]);
  o.leaseUntilMs = integer(r[12]);
  o.receivedMs = integer(r[13]);
  return o;
}
constexpr const char* kOutboxColumns =
    "o.id, o.message_id, o.destination, o.ordering_key, o.idempotency_key, o.state, o.attempts, "
    "o.next_attempt_ms, o.created_ms, o.last_error, o.response_body, o.lease_owner, "
    "o.lease_until_ms, m.received_ms";

std::string idList(const std::vector<Poco::Int64>& ids) {
  std::string out;
  for (Poco::Int64 id : ids) {
    if (!out.empty()) out += ',';
    out += std::to_string(id);
  }
  return out;
}

}  // namespace

SqlStore::SqlStore(std::unique_ptr<SqlDatabase> db) : db_(std::move(db)) {}

Result<std::vector<IntakeReceipt>> SqlStore::intake(const std::vector<RawInput>& inputs,
                                                    int64_t nowMs) {
  std::lock_guard lock(mutex_);
  std::vector<IntakeReceipt> receipts;
  Status st = inTransaction(*db_, [&] {
    receipts.clear();
    for (const RawInput& in : inputs) {
      IntakeReceipt r;
      r.sha256 = sha256Hex(in.bytes);
      const std::string key = in.idempotencyKey.empty() ? r.sha256 : in.idempotencyKey;
      auto known = db_->query(
          "SELECT id, state, error FROM pipeline_message WHERE source = ? AND idempotency_key = ?",
          params({in.source, key}));
      if (!known.empty()) {
        r.duplicate = true;
        r.messageId = integer(known[0][0]);
        r.state = text(known[0][1]);
        r.error = text(known[0][2]);
        db_->exec("UPDATE pipeline_message SET duplicates = duplicates + 1 WHERE id = ?",
                  params({r.messageId}));
        db_->exec("INSERT INTO intake_duplicate (message_id, name, received_ms) VALUES (?, ?, ?)",
                  params({r.messageId, in.name, nowMs}));
        receipts.push_back(std::move(r));
        continue;
      }
      auto raw = db_->query("SELECT purged FROM intake_raw WHERE sha256 = ?", params({r.sha256}));
      Poco::Data::BLOB bytes(reinterpret_cast<const unsigned char*>(in.bytes.data()),
                             in.bytes.size());
      if (raw.empty()) {
        db_->exec("INSERT INTO intake_raw (sha256, bytes, size, first_ms) VALUES (?, ?, ?, ?)",
                  params({r.sha256, bytes, static_cast<Poco::Int64>(in.bytes.size()), nowMs}));
      } else if (integer(raw[0][0]) != 0) {
        db_->exec("UPDATE intake_raw SET bytes = ?, purged = 0 WHERE sha256 = ?",
                  params({bytes, r.sha256}));
      }
      r.messageId = db_->insert(
          "INSERT INTO pipeline_message (source, sender, name, idempotency_key, sha256, "
          "received_ms, state) VALUES (?, ?, ?, ?, ?, ?, ?)",
          params({in.source, in.sender, in.name, key, r.sha256, nowMs, std::string(kReceived)}));
      r.state = kReceived;
      receipts.push_back(std::move(r));
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return receipts;
}

Result<std::vector<StoredMessage>> SqlStore::claimReceived(const std::string& owner, int limit,
                                                           int64_t nowMs, int64_t leaseMs) {
  std::lock_guard lock(mutex_);
  std::vector<StoredMessage> out;
  Status st = inTransaction(*db_, [&] {
    out.clear();
    auto rows = db_->query(std::string("SELECT ") + kMessageColumns +
                               " FROM pipeline_message WHERE state = ? AND lease_until_ms < ? "
                               "ORDER BY id LIMIT ?" + db_->lockRows(),
                           params({std::string(kReceived), nowMs, Poco::Int64(limit)}));
    std::vector<Poco::Int64> ids;
    for (const SqlRow& r : rows) {
      out.push_back(messageFrom(r));
      ids.push_back(out.back().id);
    }
    if (!ids.empty()) {
      db_->exec("UPDATE pipeline_message SET lease_owner = ?, lease_until_ms = ? WHERE id IN (" +
                    idList(ids) + ")",
                params({owner, nowMs + leaseMs}));
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::string> SqlStore::rawBytes(const std::string& sha256) {
  std::lock_guard lock(mutex_);
  std::string out;
  bool found = false;
  Status st = guarded([&] {
    auto rows = db_->query("SELECT purged FROM intake_raw WHERE sha256 = ?", params({sha256}));
    if (rows.empty() || integer(rows[0][0]) != 0) return Status::okStatus();
    Poco::Data::BLOB b = db_->blob("SELECT bytes FROM intake_raw WHERE sha256 = ?", params({sha256}));
    out.assign(reinterpret_cast<const char*>(b.rawContent()), b.size());
    found = true;
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  if (!found) return Status::notFound("raw input " + sha256 + " is not stored (purged or unknown)");
  return out;
}

Status SqlStore::recordRouting(const std::vector<RoutingOutcome>& outcomes,
                               const std::string& owner, int64_t nowMs) {
  std::lock_guard lock(mutex_);
  return inTransaction(*db_, [&] {
    for (const RoutingOutcome& o : outcomes) {
      auto rows = db_->query(
          std::string("SELECT state, lease_owner, source, idempotency_key, lease_until_ms FROM "
                      "pipeline_message WHERE id = ?") +
              (db_->dialect() == Dialect::Postgres ? " FOR UPDATE" : ""),
          params({o.messageId}));
      if (rows.empty() || text(rows[0][0]) != kReceived) continue;
      if (text(rows[0][1]) != owner && integer(rows[0][4]) >= nowMs) continue;
      const std::string source = text(rows[0][2]);
      const std::string key = text(rows[0][3]);
      db_->exec("UPDATE pipeline_message SET state = ?, error = ?, routing = ?, canonical = ?, "
                "lease_owner = '', lease_until_ms = 0 WHERE id = ?",
                params({o.state, o.error, o.routing, o.canonical, o.messageId}));
      for (const PlannedDelivery& d : o.deliveries) {
        db_->exec("INSERT INTO delivery_outbox (message_id, destination, ordering_key, "
                  "idempotency_key, state, next_attempt_ms, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
                  params({o.messageId, d.destination, d.orderingKey,
                          deliveryKey(source, key, d.destination), std::string(kQueued), nowMs,
                          nowMs}));
      }
    }
    return Status::okStatus();
  });
}

Result<std::vector<OutboxRow>> SqlStore::claimDeliveries(const std::string& owner, int limit,
                                                         int64_t nowMs, int64_t leaseMs) {
  std::lock_guard lock(mutex_);
  std::vector<OutboxRow> out;
  Status st = inTransaction(*db_, [&] {
    out.clear();
    auto due = db_->query(
        std::string("SELECT o.id FROM delivery_outbox o WHERE o.state IN ('QUEUED', 'RETRYING') "
                    "AND o.next_attempt_ms <= ? AND o.lease_until_ms < ? AND NOT EXISTS (SELECT 1 "
                    "FROM delivery_outbox p WHERE p.destination = o.destination AND "
                    "p.ordering_key = o.ordering_key AND p.state IN ('QUEUED', 'RETRYING') AND "
                    "p.id < o.id) ORDER BY o.id LIMIT ?") + db_->lockRows(),
        params({nowMs, nowMs, Poco::Int64(limit)}));
    if (due.empty()) return Status::okStatus();
    std::vector<Poco::Int64> ids;
    for (const SqlRow& r : due) ids.push_back(integer(r[0]));
    const std::string list = idList(ids);
    db_->exec("UPDATE delivery_outbox SET lease_owner = ?, lease_until_ms = ?, attempts = "
              "attempts + 1 WHERE id IN (" + list + ")",
              params({owner, nowMs + leaseMs}));
    auto rows = db_->query(std::string("SELECT ") + kOutboxColumns +
                           ", m.canonical FROM delivery_outbox o JOIN pipeline_message m ON "
                           "m.id = o.message_id WHERE o.id IN (" + list + ") ORDER BY o.id");
    for (const SqlRow& r : rows) {
      out.push_back(outboxFrom(r));
      out.back().canonical = text(r[14]);
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Result<int> SqlStore::recordDeliveries(const std::vector<DeliveryUpdate>& updates,
                                       const std::string& owner) {
  std::lock_guard lock(mutex_);
  int applied = 0;
  Status st = inTransaction(*db_, [&] {
    applied = 0;
    for (const DeliveryUpdate& u : updates) {
      auto rows = db_->query("SELECT lease_owner FROM delivery_outbox WHERE id = ?",
                             params({u.outboxId}));
      if (rows.empty() || text(rows[0][0]) != owner) continue;
      db_->exec("UPDATE delivery_outbox SET state = ?, next_attempt_ms = ?, last_error = ?, "
                "response_body = ?, lease_owner = '', lease_until_ms = 0 WHERE id = ?",
                params({u.state, u.nextAttemptMs, u.lastError, u.responseBody, u.outboxId}));
      ++applied;
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return applied;
}

Result<std::optional<StoredMessage>> SqlStore::message(int64_t id) {
  std::lock_guard lock(mutex_);
  std::optional<StoredMessage> out;
  Status st = guarded([&] {
    auto rows = db_->query(std::string("SELECT ") + kMessageColumns +
                               " FROM pipeline_message WHERE id = ?",
                           params({Poco::Int64(id)}));
    if (!rows.empty()) out = messageFrom(rows[0]);
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<OutboxRow>> SqlStore::outbox(const OutboxFilter& filter) {
  std::lock_guard lock(mutex_);
  std::vector<OutboxRow> out;
  Status st = guarded([&] {
    std::string sql = std::string("SELECT ") + kOutboxColumns +
                      " FROM delivery_outbox o JOIN pipeline_message m ON m.id = o.message_id "
                      "WHERE (? = '' OR o.state = ?) AND (? = '' OR o.destination = ?) "
                      "ORDER BY o.id LIMIT ?";
    auto rows = db_->query(sql, params({filter.state, filter.state, filter.destination,
                                        filter.destination, Poco::Int64(filter.limit)}));
    for (const SqlRow& r : rows) out.push_back(outboxFrom(r));
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::optional<OutboxRow>> SqlStore::outboxRow(int64_t id) {
  std::lock_guard lock(mutex_);
  std::optional<OutboxRow> out;
  Status st = guarded([&] {
    auto rows = db_->query(std::string("SELECT ") + kOutboxColumns +
                               ", m.canonical FROM delivery_outbox o JOIN pipeline_message m ON "
                               "m.id = o.message_id WHERE o.id = ?",
                           params({Poco::Int64(id)}));
    if (!rows.empty()) {
      out = outboxFrom(rows[0]);
      out->canonical = text(rows[0][14]);
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Result<bool> SqlStore::retryNow(int64_t outboxId, int64_t nowMs) {
  std::lock_guard lock(mutex_);
  bool done = false;
  Status st = inTransaction(*db_, [&] {
    auto rows = db_->query("SELECT state FROM delivery_outbox WHERE id = ?",
                           params({Poco::Int64(outboxId)}));
    if (rows.empty()) return Status::okStatus();
    const std::string state = text(rows[0][0]);
    if (state != kRetrying && state != kDead) return Status::okStatus();
    db_->exec("UPDATE delivery_outbox SET state = ?, next_attempt_ms = ? WHERE id = ?",
              params({std::string(kRetrying), nowMs, Poco::Int64(outboxId)}));
    done = true;
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return done;
}

Result<int64_t> SqlStore::replay(int64_t messageId, const std::string& destination,
                                 int64_t nowMs) {
  std::lock_guard lock(mutex_);
  int64_t id = 0;
  Status st = inTransaction(*db_, [&] {
    auto rows = db_->query("SELECT source, idempotency_key, state, canonical FROM pipeline_message "
                           "WHERE id = ?",
                           params({Poco::Int64(messageId)}));
    if (rows.empty()) return Status::notFound("no message " + std::to_string(messageId));
    if (text(rows[0][3]).empty()) {
      return Status::conflict("message " + std::to_string(messageId) +
                              " has no stored content (purged by the retention policy)");
    }
    if (text(rows[0][2]) != kRouted && text(rows[0][2]) != kUnrouted) {
      return Status::conflict("message " + std::to_string(messageId) + " is " +
                              text(rows[0][2]) + "; only routed messages can be replayed");
    }
    auto line = db_->query("SELECT ordering_key FROM delivery_outbox WHERE message_id = ? ORDER BY id",
                           params({Poco::Int64(messageId)}));
    const std::string ordering =
        line.empty() ? "message-" + std::to_string(messageId) : text(line[0][0]);
    id = db_->insert("INSERT INTO delivery_outbox (message_id, destination, ordering_key, "
                     "idempotency_key, state, next_attempt_ms, created_ms) VALUES (?, ?, ?, ?, ?, "
                     "?, ?)",
                     params({Poco::Int64(messageId), destination, ordering,
                             deliveryKey(text(rows[0][0]), text(rows[0][1]), destination),
                             std::string(kQueued), nowMs, nowMs}));
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return id;
}

Result<std::vector<QueueStats>> SqlStore::queueStats() {
  std::lock_guard lock(mutex_);
  std::vector<QueueStats> out;
  Status st = guarded([&] {
    auto rows = db_->query("SELECT destination, state, COUNT(*), MIN(created_ms) FROM "
                           "delivery_outbox GROUP BY destination, state ORDER BY destination, state");
    for (const SqlRow& r : rows) {
      out.push_back({text(r[0]), text(r[1]), integer(r[2]), integer(r[3])});
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Status SqlStore::releaseLeases(const std::string& owner) {
  std::lock_guard lock(mutex_);
  return inTransaction(*db_, [&] {
    db_->exec("UPDATE pipeline_message SET lease_owner = '', lease_until_ms = 0 WHERE lease_owner = ?",
              params({owner}));
    db_->exec("UPDATE delivery_outbox SET lease_owner = '', lease_until_ms = 0 WHERE lease_owner = ?",
              params({owner}));
    return Status::okStatus();
  });
}

Result<int64_t> SqlStore::purgeRaw(int64_t cutoffMs) {
  std::lock_guard lock(mutex_);
  int64_t purged = 0;
  Status st = inTransaction(*db_, [&] {
    auto rows = db_->query(
        "SELECT r.sha256 FROM intake_raw r WHERE r.purged = 0 AND r.first_ms < ? AND NOT EXISTS "
        "(SELECT 1 FROM pipeline_message m WHERE m.sha256 = r.sha256 AND (m.received_ms >= ? OR "
        "m.state = 'RECEIVED' OR EXISTS (SELECT 1 FROM delivery_outbox o WHERE o.message_id = m.id "
        "AND o.state IN ('QUEUED', 'RETRYING'))))",
        params({cutoffMs, cutoffMs}));
    for (const SqlRow& r : rows) {
      const std::string sha = text(r[0]);
      db_->exec("UPDATE intake_raw SET bytes = NULL, purged = 1 WHERE sha256 = ?", params({sha}));
      db_->exec("UPDATE pipeline_message SET canonical = '' WHERE sha256 = ?", params({sha}));
      ++purged;
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return purged;
}

int SqlStore::schemaVersion() {
  std::lock_guard lock(mutex_);
  int version = 0;
  Status st = guarded([&] {
    auto rows = db_->query("SELECT MAX(version) FROM store_schema");
    if (!rows.empty()) version = static_cast<int>(integer(rows[0][0]));
    return Status::okStatus();
  });
  return st.ok() ? version : -1;
}

}  // namespace renkei::store
