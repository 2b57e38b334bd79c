// Extracts routing facts from the resource tree: types, profiles, the patient's key and
// municipality (from Patient.address; without a Patient, the identifier a CarePlan's subject
// names), the event kind from Encounter or MessageHeader (with
// transfer and death from the discharge disposition, the Patient and the header's event) and the
// urgency any resource's priority gives.
#include "renkei/routing/message_facts.h"

#include <algorithm>

#include "renkei/fhir/each_resource.h"

namespace renkei::routing {

std::string_view eventKindName(EventKind k) {
  switch (k) {
    case EventKind::Admission: return "admission";
    case EventKind::Discharge: return "discharge";
    case EventKind::Other: break;
  }
  return "other";
}

namespace {

void addUnique(std::vector<std::string>& list, std::string_view value) {
  if (value.empty()) return;
  if (std::find(list.begin(), list.end(), value) == list.end()) list.emplace_back(value);
}

/// The codes of a CodeableConcept's codings.
template <typename F>
void eachCode(const fhir::Node* codeable, F&& f) {
  if (codeable == nullptr) return;
  for (const fhir::Node& c : codeable->children()) {
    if (c.name == "coding") f(c.childValue("code"));
  }
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

/// Discharge dispositions (HL7 discharge-disposition) that hand the patient to another facility.
bool isTransferDisposition(std::string_view code) {
  return code == "hosp" || code == "other-hcf" || code == "snf" || code == "rehab" ||
         code == "long" || code == "psy";
}

void encounterOutcome(const fhir::Node& encounter, MessageFacts& facts) {
  const fhir::Node* stay = encounter.child("hospitalization");
  eachCode(stay ? stay->child("dischargeDisposition") : nullptr, [&](std::string_view code) {
    if (code == "exp") facts.death = true;
    if (isTransferDisposition(code)) facts.transfer = true;
  });
}

bool isInpatient(const fhir::Node& encounter) {
  const fhir::Node* cls = encounter.child("class");
  const std::string_view code = cls ? cls->childValue("code") : std::string_view{};
  return code == "IMP" || code == "ACUTE" || code == "NONAC";
}

EventKind encounterEvent(const fhir::Node& encounter) {
  if (!isInpatient(encounter)) return EventKind::Other;
  const std::string_view status = encounter.childValue("status");
  const fhir::Node* period = encounter.child("period");
  const bool ended = period != nullptr && period->child("end") != nullptr;
  const fhir::Node* stay = encounter.child("hospitalization");
  const bool disposed = stay != nullptr && stay->child("dischargeDisposition") != nullptr;
  if (status == "finished" || ended || disposed) {
    return EventKind::Discharge;
  }
  if (status == "in-progress" || status == "arrived") return EventKind::Admission;
  return EventKind::Other;
}

EventKind headerEvent(const fhir::Node& header, MessageFacts& facts) {
  const fhir::Node* coding = header.child("eventCoding");
  const std::string_view code = coding ? coding->childValue("code") : std::string_view{};
  if (contains(code, "transfer")) facts.transfer = true;
  if (contains(code, "death") || contains(code, "deceased")) facts.death = true;
  if (code.find("discharge") != std::string_view::npos) return EventKind::Discharge;
  if (code.find("admission") != std::string_view::npos || code.find("admit") != std::string_view::npos) {
    return EventKind::Admission;
  }
  return EventKind::Other;
}

std::vector<std::string> patientIdentifiers(const fhir::Node& patient) {
  std::vector<std::string> out;
  for (const fhir::Node& c : patient.children()) {
    if (c.name != "identifier") continue;
    const std::string_view value = c.childValue("value");
    if (!value.empty()) out.push_back(std::string(c.childValue("system")) + "|" + std::string(value));
  }
  return out;
}

const Municipality* patientMunicipality(const fhir::Node& patient) {
  const MunicipalityTable& table = MunicipalityTable::tokyo();
  for (const fhir::Node& a : patient.children()) {
    if (a.name != "address") continue;
    const std::string_view state = a.childValue("state");
    if (!state.empty() && state != "東京都" && state != "13") continue;
    if (const Municipality* m = table.fromAddress(a.childValue("city"), a.childValue("text"))) {
      return m;
    }
  }
  return nullptr;
}

void visit(const fhir::Node& resource, MessageFacts& facts) {
  addUnique(facts.resourceTypes, resource.resourceType);
  if (const fhir::Node* meta = resource.child("meta")) {
    for (const fhir::Node& p : meta->children()) {
      if (p.name == "profile") addUnique(facts.profiles, p.value);
    }
  }
  if (resource.resourceType == "Patient" && facts.patientKey.empty()) {
    facts.patientIdentifiers = patientIdentifiers(resource);
    const std::string_view id = resource.childValue("id");
    facts.patientKey = !facts.patientIdentifiers.empty() ? facts.patientIdentifiers.front()
                       : id.empty()                      ? std::string()
                                                         : "Patient/" + std::string(id);
    facts.municipality = patientMunicipality(resource);
  }
  if (resource.resourceType == "Patient") {
    const std::string_view deceased = resource.childValue("deceasedDateTime");
    if (!deceased.empty() || resource.childValue("deceasedBoolean") == "true") {
      facts.death = true;
      if (!deceased.empty()) facts.eventDate = std::string(deceased);
    }
  }
  const std::string_view priority = resource.childValue("priority");
  if (priority == "urgent" || priority == "asap" || priority == "stat") facts.urgentPriority = true;
  if (facts.event == EventKind::Other) {
    if (resource.resourceType == "Encounter") {
      facts.event = encounterEvent(resource);
      if (facts.event != EventKind::Other) {
        encounterOutcome(resource, facts);
        const fhir::Node* period = resource.child("period");
        const std::string_view when =
            period == nullptr ? std::string_view{}
            : facts.event == EventKind::Discharge ? period->childValue("end")
                                                   : period->childValue("start");
        if (!when.empty() && facts.eventDate.empty()) facts.eventDate = std::string(when);
      }
    }
    if (resource.resourceType == "MessageHeader") facts.event = headerEvent(resource, facts);
  }
}

}  // namespace

std::vector<std::string_view> eventNames(const MessageFacts& facts) {
  std::vector<std::string_view> names{eventKindName(facts.event)};
  if (facts.transfer) names.push_back("transfer");
  if (facts.death) names.push_back("death");
  return names;
}

namespace {

/// "system|value" of a logical reference's identifier (a care plan's subject by 被保険者番号).
std::string logicalReference(const fhir::Node* reference) {
  const fhir::Node* id = reference != nullptr ? reference->child("identifier") : nullptr;
  const std::string_view value = id != nullptr ? id->childValue("value") : std::string_view{};
  return value.empty() ? "" : std::string(id->childValue("system")) + "|" + std::string(value);
}

}  // namespace

MessageFacts collectFacts(const fhir::Node& root) {
  MessageFacts facts;
  fhir::eachResource(root, [&](const fhir::Node& r) { visit(r, facts); });
  if (facts.patientKey.empty()) {
    // No Patient in the message: a care plan names its person by identifier (被保険者番号). Only
    // a CarePlan: CareTeams, Consents and Tasks name patients too, but are not news for them.
    fhir::eachResource(root, [&](const fhir::Node& r) {
      if (!facts.patientKey.empty() || r.resourceType != "CarePlan") return;
      const std::string key = logicalReference(r.child("subject"));
      if (key.empty()) return;
      facts.patientKey = key;
      facts.patientIdentifiers = {key};
    });
  }
  facts.statedCareTeam = care::statedMembers(root);
  return facts;
}

}  // namespace renkei::routing
