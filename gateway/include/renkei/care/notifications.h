// Notifications to a patient's care team (a care-team route's "notify"): which events are urgent
// (sent at once, acknowledged by the recipient, escalated to a named fallback when not) and which
// routine (gathered into one digest per recipient a day); the fact key that makes one event told
// by two sources one notification; and what the recipient gets (FHIR Communication and Task, in
// Japanese, with the sender and whom to call).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "renkei/care/care_directory.h"
#include "renkei/fhir/node.h"
#include "renkei/routing/message_facts.h"

namespace renkei::care {

/// The identifier system of a notification's token (Communication, Task and acknowledgements).
inline constexpr const char* kNotificationSystem = "https://fhir.renkei.jp/sid/notification";

struct NotifyPolicy {
  std::vector<std::string> urgentEvents{"death", "transfer"};  ///< route event names
  /// A discharge on or before today + this many days is urgent ("discharge tomorrow"); -1: never.
  int urgentDischargeDays = 1;
  bool urgentPriority = true;  ///< a resource with priority urgent, asap or stat (緊急往診 …)
  int64_t ackMs = 120 * 60'000;  ///< an urgent notification not acknowledged by then escalates
  std::vector<std::string> escalateTo;  ///< the sinks told then (a named fallback, a desk)
  int digestMinuteOfDay = 17 * 60;      ///< the local time the daily digests go out
};

struct Urgency {
  bool urgent = false;
  std::string why;  ///< for the routing record and the recipient
};

/// Whether the message's event is urgent under `policy`, `today` being the local date.
Urgency classify(const routing::MessageFacts& facts, const NotifyPolicy& policy,
                 const std::string& today);

/// The fact a message tells one recipient: the event, its date (`today` when the message gives
/// none) and the care team statement that makes the member the patient's, through one channel.
std::string factKey(const routing::MessageFacts& facts, const CareRecipient& member,
                    const std::string& destination, const std::string& today);

/// A new token (32 hex digits): the time in milliseconds, then 80 random bits (new tokens sort
/// last, so the store's index on them grows at one end).
std::string newNotificationToken();

/// What a digest, an escalation and the recipient's text are written from (JSON): the event,
/// the patient (name, birth date, identifiers, ward), the sender and whom to call, the recipient.
std::string notificationSummary(const fhir::Node& root, const routing::MessageFacts& facts,
                                const CareRecipient& member, const Urgency& urgency);

/// One line of Japanese for a person: 「退院 山田 太郎 様 (2026-12-06) 送信元: … 連絡先: …」.
std::string summaryText(const std::string& summaryJson);

/// The notification a recipient gets for an urgent event: a collection Bundle of a Communication
/// (the text, the sender, the token), a Task asking for acknowledgement by `dueMs`, and the
/// message's resources.
std::string urgentNotificationBundle(const std::string& canonicalJson, const std::string& summaryJson,
                                     const std::string& token, int64_t dueMs, int64_t nowMs);
/// One recipient's daily digest: a Communication listing every item, then one per item.
std::string digestBundle(const std::vector<std::string>& summaries,
                         const std::vector<std::string>& tokens, int64_t nowMs);
/// The escalation of an urgent notification nobody acknowledged, for its fallback.
std::string escalationBundle(const std::string& summaryJson, const std::string& token,
                             int64_t sentMs, int64_t nowMs);

/// The tokens a message acknowledges: Tasks with a kNotificationSystem identifier whose status
/// is completed or accepted.
std::vector<std::string> acknowledgedTokens(const fhir::Node& root);

}  // namespace renkei::care
