// What a patient agreed to, read from FHIR Consent resources (every organization's): whether one
// recipient may receive the patient's data now. A provision naming the recipient (its
// PractitionerRole, Practitioner or Organization) decides over the Consent's base rule; among
// Consents the newest decides. Without any, the ward's policy decides (ConsentPolicy).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace renkei::care {

enum class ConsentVerdict { Permit, Deny, NoConsent };

struct ConsentDecision {
  ConsentVerdict verdict = ConsentVerdict::NoConsent;
  std::string consent;  ///< "organization:Consent/id" that decided, when one did
  std::string reason;   ///< for operators: why a delivery is held
};

/// One Consent as evaluated: its base rule and the provisions naming actors.
struct ParsedConsent {
  std::string reference;  ///< "organization:Consent/id"
  std::string dateTime;   ///< Consent.dateTime, else when it was stored (ISO)
  std::string start, end; ///< provision.period (ISO dates; empty: open)
  bool basePermit = true;
  struct ActorRule {
    bool permit = true;
    std::vector<std::string> actors;  ///< directory keys the provision names
    std::string start, end;
  };
  std::vector<ActorRule> rules;
};

/// How deliveries without a Consent are treated, per patient ward (config "consent").
struct ConsentPolicy {
  /// true: a recipient outside the patient's municipality needs a permitting Consent.
  bool requireOutsideWard = false;
  std::map<std::string, bool> wards;  ///< 団体コード → requireOutsideWard for that ward's patients
  bool requiresConsent(const std::string& patientWard, const std::string& recipientWard) const;
};

/// The verdict of `consents` (one patient's) for a recipient known by `actorKeys` on `today`.
ConsentDecision evaluateConsents(const std::vector<const ParsedConsent*>& consents,
                                 const std::vector<std::string>& actorKeys, const std::string& today);

}  // namespace renkei::care
