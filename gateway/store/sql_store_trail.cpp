// Who saw which patient's data and why (see Store::patientTrail): each routed message's patient
// identifiers (message_patient, written with the routing), and each read's messages (audit_view,
// written with the API audit records); the trail joins them with the messages, their deliveries
// and notifications.
#include <set>

#include "sql_statements.h"
#include "sql_store.h"

namespace renkei::store {

void SqlStore::patientRows(SqlDatabase& db, const std::vector<RoutingOutcome>& outcomes,
                           const std::vector<std::size_t>& applied) {
  std::vector<SqlParam> rows;
  for (std::size_t i : applied) {
    for (const std::string& id : outcomes[i].patientIdentifiers) {
      const std::size_t bar = id.find('|');
      rows.emplace_back(Poco::Int64(outcomes[i].messageId));
      rows.emplace_back(bar == std::string::npos ? std::string() : id.substr(0, bar));
      rows.emplace_back(bar == std::string::npos ? id : id.substr(bar + 1));
    }
  }
  for (std::size_t at = 0; at < rows.size(); at += kChunk * 3) {
    const std::size_t end = std::min(rows.size(), at + kChunk * 3);
    db.exec("INSERT INTO message_patient (message_id, system, value) VALUES " +
                valueRows((end - at) / 3, 3),
            std::vector<SqlParam>(rows.begin() + at, rows.begin() + end));
  }
}

Result<PatientTrail> SqlStore::patientTrail(const std::string& system, const std::string& value,
                                            int64_t limit) {
  ConnectionPool::Lease db = pool_->acquire();
  PatientTrail trail;
  Status st = guarded([&] {
    std::vector<Poco::Int64> ids;
    for (const SqlRow& r : db->query("SELECT DISTINCT message_id FROM message_patient WHERE "
                                     "value = ? AND (? = '' OR system = ?) ORDER BY message_id "
                                     "DESC LIMIT ?",
                                     {value, system, system, Poco::Int64(limit + 1)})) {
      ids.push_back(integer(r[0]));
    }
    // The registry's decisions about the patient's records (a record is its identifier).
    for (const SqlRow& r : db->query(std::string("SELECT ") + kMatchEventColumns +
                                         " FROM match_event WHERE record = ? OR (? = '' AND "
                                         "record LIKE ?) ORDER BY id",
                                     {system + "|" + value, system, "%|" + value})) {
      trail.matches.push_back(matchEventFrom(r));
    }
    trail.truncated = static_cast<int64_t>(ids.size()) > limit;
    if (trail.truncated) ids.pop_back();
    if (ids.empty()) return Status::okStatus();
    const std::string list = idList(ids);
    for (const SqlRow& r : db->query(std::string("SELECT ") + kMessageColumns +
                                     " FROM pipeline_message WHERE id IN (" + list + ") ORDER BY id")) {
      trail.messages.push_back(messageFrom(r));
    }
    for (const SqlRow& r : db->query(std::string("SELECT ") + kNotificationColumns +
                                     " FROM care_notification WHERE message_id IN (" + list +
                                     ") ORDER BY id")) {
      trail.notifications.push_back(notificationFrom(r));
    }
    // The digests and escalations carrying its notifications are deliveries of other messages.
    std::vector<SqlParam> digests, escalations;
    for (const NotificationRow& n : trail.notifications) {
      if (n.state == kDigested) digests.emplace_back(n.deliveryKey);
      if (n.urgent) escalations.emplace_back("notification-" + std::to_string(n.id));
    }
    std::string carried;
    if (!digests.empty()) carried += " OR o.idempotency_key IN (" + placeholders(digests.size()) + ")";
    if (!escalations.empty()) {
      carried += " OR o.ordering_key IN (" + placeholders(escalations.size()) + ")";
    }
    std::vector<SqlParam> carriers = digests;
    carriers.insert(carriers.end(), escalations.begin(), escalations.end());
    std::set<Poco::Int64> seen;
    for (const SqlRow& r : db->query(std::string("SELECT ") + kOutboxColumns +
                                         " FROM delivery_outbox o JOIN pipeline_message m ON m.id "
                                         "= o.message_id WHERE o.message_id IN (" + list + ")" +
                                         carried + " ORDER BY o.id",
                                     carriers)) {
      if (seen.insert(integer(r[0])).second) trail.deliveries.push_back(outboxFrom(r));
    }
    for (const SqlRow& r : db->query("SELECT at_ms, source, client, organization, method, path, "
                                     "status, message_id FROM audit_view WHERE message_id IN (" +
                                     list + ") ORDER BY at_ms")) {
      trail.views.push_back({integer(r[0]), text(r[1]), text(r[2]), text(r[3]), text(r[4]),
                             text(r[5]), static_cast<int>(integer(r[6])), integer(r[7])});
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return trail;
}

}  // namespace renkei::store
