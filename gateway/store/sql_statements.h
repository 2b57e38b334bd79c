// Helpers shared by the store's implementation files: multi-row SQL statements with `?`
// placeholders, and reading pipeline_message, fhir_resource (within an organization's read
// scope), delivery_outbox and care_notification rows.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "renkei/core/digest.h"
#include "renkei/store/store.h"
#include "sql_database.h"

namespace renkei::store {

/// The idempotency key of a message's delivery to a destination (and recipient).
inline std::string deliveryKey(const std::string& source, const std::string& key,
                               const std::string& destination, const std::string& recipient) {
  const std::string to = recipient.empty() ? destination : destination + '\n' + recipient;
  return "rk-" + sha256Hex(source + '\n' + key + '\n' + to).substr(0, 32);
}

/// "(?, ?, …)" with `columns` placeholders, repeated `rows` times and comma-separated.
inline std::string valueRows(std::size_t rows, std::size_t columns) {
  std::string row = "(";
  for (std::size_t c = 0; c < columns; ++c) row += c == 0 ? "?" : ", ?";
  row += ")";
  std::string out;
  for (std::size_t r = 0; r < rows; ++r) out += (r == 0 ? "" : ", ") + row;
  return out;
}

/// "?, ?, …" with `n` placeholders.
inline std::string placeholders(std::size_t n) { return valueRows(1, n).substr(1, n * 3 - 2); }

/// Rows per multi-row statement: well under SQLite's and PostgreSQL's parameter limits.
inline constexpr std::size_t kChunk = 200;

/// Calls body(from, to) for consecutive slices of at most kChunk items.
template <typename T, typename F>
void inChunks(const std::vector<T>& items, F&& body) {
  for (std::size_t at = 0; at < items.size(); at += kChunk) {
    body(at, std::min(items.size(), at + kChunk));
  }
}

/// The columns of pipeline_message that make a StoredMessage, in messageFrom's order.
inline constexpr const char* kMessageColumns =
    "id, source, sender, name, idempotency_key, sha256, received_ms, state, error, routing, "
    "duplicates, write_intent";

inline StoredMessage messageFrom(const SqlRow& r) {
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
  m.writeIntent = text(r[11]);
  return m;
}

/// The columns of fhir_resource that make a StoredResource, in storedResourceFrom's order.
inline constexpr const char* kResourceColumns =
    "r.resource_type, r.id, r.version, r.organization, r.message_id, r.updated_ms, r.content";

/// "(r.organization = ? OR <a message of r was routed to one of the scope's destinations>)",
/// with its parameters appended to `p`.
inline std::string inScope(const ReadScope& scope, std::vector<SqlParam>& p) {
  if (scope.everyOrganization) return "1 = 1";
  p.emplace_back(scope.organization);
  if (scope.destinations.empty()) return "r.organization = ?";
  for (const std::string& d : scope.destinations) p.emplace_back(d);
  return "(r.organization = ? OR EXISTS (SELECT 1 FROM delivery_outbox o WHERE o.message_id = "
         "r.message_id AND o.destination IN (" + placeholders(scope.destinations.size()) + ")))";
}


inline StoredResource storedResourceFrom(const SqlRow& r) {
  return {text(r[0]), text(r[1]), integer(r[2]), text(r[3]), integer(r[4]), integer(r[5]), text(r[6])};
}

/// A delivery_outbox row selected as kOutboxColumns (joined with its message as m).
inline OutboxRow outboxFrom(const SqlRow& r) {
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
  o.sender = text(r[14]);
  o.writeIntent = text(r[15]);
  o.recipient = text(r[16]);
  return o;
}
inline constexpr const char* kOutboxColumns =
    "o.id, o.message_id, o.destination, o.ordering_key, o.idempotency_key, o.state, o.attempts, "
    "o.next_attempt_ms, o.created_ms, o.last_error, o.response_body, o.lease_owner, "
    "o.lease_until_ms, m.received_ms, m.sender, m.write_intent, o.recipient";
/// What a delivery's sink gets: its own payload, or its message's canonical content.
inline constexpr const char* kDeliveredContent =
    "CASE WHEN o.payload <> '' THEN o.payload ELSE m.canonical END";
/// Where kDeliveredContent after kOutboxColumns lands in a row.
inline constexpr std::size_t kCanonicalAfterOutboxColumns = 17;

/// A row selected as kOutboxColumns followed by kDeliveredContent.
inline OutboxRow outboxWithCanonicalFrom(const SqlRow& r) {
  OutboxRow o = outboxFrom(r);
  o.canonical = text(r[kCanonicalAfterOutboxColumns]);
  return o;
}

/// The columns of care_notification that make a NotificationRow, in notificationFrom's order.
inline constexpr const char* kNotificationColumns =
    "id, message_id, fact_key, token, destination, recipient, recipient_org, state, urgent, "
    "due_ms, created_ms, acked_ms, acked_by, escalate_to, summary, delivery_key";

inline NotificationRow notificationFrom(const SqlRow& r) {
  NotificationRow n;
  n.id = integer(r[0]);
  n.messageId = integer(r[1]);
  n.factKey = text(r[2]);
  n.token = text(r[3]);
  n.destination = text(r[4]);
  n.recipient = text(r[5]);
  n.recipientOrganization = text(r[6]);
  n.state = text(r[7]);
  n.urgent = integer(r[8]) != 0;
  n.dueMs = integer(r[9]);
  n.createdMs = integer(r[10]);
  n.ackedMs = integer(r[11]);
  n.ackedBy = text(r[12]);
  n.escalateTo = text(r[13]);
  n.summary = text(r[14]);
  n.deliveryKey = text(r[15]);
  return n;
}

/// The columns of match_event that make a MatchEvent, in matchEventFrom's order.
inline constexpr const char* kMatchEventColumns =
    "id, at_ms, organization, record, action, person, actor, score, message_id";

inline MatchEvent matchEventFrom(const SqlRow& r) {
  return {integer(r[0]), integer(r[1]), text(r[2]), text(r[3]), text(r[4]),
          text(r[5]),    text(r[6]),    integer(r[7]), integer(r[8])};
}

/// "1,2,3": ids for an IN list (numbers only, never values from outside).
inline std::string idList(const std::vector<Poco::Int64>& ids) {
  std::string out;
  for (Poco::Int64 id : ids) {
    if (!out.empty()) out += ',';
    out += std::to_string(id);
  }
  return out;
}

}  // namespace renkei::store
