// What routing looks at in a canonical FHIR message: the resource types and profiles it carries,
// its patient (ordering key and municipality), its event kind (admission, discharge, other),
// whether it tells of a transfer or a death, when the event happens and whether it is urgent.
#pragma once

#include <string>
#include <vector>

#include "renkei/care/stated_care_team.h"
#include "renkei/fhir/node.h"
#include "renkei/routing/municipalities.h"

namespace renkei::routing {

enum class EventKind { Admission, Discharge, Other };
std::string_view eventKindName(EventKind k);

struct MessageFacts {
  std::vector<std::string> resourceTypes;  ///< the root and, for a Bundle, each entry's resource
  std::vector<std::string> profiles;       ///< every meta.profile claimed
  /// "system|value" of the patient's first identifier, or "Patient/id"; without a Patient, the
  /// identifier a CarePlan's subject names.
  std::string patientKey;
  std::vector<std::string> patientIdentifiers;  ///< "system|value" of each of its identifiers
  const Municipality* municipality = nullptr;
  EventKind event = EventKind::Other;
  bool transfer = false;  ///< a discharge to another hospital or facility, or a transfer event
  bool death = false;     ///< the patient died (deceased, discharged as expired, a death event)
  /// When the event happens (FHIR date or dateTime as written): the discharge's period.end, the
  /// admission's period.start, the death's deceasedDateTime; empty when the message does not say.
  std::string eventDate;
  bool urgentPriority = false;  ///< some resource has priority urgent, asap or stat (緊急往診 …)
  /// Who the message says cares for the patient (its かかりつけ医, care manager, attending doctor).
  std::vector<care::StatedMember> statedCareTeam;
  std::string sender;  ///< the organization that sent it (set by the pipeline, not the content)
};

/// The event names a message answers to in a route's `events`: its kind, and "transfer" and
/// "death" when they apply.
std::vector<std::string_view> eventNames(const MessageFacts& facts);

/// Facts of a resource or Bundle (Bundle entries are looked at one level deep).
MessageFacts collectFacts(const fhir::Node& root);

}  // namespace renkei::routing
