// What routing looks at in a canonical FHIR message: the resource types and profiles it carries,
// its patient (ordering key and municipality) and its event kind (admission, discharge, other).
#pragma once

#include <string>
#include <vector>

#include "renkei/fhir/node.h"
#include "renkei/routing/municipalities.h"

namespace renkei::routing {

enum class EventKind { Admission, Discharge, Other };
std::string_view eventKindName(EventKind k);

struct MessageFacts {
  std::vector<std::string> resourceTypes;  ///< the root and, for a Bundle, each entry's resource
  std::vector<std::string> profiles;       ///< every meta.profile claimed
  std::string patientKey;    ///< "system|value" of the patient's first identifier, or "Patient/id"
  std::vector<std::string> patientIdentifiers;  ///< "system|value" of each of its identifiers
  const Municipality* municipality = nullptr;
  EventKind event = EventKind::Other;
};

/// Facts of a resource or Bundle (Bundle entries are looked at one level deep).
MessageFacts collectFacts(const fhir::Node& root);

}  // namespace renkei::routing
