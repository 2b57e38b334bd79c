// Which notifications are urgent, which facts are the same, tokens and acknowledgements (see
// notifications.h).
#include <algorithm>
#include <chrono>
#include <random>

#include "renkei/care/notifications.h"
#include "renkei/core/civil_date.h"
#include "renkei/core/digest.h"
#include "renkei/fhir/each_resource.h"

namespace renkei::care {
namespace {

/// The date part of a FHIR date or dateTime ("2026-12-06T10:00:00+09:00" → "2026-12-06").
std::string datePart(const std::string& when) { return when.substr(0, std::min<size_t>(10, when.size())); }

/// "YYYY-MM-DD" plus `days`, for comparing event dates with today.
std::string addDays(const std::string& date, int days) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(date.c_str(), "%d-%d-%d", &y, &m, &d) != 3) return date;
  int64_t year = 0;
  civilFromDays(daysFromCivil(y, m, d) + days, year, m, d);
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", static_cast<int>(year), m, d);
  return text;
}

bool listed(const std::vector<std::string>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace

Urgency classify(const routing::MessageFacts& facts, const NotifyPolicy& policy,
                 const std::string& today) {
  for (std::string_view e : routing::eventNames(facts)) {
    if (listed(policy.urgentEvents, e)) return {true, "event " + std::string(e) + " is urgent"};
  }
  if (policy.urgentPriority && facts.urgentPriority) {
    return {true, "a resource has priority urgent, asap or stat"};
  }
  if (policy.urgentDischargeDays >= 0 && facts.event == routing::EventKind::Discharge) {
    const std::string date = datePart(facts.eventDate);
    const std::string limit = addDays(today, policy.urgentDischargeDays);
    if (date.empty()) return {true, "a discharge without a date"};
    if (date <= limit) return {true, "discharge on " + date + " (not after " + limit + ")"};
  }
  return {false, "routine"};
}

std::string factKey(const routing::MessageFacts& facts, const CareRecipient& member,
                    const std::string& destination, const std::string& today) {
  const std::string event = facts.death ? "death" : std::string(routing::eventKindName(facts.event));
  const std::string date = facts.eventDate.empty() ? today : datePart(facts.eventDate);
  return "fact-" + sha256Hex(destination + '\n' + member.organization + ':' + member.member + '\n' +
                             member.assertedBy + '\n' + event + '\n' + date)
                       .substr(0, 40);
}

std::string newNotificationToken() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  char text[48];
  std::snprintf(text, sizeof text, "%012llx%016llx%04x",
                static_cast<unsigned long long>(ms) & 0xffffffffffffULL,
                static_cast<unsigned long long>(random()), static_cast<unsigned>(random() & 0xffff));
  return text;
}

std::vector<std::string> acknowledgedTokens(const fhir::Node& root) {
  std::vector<std::string> tokens;
  auto visit = [&](const fhir::Node& r) {
    if (r.resourceType != "Task") return;
    const std::string_view status = r.childValue("status");
    if (status != "completed" && status != "accepted") return;
    for (const fhir::Node& c : r.children()) {
      if (c.name != "identifier" || c.childValue("system") != kNotificationSystem) continue;
      const std::string_view value = c.childValue("value");
      if (!value.empty() && value.size() <= 64) tokens.emplace_back(value);
    }
  };
  fhir::eachResource(root, visit);
  return tokens;
}

}  // namespace renkei::care
