// Extracts routing facts from the resource tree: types, profiles, the patient's key and
// municipality (from Patient.address), and the event kind from Encounter or MessageHeader.
#include "renkei/routing/message_facts.h"

#include <algorithm>

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

EventKind headerEvent(const fhir::Node& header) {
  const fhir::Node* coding = header.child("eventCoding");
  const std::string_view code = coding ? coding->childValue("code") : std::string_view{};
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
  if (facts.event == EventKind::Other) {
    if (resource.resourceType == "Encounter") facts.event = encounterEvent(resource);
    if (resource.resourceType == "MessageHeader") facts.event = headerEvent(resource);
  }
}

}  // namespace

MessageFacts collectFacts(const fhir::Node& root) {
  MessageFacts facts;
  visit(root, facts);
  if (root.resourceType == "Bundle") {
    for (const fhir::Node& entry : root.children()) {
      if (entry.name != "entry") continue;
      if (const fhir::Node* r = entry.child("resource")) visit(*r, facts);
    }
  }
  return facts;
}

}  // namespace renkei::routing
