// Notifications in the pipeline (see notification_rounds.h).
#include "renkei/pipeline/notification_rounds.h"

#include <set>

#include <rapidjson/document.h>

#include "renkei/care/notifications.h"
#include "renkei/core/digest.h"
#include "renkei/core/json_fields.h"
#include "renkei/core/json_log.h"
#include "renkei/core/time_text.h"

namespace renkei::pipeline {

void planNotification(store::PlannedDelivery& planned, const routing::RoutedDelivery::Notice& notice,
                      const fhir::Node& root, const routing::MessageFacts& facts,
                      const std::string& canonical, const std::string& today, int64_t nowMs) {
  const care::NotifyPolicy& policy = *notice.policy;
  store::NotificationPlan n;
  n.factKey = care::factKey(facts, notice.member, planned.destination, today);
  n.token = care::newNotificationToken();
  n.urgent = notice.urgency.urgent;
  n.dueMs = n.urgent ? nowMs + policy.ackMs
                     : nextLocalTime(nowMs, policy.digestMinuteOfDay);
  for (const std::string& sink : policy.escalateTo) {
    n.escalateTo += (n.escalateTo.empty() ? "" : ",") + sink;
  }
  n.recipientOrganization = notice.member.organization;
  n.summary = care::notificationSummary(root, facts, notice.member, notice.urgency);
  if (n.urgent) {
    planned.payload = care::urgentNotificationBundle(canonical, n.summary, n.token, n.dueMs, nowMs);
  }
  planned.notification = std::move(n);
}

namespace {

constexpr const char* kEscalationKeyPrefix = "rk-esc-";
constexpr const char* kDigestKeyPrefix = "rk-digest-";

/// The most items one digest lists (a recipient with more gets the rest in a second one).
constexpr int kMaxDigestItems = 5000;

std::vector<std::string> splitCommas(const std::string& list) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < list.size()) {
    const std::size_t comma = list.find(',', at);
    const std::size_t end = comma == std::string::npos ? list.size() : comma;
    if (end > at) out.push_back(list.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

/// Why consent holds this notification back now ("" : it may go), from its summary.
std::string consentHold(const care::CareDirectory* care, const store::NotificationRow& n) {
  if (care == nullptr) return "";
  rapidjson::Document summary;
  summary.Parse(n.summary.c_str());
  const rapidjson::Value* patient = json::member(summary, "patient");
  if (patient == nullptr) return "";
  std::vector<std::string> identifiers;
  json::each(*patient, "identifiers", [&](const rapidjson::Value& v) {
    if (v.IsString()) identifiers.emplace_back(v.GetString());
  });
  return care->holdReason(identifiers, json::str(*patient, "ward"),
                          care->recipientFromJson(n.recipient));
}

Status escalate(store::Store& store, const store::NotificationRow& n, int64_t nowMs) {
  std::vector<store::NewDelivery> deliveries;
  for (const std::string& sink : splitCommas(n.escalateTo)) {
    store::NewDelivery d;
    d.messageId = n.messageId;
    d.destination = sink;
    d.orderingKey = "notification-" + std::to_string(n.id);
    d.idempotencyKey = kEscalationKeyPrefix + sha256Hex(n.token + '\n' + sink).substr(0, 32);
    d.recipient = n.recipient;
    d.payload = care::escalationBundle(n.summary, n.token, n.createdMs, nowMs);
    deliveries.push_back(std::move(d));
  }
  auto escalated = store.escalateNotification(n.id, deliveries, nowMs);
  if (!escalated.ok()) return escalated.status();
  if (escalated.value()) {
    JsonLog::write(LogLevel::Warn, "notification_escalated",
                   {{"notification", std::to_string(n.id)},
                    {"to", n.escalateTo.empty() ? "(no fallback configured)" : n.escalateTo}});
  }
  return Status::okStatus();
}

/// One recipient's digest of `items`, without those consent does not allow now (they wait for
/// the next digest).
Status sendDigest(store::Store& store, const care::CareDirectory* care,
                  const std::vector<store::NotificationRow>& items, int digestMinuteOfDay,
                  int64_t nowMs) {
  store::NewDelivery d;
  std::vector<int64_t> ids, postponed;
  std::vector<std::string> summaries, tokens;
  for (const store::NotificationRow& n : items) {
    if (!consentHold(care, n).empty()) {
      postponed.push_back(n.id);
      continue;
    }
    ids.push_back(n.id);
    summaries.push_back(n.summary);
    tokens.push_back(n.token);
    d.messageId = std::max(d.messageId, n.messageId);
  }
  if (!postponed.empty()) {
    RENKEI_RETURN_IF_ERROR(
        store.postponeNotifications(postponed, nextLocalTime(nowMs, digestMinuteOfDay)));
  }
  if (ids.empty()) return Status::okStatus();
  d.destination = items.front().destination;
  d.recipient = items.front().recipient;
  d.orderingKey = "digest-" + sha256Hex(d.destination + '\n' + d.recipient).substr(0, 24);
  d.idempotencyKey =
      kDigestKeyPrefix + sha256Hex(tokens.front() + '\n' + localDateAt(nowMs)).substr(0, 32);
  d.payload = care::digestBundle(summaries, tokens, nowMs);
  auto digested = store.digestNotifications(ids, d, nowMs);
  return digested.ok() ? Status::okStatus() : digested.status();
}

}  // namespace

bool carriesCheckedNotifications(const store::OutboxRow& row) {
  return row.idempotencyKey.rfind(kEscalationKeyPrefix, 0) == 0 ||
         row.idempotencyKey.rfind(kDigestKeyPrefix, 0) == 0;
}

Result<int> sendDueNotifications(store::Store& store, const care::CareDirectory* care,
                                 int digestMinuteOfDay, int64_t nowMs) {
  auto due = store.dueNotifications(nowMs, 1000);
  if (!due.ok()) return due.status();
  std::set<std::pair<std::string, std::string>> recipients;
  int handled = 0;
  for (const store::NotificationRow& n : due.value()) {
    if (n.state == store::kAwaiting) {
      RENKEI_RETURN_IF_ERROR(escalate(store, n, nowMs));
      ++handled;
    } else {
      recipients.insert({n.destination, n.recipient});
    }
  }
  for (const auto& [destination, recipient] : recipients) {
    auto items = store.dueDigest(destination, recipient, nowMs, kMaxDigestItems);
    if (!items.ok()) return items.status();
    handled += static_cast<int>(items->size());
    RENKEI_RETURN_IF_ERROR(sendDigest(store, care, items.value(), digestMinuteOfDay, nowMs));
  }
  return handled;
}

}  // namespace renkei::pipeline
