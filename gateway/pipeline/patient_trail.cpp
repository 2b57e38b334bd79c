// One patient's trail as AuditEvents (see audit_events.h): each message naming the patient was
// received (from whom), routed (which routes matched), held, sent or given up (to whom, through
// which channel, why), notified, acknowledged or escalated, read over the API (by whom), and
// matched in the patient registry (by matching or by a person).
#include <algorithm>

#include <rapidjson/document.h>

#include "renkei/care/care_directory.h"
#include "renkei/core/json_fields.h"
#include "renkei/core/time_text.h"
#include "renkei/pipeline/audit_events.h"

namespace renkei::pipeline {
namespace {

constexpr const char* kDicom = "http://dicom.nema.org/resources/ontology/DCM";
constexpr const char* kRenkeiEvents = "https://fhir.renkei.jp/CodeSystem/audit-event";

AuditEntry entry(int64_t atMs, const char* dicomCode, const char* dicomDisplay, const char* step,
                 const char* action) {
  AuditEntry e;
  e.atMs = atMs;
  e.typeSystem = kDicom;
  e.typeCode = dicomCode;
  e.typeDisplay = dicomDisplay;
  e.subtypeSystem = kRenkeiEvents;
  e.subtypeCode = step;
  e.action = action;
  e.outcome = "0";
  return e;
}

AuditEntity patientEntity(const std::string& patient) {
  const std::size_t bar = patient.find('|');
  if (bar == std::string::npos) return {"", "", patient, true, ""};
  return {"", patient.substr(0, bar), patient.substr(bar + 1), true, ""};
}

AuditEntity messageEntity(int64_t id) {
  return {"", "urn:renkei:message", std::to_string(id), false, ""};
}

AuditAgent organization(const std::string& org, bool requestor) {
  return {"urn:renkei:organization", org, "", "Organization", requestor};
}

/// The recipient of a delivery: its channel, and the care-team member when it has one.
std::vector<AuditAgent> recipientAgents(const std::string& destination, const std::string& recipientJson) {
  std::vector<AuditAgent> agents{{"urn:renkei:sink", destination, "", "Endpoint", false}};
  const std::string member = care::recipientLabel(recipientJson, true);
  if (!member.empty()) agents.push_back({"", "", member, "", false});
  return agents;
}

/// The names of the routes that matched, from the routing record.
std::string matchedRoutes(const std::string& routing) {
  rapidjson::Document d;
  d.Parse(routing.c_str(), routing.size());
  std::string out;
  json::each(d, "rules", [&](const rapidjson::Value& rule) {
    const rapidjson::Value* matched = json::member(rule, "matched");
    if (matched != nullptr && matched->IsBool() && matched->GetBool()) {
      out += (out.empty() ? "" : ", ") + json::str(rule, "route");
    }
  });
  return out;
}

void messageEntries(const store::StoredMessage& m, const AuditEntity& patient,
                    std::vector<AuditEntry>& out) {
  AuditEntry received = entry(m.receivedMs, "110107", "Import", "receive", "C");
  received.site = m.source;
  received.outcome = m.state == store::kFailed ? "8" : "0";
  received.outcomeDesc = "message " + std::to_string(m.id) + " from " + m.source + ": " + m.state;
  received.agents.push_back(organization(m.sender, true));
  received.entities = {patient, messageEntity(m.id)};
  out.push_back(received);
  if (m.state != store::kRouted && m.state != store::kUnrouted) return;
  AuditEntry routed = entry(m.receivedMs, "110100", "Application Activity", "route", "E");
  const std::string routes = matchedRoutes(m.routing);
  routed.outcomeDesc = routes.empty() ? "no route matched" : "routes: " + routes;
  routed.agents.push_back({"", "", "Renkei routing", "Device", false});
  routed.entities = {patient, messageEntity(m.id)};
  out.push_back(routed);
}

void deliveryEntry(const store::OutboxRow& d, const AuditEntity& patient,
                   std::vector<AuditEntry>& out) {
  const bool ended = d.state == store::kSent || d.state == store::kDead;
  AuditEntry e = entry(ended && d.nextAttemptMs > 0 ? d.nextAttemptMs : d.createdMs, "110106",
                       "Export", d.state == store::kHeld ? "hold" : "deliver", "E");
  e.site = d.destination;
  e.agents = recipientAgents(d.destination, d.recipient);
  if (d.state == store::kSent) {
    e.outcomeDesc = "sent to " + d.destination;
  } else if (d.state == store::kHeld) {
    e.outcome = "4";
    e.outcomeDesc = "held: " + d.lastError;
  } else if (d.state == store::kDead) {
    e.outcome = "8";
    e.outcomeDesc = "given up: " + d.lastError;
  } else {
    e.outcomeDesc = "not sent yet (" + d.state + (d.lastError.empty() ? "" : ": " + d.lastError) + ")";
  }
  e.entities = {patient, messageEntity(d.messageId),
                {"", "urn:renkei:delivery", std::to_string(d.id), false, ""}};
  out.push_back(e);
}

void notificationEntries(const store::NotificationRow& n, const AuditEntity& patient,
                         std::vector<AuditEntry>& out) {
  AuditEntry told = entry(n.createdMs, "110100", "Application Activity", "notify", "E");
  told.site = n.destination;
  told.agents = recipientAgents(n.destination, n.recipient);
  told.outcomeDesc = std::string(n.urgent ? "urgent" : "routine (daily digest)") + ": " + n.state;
  told.entities = {patient, messageEntity(n.messageId),
                   {"", "https://fhir.renkei.jp/sid/notification", n.token, false, ""}};
  out.push_back(told);
  if (n.ackedMs > 0) {
    AuditEntry acked = entry(n.ackedMs, "110100", "Application Activity", "acknowledge", "U");
    acked.agents.push_back({"", "", n.ackedBy, "", true});
    acked.outcomeDesc = "acknowledged by " + n.ackedBy;
    acked.entities = told.entities;
    out.push_back(acked);
  }
}

/// The registry's decision about one of the patient's records: matching's (auto-link, new,
/// review, pending) or a person's (link, separate).
void matchEntry(const store::MatchEvent& m, const AuditEntity& patient, std::vector<AuditEntry>& out) {
  const bool byPerson = m.messageId == 0;
  AuditEntry e = entry(m.atMs, "110112", "Query", "match", byPerson ? "U" : "E");
  e.agents.push_back(byPerson ? AuditAgent{"", "", m.actor, "", true}
                              : AuditAgent{"", "", "Renkei patient matching", "Device", false});
  e.agents.push_back(organization(m.organization, false));
  e.outcomeDesc = m.action + ": " + m.organization + " " + m.record + " → " + m.person +
                  (m.score > 0 ? " (score " + std::to_string(m.score) + ")" : "");
  e.entities = {patient, {"", "urn:renkei:person", m.person, false, ""}};
  if (m.messageId > 0) e.entities.push_back(messageEntity(m.messageId));
  out.push_back(e);
}

}  // namespace

std::vector<AuditEntry> patientTrailEntries(const store::PatientTrail& trail,
                                            const std::string& patient) {
  const AuditEntity subject = patientEntity(patient);
  std::vector<AuditEntry> out;
  for (const store::StoredMessage& m : trail.messages) messageEntries(m, subject, out);
  for (const store::OutboxRow& d : trail.deliveries) deliveryEntry(d, subject, out);
  for (const store::NotificationRow& n : trail.notifications) notificationEntries(n, subject, out);
  for (const store::MatchEvent& m : trail.matches) matchEntry(m, subject, out);
  for (const store::AuditRecord& v : trail.views) {
    AuditEntry e = apiRequestEntry(v);
    e.subtypeSystem = kRenkeiEvents;
    e.subtypeCode = "view";
    e.subtypeDisplay = "";
    e.entities = {subject, messageEntity(v.messageId)};
    out.push_back(e);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const AuditEntry& a, const AuditEntry& b) { return a.atMs < b.atMs; });
  return out;
}

namespace {

const char* stepLabel(const std::string& step) {
  if (step == "receive") return "受信";
  if (step == "route") return "振り分け";
  if (step == "deliver") return "送信";
  if (step == "hold") return "保留";
  if (step == "notify") return "通知";
  if (step == "acknowledge") return "受領確認";
  if (step == "view") return "閲覧";
  if (step == "match") return "照合";
  return "記録";
}


}  // namespace

std::string auditEntriesText(const std::vector<AuditEntry>& entries) {
  std::string out = "日時\t種別\t誰が・誰へ\t内容\n";
  for (const AuditEntry& e : entries) {
    std::string who;
    for (const AuditAgent& a : e.agents) {
      const std::string name = !a.display.empty() ? a.display : a.value;
      if (!name.empty()) who += (who.empty() ? "" : " / ") + name;
    }
    out += localDateTimeAt(e.atMs) + "\t" + stepLabel(e.subtypeCode) + "\t" + (who.empty() ? "-" : who) +
           "\t" + e.outcomeDesc + "\n";
  }
  return out;
}

}  // namespace renkei::pipeline
