// Consent evaluation (see consent.h).
#include "renkei/care/consent.h"

#include <algorithm>

namespace renkei::care {
namespace {

bool within(const std::string& start, const std::string& end, const std::string& today) {
  if (!start.empty() && today < start.substr(0, 10)) return false;
  if (!end.empty() && today > end.substr(0, 10)) return false;
  return true;
}

}  // namespace

bool ConsentPolicy::requiresConsent(const std::string& patientWard,
                                    const std::string& recipientWard) const {
  if (!patientWard.empty() && patientWard == recipientWard) return false;
  auto it = wards.find(patientWard);
  return it != wards.end() ? it->second : requireOutsideWard;
}

ConsentDecision evaluateConsents(const std::vector<const ParsedConsent*>& consents,
                                 const std::vector<std::string>& actorKeys, const std::string& today) {
  std::vector<const ParsedConsent*> newestFirst = consents;
  std::stable_sort(newestFirst.begin(), newestFirst.end(),
                   [](const ParsedConsent* a, const ParsedConsent* b) { return a->dateTime > b->dateTime; });
  for (const ParsedConsent* c : newestFirst) {
    if (!within(c->start, c->end, today)) continue;
    for (const ParsedConsent::ActorRule& rule : c->rules) {
      if (!within(rule.start, rule.end, today)) continue;
      const bool named = std::any_of(rule.actors.begin(), rule.actors.end(), [&](const std::string& a) {
        return std::find(actorKeys.begin(), actorKeys.end(), a) != actorKeys.end();
      });
      if (!named) continue;
      if (rule.permit) return {ConsentVerdict::Permit, c->reference, ""};
      return {ConsentVerdict::Deny, c->reference, c->reference + " denies this recipient"};
    }
    if (c->basePermit) return {ConsentVerdict::Permit, c->reference, ""};
    return {ConsentVerdict::Deny, c->reference, c->reference + " permits only the recipients it names"};
  }
  return {};
}

}  // namespace renkei::care
