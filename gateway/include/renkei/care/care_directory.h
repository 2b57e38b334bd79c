// Who cares for whom, and how each of them is reached: a snapshot of the store's CareTeam
// resources (every organization's) joined with the directory (PractitionerRole, Practitioner,
// Organization, Endpoint). A care-team member's channel is the configured sink its Endpoint
// names (identifier system kChannelSystem); a member without one is reported, not dropped.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "renkei/care/consent.h"
#include "renkei/care/stated_care_team.h"
#include "renkei/store/store.h"

namespace renkei::care {

/// The identifier system of an Endpoint whose value names the gateway sink (channel) that
/// reaches it: a fhir_rest sink to that clinic, the ward's csv_folder, the fax_sheet sink.
inline constexpr std::string_view kChannelSystem = "https://fhir.renkei.jp/sid/channel";

/// The local date (YYYY-MM-DD) that memberships' and consents' periods are compared with.
std::string today();

/// One member of a patient's care team as routing sees it.
struct CareRecipient {
  std::string role;          ///< a care_roles.h code
  std::string member;        ///< "PractitionerRole/x", "Organization/x" or "Practitioner/x"
  std::string organization;  ///< the organization whose id space `member` is in
  std::string display;       ///< who: a person's and/or an organization's name
  std::string channel;       ///< the sink that reaches them; empty when none
  std::string address;       ///< the Endpoint's address (URL, tel: fax number …)
  std::string problem;       ///< why there is no channel
  std::string assertedBy;    ///< "organization:CareTeam/id": who said so
  int64_t assertedMs = 0;    ///< when that CareTeam version was stored
  std::string municipality;  ///< 団体コード of the member's organization's address, when known
  /// Directory keys a Consent may name this member by: itself, its organization, its person.
  std::vector<std::string> actorKeys;

  /// The delivery's recipient text (compact JSON, stable for the same member and channel).
  std::string recipientJson() const;
};

/// "role: who" of a delivery's recipient (CareRecipient::recipientJson) for people, with
/// " (organization)" when asked; "" when it is not one.
std::string recipientLabel(const std::string& recipientJson, bool withOrganization = false);

/// Whose care-team statements count (config "care.trust"). Open (no trust section): every
/// organization's. Otherwise a CareTeam written by one of `assertors` (the patient's hospital,
/// care office, the municipality) counts for every member it names; one written by another
/// organization counts only for members of its own (it says "we care for this patient"), and only
/// as `selfAssertion` allows.
struct TrustPolicy {
  enum class SelfAssertion { Allow, Confirmed, Ignore };
  bool open = true;
  std::set<std::string> assertors;
  /// Confirmed: counts when an assertor's CareTeam of the same patient names a member of that
  /// organization too.
  SelfAssertion selfAssertion = SelfAssertion::Confirmed;
};

/// A folder name for one recipient (CareRecipient::recipientJson): "<organization>_<Type>-<id>"
/// with every character outside [A-Za-z0-9._-] replaced, so a name from the directory never
/// leaves the sink's folder.
std::string recipientFolderName(const std::string& recipientJson);

/// The resources a snapshot is built from (current versions, every organization's).
struct DirectoryResources {
  std::vector<store::StoredResource> careTeams, practitionerRoles, practitioners, organizations,
      endpoints, consents;
  /// The identifiers ("system|value") of a Patient a CareTeam refers to (organization, id).
  std::function<std::vector<std::string>(const std::string& organization, const std::string& id)>
      patientIdentifiers;
};

class DirectoryIndex;

class CareDirectory {
 public:
  /// `channels`: the configured sink names; an Endpoint naming another is a problem.
  static std::shared_ptr<const CareDirectory> build(const DirectoryResources& resources,
                                                    const std::set<std::string>& channels,
                                                    ConsentPolicy policy = {},
                                                    const TrustPolicy& trust = {});

  /// The active members of the care teams of the patient with any of these identifiers whose
  /// role is in `roles` (every role when empty), one per (member, role), in role order.
  std::vector<CareRecipient> recipients(const std::vector<std::string>& patientIdentifiers,
                                        const std::vector<std::string>& roles) const;

  /// The members a message states (stated_care_team.h) in `roles` (every role when empty) as
  /// recipients: found in the directory by identifier, else by phone or fax number (unreachable
  /// when not found), kept only as far as the trust policy lets `sender`'s statements count.
  std::vector<CareRecipient> statedRecipients(const std::vector<StatedMember>& stated,
                                              const std::vector<std::string>& patientIdentifiers,
                                              const std::string& sender,
                                              const std::vector<std::string>& roles) const;
  /// "Type/id" of the directory entry a stated member is, or "" when the directory has none.
  std::string directoryEntry(const StatedMember& member) const;

  /// What the patient's active Consents say of this recipient on `today` (YYYY-MM-DD; empty:
  /// the local date now).
  ConsentDecision consentFor(const std::vector<std::string>& patientIdentifiers,
                             const CareRecipient& recipient, std::string today = {}) const;

  /// The recipient a delivery names (CareRecipient::recipientJson) as the directory knows it
  /// now (its organization's municipality, the keys a Consent may name it by).
  CareRecipient recipientFromJson(const std::string& json) const;

  /// Why `recipient` may not receive this patient's data now ("" when it may): a Consent that
  /// denies it, or none permitting it where the policy of the patient's ward asks for one.
  std::string holdReason(const std::vector<std::string>& patientIdentifiers,
                         const std::string& patientWard, const CareRecipient& recipient) const;

  std::size_t careTeamCount() const { return careTeams_; }
  /// CareTeams whose subject could not be resolved to a patient identifier (yet).
  std::size_t unresolvedSubjects() const { return unresolvedSubjects_; }
  /// Memberships the trust policy does not count ("organization:CareTeam/id" of each statement).
  const std::vector<std::string>& untrustedStatements() const { return untrusted_; }

 private:
  /// Whether `writer`'s statement that a member of `memberOrganization` cares for the patient
  /// counts under the trust policy.
  bool statementCounts(const std::string& writer, const std::string& memberOrganization,
                       const std::vector<std::string>& patientIdentifiers) const;

  std::shared_ptr<const DirectoryIndex> index_;
  std::set<std::string> channels_;
  TrustPolicy trust_;
  std::set<std::pair<std::string, std::string>> confirmed_;  // (patient identifier, organization)
  std::vector<CareRecipient> members_;
  std::multimap<std::string, std::size_t> byPatientIdentifier_;
  std::map<std::string, std::size_t> byMember_;  // "organization\nType/id" → a member
  ConsentPolicy policy_;
  std::vector<ParsedConsent> consents_;
  std::multimap<std::string, std::size_t> consentsByPatientIdentifier_;
  std::size_t careTeams_ = 0;
  std::size_t unresolvedSubjects_ = 0;
  std::vector<std::string> untrusted_;
};

}  // namespace renkei::care
