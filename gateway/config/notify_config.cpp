// A care-team route's "notify" object (see docs/care-routing.md, Notifications): which events are
// urgent, how long an acknowledgement may take, who is told when it does not come, and when the
// daily digests go out.
#include "notify_config.h"

#include <cstdio>

#include "renkei/pipeline/adapter_registry.h"
#include "renkei/routing/router.h"

namespace renkei::config {

std::optional<care::NotifyPolicy> notifyPolicy(const rapidjson::Value& route, const std::string& at,
                                               const std::set<std::string>& sinkNames,
                                               std::vector<ConfigError>& errors) {
  auto it = route.FindMember("notify");
  if (it == route.MemberEnd() || !it->value.IsObject()) return std::nullopt;
  const rapidjson::Value& n = it->value;
  const std::string here = at + "/notify";
  care::NotifyPolicy policy;
  if (n.HasMember("urgent_events")) policy.urgentEvents = pipeline::configStrings(n, "urgent_events");
  for (std::size_t k = 0; k < policy.urgentEvents.size(); ++k) {
    if (!routing::isEventName(policy.urgentEvents[k])) {
      errors.push_back({here + "/urgent_events/" + std::to_string(k),
                        "unknown event '" + policy.urgentEvents[k] + "' (one of " +
                            routing::kEventNames + ")"});
    }
  }
  policy.urgentDischargeDays =
      static_cast<int>(pipeline::configInt(n, "urgent_discharge_days", policy.urgentDischargeDays));
  policy.urgentPriority = pipeline::configBool(n, "urgent_priority", policy.urgentPriority);
  auto ack = n.FindMember("ack_minutes");
  if (ack != n.MemberEnd()) {
    if (!ack->value.IsNumber() || ack->value.GetDouble() <= 0) {
      errors.push_back({here + "/ack_minutes", "must be a number of minutes above 0"});
    } else {
      policy.ackMs = static_cast<int64_t>(ack->value.GetDouble() * 60'000);
    }
  }
  policy.escalateTo = pipeline::configStrings(n, "escalate_to");
  for (std::size_t k = 0; k < policy.escalateTo.size(); ++k) {
    if (!sinkNames.count(policy.escalateTo[k])) {
      errors.push_back({here + "/escalate_to/" + std::to_string(k),
                        "no sink named '" + policy.escalateTo[k] + "'"});
    }
  }
  const std::string digestAt = pipeline::configString(n, "digest_at", "17:00");
  int hour = -1, minute = -1;
  char extra = 0;
  if (std::sscanf(digestAt.c_str(), "%d:%d%c", &hour, &minute, &extra) != 2 || hour < 0 ||
      hour > 23 || minute < 0 || minute > 59) {
    errors.push_back({here + "/digest_at", "must be a local time HH:MM, not '" + digestAt + "'"});
  } else {
    policy.digestMinuteOfDay = hour * 60 + minute;
  }
  return policy;
}

}  // namespace renkei::config
