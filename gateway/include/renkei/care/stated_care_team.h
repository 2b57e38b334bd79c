// Who cares for the patient, as a message itself says it: a linkage sheet's かかりつけ医 and care
// manager (Patient.generalPractitioner, PractitionerRoles whose code names a care role), a care
// plan's author office (CarePlan.author by 介護事業所番号: the care manager), an encounter's
// attending doctor (an Encounter participant of type ATND, e.g. ADT A54), a referral letter's
// addressee (JP-CLINS 紹介先情報: the home doctor when written at discharge, else the doctor who
// treats next). Routing sends
// the message to them at once, and the pipeline keeps each statement as a CareTeam of the sender
// (one per patient and role), so later messages about the patient reach them too.
#pragma once

#include <string>
#include <vector>

#include "renkei/fhir/node.h"

namespace renkei::care {

struct StatedMember {
  std::string role;  ///< a care_roles.h code
  /// "system|value" of the member's organization, then of the person.
  std::vector<std::string> identifiers;
  /// The digits of the organization's phone and fax numbers (to find it in the directory).
  std::vector<std::string> phones;
  std::string organizationName;
  std::string personName;

  /// "organization person", or whichever is known.
  std::string display() const;
  bool operator==(const StatedMember& o) const {
    return role == o.role && identifiers == o.identifiers && display() == o.display();
  }
};

/// The members `root` (a resource or a Bundle) states, one per (role, member), references
/// followed inside the Bundle by fullUrl or Type/id.
std::vector<StatedMember> statedMembers(const fhir::Node& root);

/// The id of the CareTeam that keeps a sender's statement of `role` for the patient `patientKey`
/// ("system|value"): the same for every message, so a later statement replaces it.
std::string statedCareTeamId(const std::string& patientKey, const std::string& role);

/// That CareTeam as R4 JSON: subject by the patient's identifier, one participant per member
/// (`memberReferences[i]`: "Type/id" of its directory entry, or "" to name it by identifier).
std::string statedCareTeamJson(const std::string& id, const std::string& patientKey,
                               const std::string& role, const std::vector<StatedMember>& members,
                               const std::vector<std::string>& memberReferences);

}  // namespace renkei::care
