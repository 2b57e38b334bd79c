// The Store on SQL: one implementation for SQLite and PostgreSQL over SqlDatabase. Every public
// call is one transaction on a connection lent by the pool; PostgreSQL row locks (SKIP LOCKED)
// and leases keep several connections and several instances from taking the same work.
#include "sql_store.h"

#include <map>
#include <set>

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>

#include "renkei/core/digest.h"
#include "resource_versions.h"
#include "sql_statements.h"

namespace renkei::store {
namespace {

std::vector<SqlParam> params(std::initializer_list<SqlParam> list) { return list; }

/// Messages the router may claim (parameters: state RECEIVED, now).
constexpr const char* kClaimableMessages =
    " FROM pipeline_message WHERE state = ? AND lease_until_ms < ?";
/// Deliveries a worker may claim: due, not leased, first in their line (parameters: now, now).
constexpr const char* kDueDeliveries =
    "SELECT o.id FROM delivery_outbox o WHERE o.state IN ('QUEUED', 'RETRYING') AND "
    "o.next_attempt_ms <= ? AND o.lease_until_ms < ? AND NOT EXISTS (SELECT 1 FROM "
    "delivery_outbox p WHERE p.destination = o.destination AND p.ordering_key = o.ordering_key "
    "AND p.state IN ('QUEUED', 'RETRYING') AND p.id < o.id)";

/// Whether `sql` finds a row, read outside any transaction. The claims ask this first, so that
/// an idle loop polling every poll_ms costs a read, not a write transaction and its commit (on
/// SQLite BEGIN IMMEDIATE also takes the database's one write lock).
Result<bool> anyRow(SqlDatabase& db, const std::string& sql, const std::vector<SqlParam>& p) {
  bool found = false;
  Status st = guarded([&] {
    found = !db.query(sql, p).empty();
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return found;
}

}  // namespace

SqlStore::SqlStore(std::unique_ptr<ConnectionPool> pool, std::unique_ptr<SqliteCheckpointer> checkpointer)
    : pool_(std::move(pool)), checkpointer_(std::move(checkpointer)) {}

void SqlStore::intakeRows(SqlDatabase& db, const std::vector<RawInput>& inputs, int64_t nowMs,
                          std::vector<IntakeReceipt>& receipts, MessageRows* inserted) {
  std::vector<std::string> keys(inputs.size());
  std::vector<std::string> hashes(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    hashes[i] = inputs[i].sha256.empty() ? sha256Hex(inputs[i].bytes) : inputs[i].sha256;
    keys[i] = inputs[i].idempotencyKey.empty() ? hashes[i] : inputs[i].idempotencyKey;
  }
  receipts.assign(inputs.size(), IntakeReceipt{});
  auto recordDuplicate = [&](int64_t messageId, const std::string& name) {
    db.exec("UPDATE pipeline_message SET duplicates = duplicates + 1 WHERE id = ?",
              params({messageId}));
    db.exec("INSERT INTO intake_duplicate (message_id, name, received_ms) VALUES (?, ?, ?)",
              params({messageId, name, nowMs}));
  };
  // Known (source, key) pairs (the unique index leads with source) and known raw bytes, a
  // chunk of inputs per statement.
  std::map<std::pair<std::string, std::string>, SqlRow> known;
  std::map<std::string, bool> rawPurged;
  std::map<std::string, std::vector<std::size_t>> bySource;
  for (std::size_t i = 0; i < inputs.size(); ++i) bySource[inputs[i].source].push_back(i);
  for (const auto& group : bySource) {
    const std::string& source = group.first;
    const std::vector<std::size_t>& indexes = group.second;
    inChunks(indexes, [&](std::size_t from, std::size_t to) {
      std::vector<SqlParam> p{SqlParam(source)};
      for (std::size_t k = from; k < to; ++k) p.emplace_back(keys[indexes[k]]);
      for (SqlRow& r : db.query("SELECT source, idempotency_key, id, state, error, sha256 FROM "
                                  "pipeline_message WHERE source = ? AND idempotency_key IN (" +
                                      placeholders(to - from) + ")",
                                  p)) {
        known[{text(r[0]), text(r[1])}] = std::move(r);
      }
    });
  }
  inChunks(inputs, [&](std::size_t from, std::size_t to) {
    std::vector<SqlParam> hashParams;
    for (std::size_t i = from; i < to; ++i) hashParams.emplace_back(hashes[i]);
    for (const SqlRow& r : db.query("SELECT sha256, purged FROM intake_raw WHERE sha256 IN (" +
                                          placeholders(to - from) + ")",
                                      hashParams)) {
      rawPurged[text(r[0])] = integer(r[1]) != 0;
    }
  });
  std::vector<std::size_t> fresh;
  std::vector<std::size_t> freshRaw;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    IntakeReceipt& r = receipts[i];
    r.sha256 = hashes[i];
    auto k = known.find({inputs[i].source, keys[i]});
    if (k != known.end() && k->second.empty()) continue;  // repeated within this batch
    if (k != known.end()) {
      r.duplicate = true;
      r.messageId = integer(k->second[2]);
      r.state = text(k->second[3]);
      r.error = text(k->second[4]);
      r.sha256 = text(k->second[5]);  // the original's bytes, not these
      recordDuplicate(r.messageId, inputs[i].name);
      continue;
    }
    // The same key twice in one batch: the second is a duplicate of the first.
    known[{inputs[i].source, keys[i]}] = SqlRow{};
    fresh.push_back(i);
    auto raw = rawPurged.find(hashes[i]);
    if (raw == rawPurged.end()) {
      rawPurged[hashes[i]] = false;
      freshRaw.push_back(i);
    } else if (raw->second) {
      db.exec("UPDATE intake_raw SET bytes = ?, purged = 0 WHERE sha256 = ?",
                params({Poco::Data::BLOB(reinterpret_cast<const unsigned char*>(inputs[i].bytes.data()),
                                         inputs[i].bytes.size()),
                        hashes[i]}));
      raw->second = false;
    }
  }
  inChunks(freshRaw, [&](std::size_t from, std::size_t to) {
    std::vector<SqlParam> p;
    for (std::size_t k = from; k < to; ++k) {
      const RawInput& in = inputs[freshRaw[k]];
      p.emplace_back(hashes[freshRaw[k]]);
      p.emplace_back(Poco::Data::BLOB(reinterpret_cast<const unsigned char*>(in.bytes.data()),
                                      in.bytes.size()));
      p.emplace_back(static_cast<Poco::Int64>(in.bytes.size()));
      p.emplace_back(Poco::Int64(nowMs));
    }
    db.exec("INSERT INTO intake_raw (sha256, bytes, size, first_ms) VALUES " +
                  valueRows(to - from, 4),
              p);
  });
  inChunks(fresh, [&](std::size_t from, std::size_t to) {
    std::vector<SqlParam> p;
    std::map<std::string, std::vector<SqlParam>> keysBySource;
    for (std::size_t k = from; k < to; ++k) {
      const RawInput& in = inputs[fresh[k]];
      for (SqlParam v : {SqlParam(in.source), SqlParam(in.sender), SqlParam(in.name),
                         SqlParam(keys[fresh[k]]), SqlParam(hashes[fresh[k]]),
                         SqlParam(Poco::Int64(nowMs)), SqlParam(std::string(kReceived)),
                         SqlParam(in.writeIntent)}) {
        p.push_back(std::move(v));
      }
      auto& sourceKeys = keysBySource[in.source];
      if (sourceKeys.empty()) sourceKeys.emplace_back(in.source);
      sourceKeys.emplace_back(keys[fresh[k]]);
    }
    const std::string insert =
        "INSERT INTO pipeline_message (source, sender, name, idempotency_key, sha256, "
        "received_ms, state, write_intent) VALUES " + valueRows(to - from, 8);
    std::map<std::pair<std::string, std::string>, Poco::Int64> ids;
    if (db.dialect() == Dialect::Postgres) {
      // The new ids come back with the insert: no second round trip and index probe per key.
      for (const SqlRow& r : db.query(insert + " RETURNING source, idempotency_key, id", p)) {
        ids[{text(r[0]), text(r[1])}] = integer(r[2]);
      }
    } else {
      db.exec(insert, p);
      for (const auto& [source, sourceKeys] : keysBySource) {
        for (const SqlRow& r : db.query("SELECT source, idempotency_key, id FROM pipeline_message "
                                        "WHERE source = ? AND idempotency_key IN (" +
                                            placeholders(sourceKeys.size() - 1) + ")",
                                        sourceKeys)) {
          ids[{text(r[0]), text(r[1])}] = integer(r[2]);
        }
      }
    }
    for (std::size_t k = from; k < to; ++k) {
      const RawInput& in = inputs[fresh[k]];
      IntakeReceipt& r = receipts[fresh[k]];
      r.messageId = ids[{in.source, keys[fresh[k]]}];
      r.state = kReceived;
      if (inserted) {
        (*inserted)[r.messageId] = {r.messageId, std::string(kReceived), std::string(),
                                    Poco::Int64(0), in.source, keys[fresh[k]], in.sender};
      }
    }
  });
  // Same-batch repeats point at the message their first copy created.
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (receipts[i].messageId != 0) continue;
    for (std::size_t j : fresh) {
      if (j < i && inputs[j].source == inputs[i].source && keys[j] == keys[i]) {
        receipts[i].duplicate = true;
        receipts[i].messageId = receipts[j].messageId;
        receipts[i].sha256 = receipts[j].sha256;
        receipts[i].state = kReceived;
        recordDuplicate(receipts[i].messageId, inputs[i].name);
        break;
      }
    }
  }
}

Result<std::vector<IntakeReceipt>> SqlStore::intake(const std::vector<RawInput>& inputs,
                                                    int64_t nowMs) {
  ConnectionPool::Lease db = pool_->acquire();
  std::vector<IntakeReceipt> receipts;
  Status st = inTransaction(*db, [&] {
    intakeRows(*db, inputs, nowMs, receipts);
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return receipts;
}

Result<std::vector<StoredMessage>> SqlStore::claimReceived(const std::string& owner, int limit,
                                                           int64_t nowMs, int64_t leaseMs) {
  ConnectionPool::Lease db = pool_->acquire();
  std::vector<StoredMessage> out;
  auto waiting = anyRow(*db, std::string("SELECT id") + kClaimableMessages + " LIMIT 1",
                        params({std::string(kReceived), nowMs}));
  if (!waiting.ok()) return waiting.status();
  if (!waiting.value()) return out;
  Status st = inTransaction(*db, [&] {
    out.clear();
    auto rows = db->query(std::string("SELECT ") + kMessageColumns + kClaimableMessages +
                               " ORDER BY id LIMIT ?" + db->lockRows(),
                           params({std::string(kReceived), nowMs, Poco::Int64(limit)}));
    std::vector<Poco::Int64> ids;
    for (const SqlRow& r : rows) {
      out.push_back(messageFrom(r));
      ids.push_back(out.back().id);
    }
    if (!ids.empty()) {
      db->exec("UPDATE pipeline_message SET lease_owner = ?, lease_until_ms = ? WHERE id IN (" +
                    idList(ids) + ")",
                params({owner, nowMs + leaseMs}));
    }
    return Status::okStatus();
  }, Durability::Deferred);
  if (!st.ok()) return st;
  return out;
}

Result<std::string> SqlStore::rawBytes(const std::string& sha256) {
  ConnectionPool::Lease db = pool_->acquire();
  std::string out;
  bool found = false;
  Status st = guarded([&] {
    auto rows = db->query("SELECT purged FROM intake_raw WHERE sha256 = ?", params({sha256}));
    if (rows.empty() || integer(rows[0][0]) != 0) return Status::okStatus();
    Poco::Data::BLOB b = db->blob("SELECT bytes FROM intake_raw WHERE sha256 = ?", params({sha256}));
    out.assign(reinterpret_cast<const char*>(b.rawContent()), b.size());
    found = true;
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  if (!found) return Status::notFound("raw input " + sha256 + " is not stored (purged or unknown)");
  return out;
}

void SqlStore::routingRows(SqlDatabase& db, std::vector<RoutingOutcome>& outcomes,
                           const std::string& owner, int64_t nowMs, std::vector<bool>& applied,
                           std::vector<std::string>& failed, const MessageRows* known) {
  applied.assign(outcomes.size(), false);
  MessageRows current;
  std::vector<std::size_t> unknown;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const Poco::Int64 id = outcomes[i].messageId;
    if (known && known->count(id) != 0) {
      current[id] = known->at(id);
    } else {
      unknown.push_back(i);
    }
  }
  inChunks(unknown, [&](std::size_t from, std::size_t to) {
    std::vector<SqlParam> ids;
    for (std::size_t k = from; k < to; ++k) {
      ids.emplace_back(Poco::Int64(outcomes[unknown[k]].messageId));
    }
    for (SqlRow& r : db.query(std::string("SELECT id, state, lease_owner, lease_until_ms, source, "
                                            "idempotency_key, sender FROM pipeline_message "
                                            "WHERE id IN (") +
                                    placeholders(to - from) + ")" +
                                    (db.dialect() == Dialect::Postgres ? " FOR UPDATE" : ""),
                                ids)) {
      current[integer(r[0])] = std::move(r);
    }
  });
  std::vector<std::size_t> apply;
  std::set<Poco::Int64> applying;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    auto it = current.find(outcomes[i].messageId);
    if (it == current.end() || text(it->second[1]) != kReceived) continue;
    if (!applying.insert(outcomes[i].messageId).second) continue;  // once per message
    if (text(it->second[2]) != owner && integer(it->second[3]) >= nowMs) continue;
    applied[i] = true;
    apply.push_back(i);
  }
  // Resource versions first: an update whose If-Match is stale fails its whole message.
  failed.assign(outcomes.size(), std::string());
  ResourceVersions versions(db, nowMs);
  for (std::size_t i : apply) {
    if (outcomes[i].state == kFailed) continue;
    const std::string sender = text(current[outcomes[i].messageId][6]);
    for (std::vector<ResourceCopy>* list : {&outcomes[i].resources, &outcomes[i].statedCareTeams}) {
      if (list->empty() || !failed[i].empty()) continue;
      if (auto conflict = versions.plan(sender, outcomes[i].messageId, *list)) {
        failed[i] = std::move(*conflict);
      }
    }
  }
  inChunks(apply, [&](std::size_t from, std::size_t to) {
    // One UPDATE … FROM a literal table of new values (SQLite ≥ 3.33 and PostgreSQL).
    std::vector<SqlParam> p;
    for (std::size_t k = from; k < to; ++k) {
      const std::size_t i = apply[k];
      const RoutingOutcome& o = outcomes[i];
      const bool conflict = !failed[i].empty();
      for (SqlParam v : {SqlParam(Poco::Int64(o.messageId)),
                         SqlParam(std::string(conflict ? kFailed : o.state)),
                         SqlParam(conflict ? failed[i] : o.error), SqlParam(o.routing),
                         SqlParam(o.canonical)}) {
        p.push_back(std::move(v));
      }
    }
    db.exec("UPDATE pipeline_message SET state = v.state, error = v.error, routing = v.routing, "
              "canonical = v.canonical, lease_owner = '', lease_until_ms = 0 FROM " +
                  db.valuesTable(to - from, {{"id", "BIGINT"}, {"state", "TEXT"},
                                               {"error", "TEXT"}, {"routing", "TEXT"},
                                               {"canonical", "TEXT"}}) +
                  " WHERE pipeline_message.id = v.id",
              p);
  });
  std::vector<std::pair<std::size_t, const PlannedDelivery*>> deliveries;
  for (std::size_t i : apply) {
    if (!failed[i].empty()) continue;
    for (const PlannedDelivery& d : outcomes[i].deliveries) deliveries.emplace_back(i, &d);
  }
  notificationRows(db, outcomes, current, nowMs, deliveries);
  patientRows(db, outcomes, apply);
  {
    std::vector<std::size_t> linking;
    for (std::size_t i : apply) {
      if (failed[i].empty() && outcomes[i].state != kFailed) linking.push_back(i);
    }
    patientLinkRows(db, outcomes, linking, nowMs);
  }
  for (std::size_t i : apply) {
    if (failed[i].empty() && !outcomes[i].acknowledgements.empty()) {
      acknowledgementRows(db, outcomes[i].acknowledgements,
                          text(current[outcomes[i].messageId][6]), nowMs);
    }
  }
  inChunks(deliveries, [&](std::size_t from, std::size_t to) {
    std::vector<SqlParam> p;
    for (std::size_t k = from; k < to; ++k) {
      const RoutingOutcome& o = outcomes[deliveries[k].first];
      const PlannedDelivery& d = *deliveries[k].second;
      const SqlRow& m = current[o.messageId];
      for (SqlParam v : {SqlParam(Poco::Int64(o.messageId)), SqlParam(d.destination),
                         SqlParam(d.orderingKey),
                         SqlParam(deliveryKey(text(m[4]), text(m[5]), d.destination, d.recipient)),
                         SqlParam(std::string(d.held.empty() ? kQueued : kHeld)),
                         SqlParam(Poco::Int64(nowMs)), SqlParam(Poco::Int64(nowMs)),
                         SqlParam(d.recipient), SqlParam(d.held), SqlParam(d.payload)}) {
        p.push_back(std::move(v));
      }
    }
    db.exec("INSERT INTO delivery_outbox (message_id, destination, ordering_key, "
              "idempotency_key, state, next_attempt_ms, created_ms, recipient, last_error, "
              "payload) VALUES " + valueRows(to - from, 10),
              p);
  });
  versions.write();
}

namespace {

/// After the commit: outcomes whose update met a stale If-Match are FAILED, with nothing else.
void applyVersionConflicts(std::vector<RoutingOutcome>& outcomes, std::vector<std::string>& failed) {
  for (std::size_t i = 0; i < outcomes.size() && i < failed.size(); ++i) {
    if (failed[i].empty()) continue;
    outcomes[i].state = kFailed;
    outcomes[i].error = std::move(failed[i]);
    outcomes[i].deliveries.clear();
    outcomes[i].resources.clear();
    outcomes[i].statedCareTeams.clear();
  }
}

}  // namespace

Result<std::vector<bool>> SqlStore::recordRouting(std::vector<RoutingOutcome>& outcomes,
                                                  const std::string& owner, int64_t nowMs) {
  ConnectionPool::Lease db = pool_->acquire();
  std::vector<bool> applied;
  std::vector<std::string> failed;  ///< per outcome: the version conflict that fails it
  Status st = inTransaction(*db, [&] {
    routingRows(*db, outcomes, owner, nowMs, applied, failed);
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  applyVersionConflicts(outcomes, failed);
  return applied;
}

Result<IntakeAndRouting> SqlStore::intakeAndRoute(const std::vector<RawInput>& inputs,
                                                  const RouteReceipts& route,
                                                  const std::string& owner, int64_t nowMs) {
  ConnectionPool::Lease db = pool_->acquire();
  IntakeAndRouting out;
  std::vector<std::string> failed;
  Status st = inTransaction(*db, [&] {
    // Messages inserted by this transaction need not be read back (and locked) for routing.
    MessageRows inserted;
    intakeRows(*db, inputs, nowMs, out.receipts, &inserted);
    out.outcomes = route(out.receipts);
    routingRows(*db, out.outcomes, owner, nowMs, out.applied, failed, &inserted);
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  applyVersionConflicts(out.outcomes, failed);
  return out;
}

Result<std::optional<StoredResource>> SqlStore::resource(const std::string& type,
                                                         const std::string& id,
                                                         const ReadScope& scope,
                                                         int64_t version) {
  ConnectionPool::Lease db = pool_->acquire();
  std::optional<StoredResource> out;
  Status st = guarded([&] {
    std::vector<SqlParam> p{SqlParam(type), SqlParam(id), SqlParam(Poco::Int64(version)),
                            SqlParam(Poco::Int64(version))};
    const std::string where = inScope(scope, p);
    p.emplace_back(scope.organization);
    auto rows = db->query(
        std::string("SELECT ") + kResourceColumns + " FROM fhir_resource r WHERE "
        "r.resource_type = ? AND r.id = ? AND (? = 0 OR r.version = ?) AND " + where +
            " ORDER BY CASE WHEN r.organization = ? THEN 0 ELSE 1 END, r.version DESC LIMIT 1",
        p);
    if (!rows.empty()) out = storedResourceFrom(rows[0]);
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<OutboxRow>> SqlStore::claimDeliveries(const std::string& owner, int limit,
                                                         int64_t nowMs, int64_t leaseMs) {
  ConnectionPool::Lease db = pool_->acquire();
  std::vector<OutboxRow> out;
  auto waiting = anyRow(*db, std::string(kDueDeliveries) + " LIMIT 1", params({nowMs, nowMs}));
  if (!waiting.ok()) return waiting.status();
  if (!waiting.value()) return out;
  Status st = inTransaction(*db, [&] {
    out.clear();
    auto due = db->query(std::string(kDueDeliveries) + " ORDER BY o.id LIMIT ?" + db->lockRows(),
                          params({nowMs, nowMs, Poco::Int64(limit)}));
    if (due.empty()) return Status::okStatus();
    std::vector<Poco::Int64> ids;
    for (const SqlRow& r : due) ids.push_back(integer(r[0]));
    const std::string list = idList(ids);
    db->exec("UPDATE delivery_outbox SET lease_owner = ?, lease_until_ms = ?, attempts = "
              "attempts + 1 WHERE id IN (" + list + ")",
              params({owner, nowMs + leaseMs}));
    auto rows = db->query(std::string("SELECT ") + kOutboxColumns +
                           ", " + std::string(kDeliveredContent) + " FROM delivery_outbox o JOIN pipeline_message m ON "
                           "m.id = o.message_id WHERE o.id IN (" + list + ") ORDER BY o.id");
    for (const SqlRow& r : rows) out.push_back(outboxWithCanonicalFrom(r));
    return Status::okStatus();
  }, Durability::Deferred);
  if (!st.ok()) return st;
  return out;
}

Result<int> SqlStore::recordDeliveries(const std::vector<DeliveryUpdate>& updates,
                                       const std::string& owner) {
  ConnectionPool::Lease db = pool_->acquire();
  int applied = 0;
  Status st = inTransaction(*db, [&] {
    applied = 0;
    inChunks(updates, [&](std::size_t from, std::size_t to) {
      std::vector<SqlParam> p;
      for (std::size_t k = from; k < to; ++k) {
        const DeliveryUpdate& u = updates[k];
        for (SqlParam v : {SqlParam(Poco::Int64(u.outboxId)), SqlParam(u.state),
                           SqlParam(Poco::Int64(u.nextAttemptMs)), SqlParam(u.lastError),
                           SqlParam(u.responseBody)}) {
          p.push_back(std::move(v));
        }
      }
      std::vector<SqlParam> ids;
      for (std::size_t k = from; k < to; ++k) ids.emplace_back(Poco::Int64(updates[k].outboxId));
      ids.emplace_back(owner);
      auto mine = db->query("SELECT COUNT(*) FROM delivery_outbox WHERE id IN (" +
                                 placeholders(to - from) + ") AND lease_owner = ?",
                             ids);
      applied += static_cast<int>(integer(mine[0][0]));
      p.emplace_back(owner);
      db->exec("UPDATE delivery_outbox SET state = v.state, next_attempt_ms = v.next_at, "
                "last_error = v.last_error, response_body = v.body, lease_owner = '', "
                "lease_until_ms = 0 FROM " +
                    db->valuesTable(to - from, {{"id", "BIGINT"}, {"state", "TEXT"},
                                                 {"next_at", "BIGINT"}, {"last_error", "TEXT"},
                                                 {"body", "TEXT"}}) +
                    " WHERE delivery_outbox.id = v.id AND delivery_outbox.lease_owner = ?",
                p);
    });
    return Status::okStatus();
  }, Durability::Deferred);
  if (!st.ok()) return st;
  return applied;
}

Result<std::optional<StoredMessage>> SqlStore::message(int64_t id) {
  ConnectionPool::Lease db = pool_->acquire();
  std::optional<StoredMessage> out;
  Status st = guarded([&] {
    auto rows = db->query(std::string("SELECT ") + kMessageColumns +
                               " FROM pipeline_message WHERE id = ?",
                           params({Poco::Int64(id)}));
    if (!rows.empty()) out = messageFrom(rows[0]);
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<OutboxRow>> SqlStore::outbox(const OutboxFilter& filter) {
  ConnectionPool::Lease db = pool_->acquire();
  std::vector<OutboxRow> out;
  Status st = guarded([&] {
    std::string sql = std::string("SELECT ") + kOutboxColumns +
                      " FROM delivery_outbox o JOIN pipeline_message m ON m.id = o.message_id "
                      "WHERE (? = '' OR o.state = ?) AND (? = '' OR o.destination = ?) "
                      "ORDER BY o.id LIMIT ?";
    auto rows = db->query(sql, params({filter.state, filter.state, filter.destination,
                                        filter.destination, Poco::Int64(filter.limit)}));
    for (const SqlRow& r : rows) out.push_back(outboxFrom(r));
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::optional<OutboxRow>> SqlStore::outboxRow(int64_t id) {
  ConnectionPool::Lease db = pool_->acquire();
  std::optional<OutboxRow> out;
  Status st = guarded([&] {
    auto rows = db->query(std::string("SELECT ") + kOutboxColumns +
                               ", " + std::string(kDeliveredContent) + " FROM delivery_outbox o JOIN pipeline_message m ON "
                               "m.id = o.message_id WHERE o.id = ?",
                           params({Poco::Int64(id)}));
    if (!rows.empty()) {
      out = outboxWithCanonicalFrom(rows[0]);
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Result<bool> SqlStore::retryNow(int64_t outboxId, int64_t nowMs) {
  ConnectionPool::Lease db = pool_->acquire();
  bool done = false;
  Status st = inTransaction(*db, [&] {
    auto rows = db->query("SELECT state FROM delivery_outbox WHERE id = ?",
                           params({Poco::Int64(outboxId)}));
    if (rows.empty()) return Status::okStatus();
    const std::string state = text(rows[0][0]);
    if (state != kRetrying && state != kDead) return Status::okStatus();
    db->exec("UPDATE delivery_outbox SET state = ?, next_attempt_ms = ? WHERE id = ?",
              params({std::string(kRetrying), nowMs, Poco::Int64(outboxId)}));
    done = true;
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return done;
}

Result<int64_t> SqlStore::replay(int64_t messageId, const std::string& destination,
                                 int64_t nowMs) {
  ConnectionPool::Lease db = pool_->acquire();
  int64_t id = 0;
  Status st = inTransaction(*db, [&] {
    auto rows = db->query("SELECT source, idempotency_key, state, canonical FROM pipeline_message "
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
    auto line = db->query("SELECT ordering_key FROM delivery_outbox WHERE message_id = ? ORDER BY id",
                           params({Poco::Int64(messageId)}));
    const std::string ordering =
        line.empty() ? "message-" + std::to_string(messageId) : text(line[0][0]);
    id = db->insert("INSERT INTO delivery_outbox (message_id, destination, ordering_key, "
                     "idempotency_key, state, next_attempt_ms, created_ms) VALUES (?, ?, ?, ?, ?, "
                     "?, ?)",
                     params({Poco::Int64(messageId), destination, ordering,
                             deliveryKey(text(rows[0][0]), text(rows[0][1]), destination, ""),
                             std::string(kQueued), nowMs, nowMs}));
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return id;
}

Result<std::vector<QueueStats>> SqlStore::queueStats() {
  ConnectionPool::Lease db = pool_->acquire();
  std::vector<QueueStats> out;
  Status st = guarded([&] {
    // Delivered rows are left out: they only grow, and would make every scrape a full scan
    // (renkei_deliveries_total counts them instead).
    auto rows = db->query("SELECT destination, state, COUNT(*), MIN(created_ms) FROM "
                           "delivery_outbox WHERE state IN ('QUEUED', 'RETRYING', 'HELD', 'DEAD') "
                           "GROUP BY destination, state ORDER BY destination, state");
    for (const SqlRow& r : rows) {
      out.push_back({text(r[0]), text(r[1]), integer(r[2]), integer(r[3])});
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Status SqlStore::releaseLeases(const std::string& owner) {
  ConnectionPool::Lease db = pool_->acquire();
  return inTransaction(*db, [&] {
    db->exec("UPDATE pipeline_message SET lease_owner = '', lease_until_ms = 0 WHERE lease_owner = ?",
              params({owner}));
    db->exec("UPDATE delivery_outbox SET lease_owner = '', lease_until_ms = 0 WHERE lease_owner = ?",
              params({owner}));
    return Status::okStatus();
  });
}

Result<int64_t> SqlStore::purgeRaw(int64_t cutoffMs) {
  ConnectionPool::Lease db = pool_->acquire();
  int64_t purged = 0;
  Status st = inTransaction(*db, [&] {
    auto rows = db->query(
        "SELECT r.sha256 FROM intake_raw r WHERE r.purged = 0 AND r.first_ms < ? AND NOT EXISTS "
        "(SELECT 1 FROM pipeline_message m WHERE m.sha256 = r.sha256 AND (m.received_ms >= ? OR "
        "m.state = 'RECEIVED' OR EXISTS (SELECT 1 FROM delivery_outbox o WHERE o.message_id = m.id "
        "AND o.state IN ('QUEUED', 'RETRYING'))))",
        params({cutoffMs, cutoffMs}));
    for (const SqlRow& r : rows) {
      const std::string sha = text(r[0]);
      db->exec("UPDATE intake_raw SET bytes = NULL, purged = 1 WHERE sha256 = ?", params({sha}));
      db->exec("UPDATE pipeline_message SET canonical = '' WHERE sha256 = ?", params({sha}));
      ++purged;
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return purged;
}

Result<std::vector<StoredResource>> SqlStore::search(const std::string& type,
                                                    const ReadScope& scope,
                                                    const std::vector<SearchCriterion>& criteria,
                                                    int64_t count, int64_t offset, int64_t& total) {
  ConnectionPool::Lease db = pool_->acquire();
  std::vector<StoredResource> out;
  Status st = guarded([&] {
    std::vector<SqlParam> p{SqlParam(type)};
    std::string where = " FROM fhir_resource r WHERE r.resource_type = ? AND r.current = 1 AND "
                        "r.content <> '' AND " + inScope(scope, p);
    for (const SearchCriterion& c : criteria) {
      if (c.param == "_id") {
        where += " AND r.id = ?";
        p.emplace_back(c.value);
        continue;
      }
      if (c.op == "in") {
        if (c.values.empty()) {
          where += " AND 1 = 0";
          continue;
        }
        where += " AND EXISTS (SELECT 1 FROM fhir_search s WHERE s.resource_type = "
                 "r.resource_type AND s.organization = r.organization AND s.id = r.id AND "
                 "s.version = r.version AND s.param = ? AND s.value IN (" +
                 placeholders(c.values.size()) + "))";
        p.emplace_back(c.param);
        for (const std::string& v : c.values) p.emplace_back(v);
        continue;
      }
      std::string op = c.op == "prefix" ? "LIKE" : c.op;
      if (op != "LIKE" && op != "=" && op != ">=" && op != "<=" && op != ">" && op != "<") op = "=";
      where += " AND EXISTS (SELECT 1 FROM fhir_search s WHERE s.resource_type = r.resource_type "
               "AND s.organization = r.organization AND s.id = r.id AND s.version = r.version "
               "AND s.param = ? AND s.value " + op + " ?)";
      p.emplace_back(c.param);
      std::string value = c.value;
      if (op == "LIKE") {
        std::string escaped;
        for (char ch : value) {
          if (ch == '%' || ch == '_' || ch == '\\') continue;  // wildcards are not search syntax
          escaped += ch;
        }
        value = escaped + "%";
      }
      p.emplace_back(value);
    }
    auto counted = db->query("SELECT COUNT(*)" + where, p);
    total = counted.empty() ? 0 : integer(counted[0][0]);
    p.emplace_back(Poco::Int64(count));
    p.emplace_back(Poco::Int64(offset));
    for (const SqlRow& r : db->query(std::string("SELECT ") + kResourceColumns + where +
                                         " ORDER BY r.id LIMIT ? OFFSET ?",
                                     p)) {
      out.push_back(storedResourceFrom(r));
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

int SqlStore::schemaVersion() {
  ConnectionPool::Lease db = pool_->acquire();
  int version = 0;
  Status st = guarded([&] {
    auto rows = db->query("SELECT MAX(version) FROM store_schema");
    if (!rows.empty()) version = static_cast<int>(integer(rows[0][0]));
    return Status::okStatus();
  });
  return st.ok() ? version : -1;
}

}  // namespace renkei::store
