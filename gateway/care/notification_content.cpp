// What a notified recipient gets (see notifications.h): the summary an event is told from, its
// Japanese line, and the FHIR Bundles of an urgent notification, a daily digest and an
// escalation.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/care/notifications.h"
#include "renkei/core/json_fields.h"
#include "renkei/fhir/each_resource.h"
#include "renkei/core/time_text.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::care {
namespace {

using Writer = renkei::fhir::RunCopyingWriter;

void field(Writer& w, const char* key, std::string_view value) {
  if (value.empty()) return;
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}


std::string personName(const fhir::Node& resource) {
  for (const fhir::Node& n : resource.children()) {
    if (n.name != "name") continue;
    if (!n.childValue("text").empty()) return std::string(n.childValue("text"));
    std::string out(n.childValue("family"));
    for (const fhir::Node& g : n.children()) {
      if (g.name == "given") out += (out.empty() ? "" : " ") + std::string(g.value);
    }
    if (!out.empty()) return out;
  }
  return std::string(resource.childValue("name"));
}

std::string phoneOf(const fhir::Node& resource) {
  for (const fhir::Node& t : resource.children()) {
    if (t.name == "telecom" && t.childValue("system") != "email" && !t.childValue("value").empty()) {
      return std::string(t.childValue("value"));
    }
  }
  return "";
}

/// Who sent it: the MessageHeader's sender, the Encounter's service provider, or the first
/// Organization; whom to call: the first organization or person in the message with a phone.
void senderAndContact(const fhir::Node& root, std::string& sender, std::string& contact) {
  fhir::eachResource(root, [&](const fhir::Node& r) {
    if (sender.empty() && r.resourceType == "MessageHeader") {
      if (const fhir::Node* s = r.child("sender")) sender = std::string(s->childValue("display"));
    }
    if (sender.empty() && r.resourceType == "Encounter") {
      if (const fhir::Node* s = r.child("serviceProvider")) sender = std::string(s->childValue("display"));
    }
  });
  fhir::eachResource(root, [&](const fhir::Node& r) {
    const bool party = r.resourceType == "Organization" || r.resourceType == "PractitionerRole" ||
                       r.resourceType == "Practitioner";
    if (!party) return;
    if (sender.empty() && r.resourceType == "Organization") sender = personName(r);
    const std::string phone = phoneOf(r);
    if (contact.empty() && !phone.empty()) {
      const std::string name = personName(r);
      contact = name.empty() ? phone : name + " " + phone;
    }
  });
}

const char* eventLabel(const std::string& event) {
  if (event == "death") return "死亡";
  if (event == "transfer") return "転院";
  if (event == "discharge") return "退院";
  if (event == "admission") return "入院";
  return "連絡";
}

std::string uuidOf(const std::string& hex32, char variant) {
  std::string h = hex32;
  h.resize(32, '0');
  h[12] = '4';
  h[16] = variant;
  return "urn:uuid:" + h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" +
         h.substr(16, 4) + "-" + h.substr(20, 12);
}

struct Summary {
  rapidjson::Document doc;
  explicit Summary(const std::string& json) { doc.Parse(json.c_str()); }
  std::string get(const char* key) const { return json::str(doc, key); }
  std::string patient(const char* key) const {
    const rapidjson::Value* p = json::member(doc, "patient");
    return p != nullptr ? json::str(*p, key) : "";
  }
  /// The patient as a logical reference (its first identifier and its name), when known.
  void subject(Writer& w, const char* key) const {
    const rapidjson::Value* p = json::member(doc, "patient");
    const rapidjson::Value* ids = p != nullptr ? json::member(*p, "identifiers") : nullptr;
    const bool identified = ids != nullptr && ids->IsArray() && !ids->Empty() && (*ids)[0].IsString();
    if (!identified && patient("name").empty()) return;
    w.Key(key);
    w.StartObject();
    if (identified) {
      const std::string id = (*ids)[0].GetString();
      const std::size_t bar = id.find('|');
      w.Key("identifier");
      w.StartObject();
      if (bar != std::string::npos && bar > 0) field(w, "system", id.substr(0, bar));
      field(w, "value", bar == std::string::npos ? id : id.substr(bar + 1));
      w.EndObject();
    }
    field(w, "display", patient("name"));
    w.EndObject();
  }
};

void tokenIdentifier(Writer& w, const std::string& token) {
  w.Key("identifier");
  w.StartArray();
  w.StartObject();
  field(w, "system", kNotificationSystem);
  field(w, "value", token);
  w.EndObject();
  w.EndArray();
}

/// A Communication telling `lines` about the summary's patient.
void communication(Writer& w, const Summary& s, const std::string& token, bool urgent,
                   const std::vector<std::string>& lines, int64_t nowMs) {
  w.StartObject();
  field(w, "fullUrl", uuidOf(token, '8'));
  w.Key("resource");
  w.StartObject();
  field(w, "resourceType", "Communication");
  tokenIdentifier(w, token);
  field(w, "status", "completed");
  w.Key("category");
  w.StartArray();
  w.StartObject();
  field(w, "text", "在宅医療・介護連携通知");
  w.EndObject();
  w.EndArray();
  field(w, "priority", urgent ? "urgent" : "routine");
  s.subject(w, "subject");
  field(w, "sent", utcInstant(nowMs));
  if (!s.get("recipient").empty()) {
    w.Key("recipient");
    w.StartArray();
    w.StartObject();
    field(w, "display", s.get("recipient"));
    w.EndObject();
    w.EndArray();
  }
  if (!s.get("sender").empty()) {
    w.Key("sender");
    w.StartObject();
    field(w, "display", s.get("sender"));
    w.EndObject();
  }
  w.Key("payload");
  w.StartArray();
  for (const std::string& line : lines) {
    w.StartObject();
    field(w, "contentString", line);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
}

void bundleStart(Writer& w, int64_t nowMs) {
  w.StartObject();
  field(w, "resourceType", "Bundle");
  field(w, "type", "collection");
  field(w, "timestamp", utcInstant(nowMs));
  w.Key("entry");
  w.StartArray();
}

void bundleEnd(Writer& w) {
  w.EndArray();
  w.EndObject();
}

/// The message's resources as entries (a Bundle's entries as they are, another resource as one).
void messageEntries(Writer& w, const std::string& canonicalJson) {
  rapidjson::Document doc;
  doc.Parse(canonicalJson.c_str());
  if (doc.HasParseError() || !doc.IsObject()) return;
  if (json::str(doc, "resourceType") == "Bundle") {
    json::each(doc, "entry", [&](const rapidjson::Value& e) {
      if (json::member(e, "resource") != nullptr) e.Accept(w);
    });
    return;
  }
  w.StartObject();
  w.Key("resource");
  doc.Accept(w);
  w.EndObject();
}

}  // namespace

std::string notificationSummary(const fhir::Node& root, const routing::MessageFacts& facts,
                                const CareRecipient& member, const Urgency& urgency) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  const std::string event = facts.death      ? "death"
                            : facts.transfer ? "transfer"
                                             : std::string(routing::eventKindName(facts.event));
  field(w, "event", event);
  field(w, "date", facts.eventDate);
  w.Key("urgent");
  w.Bool(urgency.urgent);
  field(w, "why", urgency.why);
  w.Key("patient");
  w.StartObject();
  const fhir::Node* patient = nullptr;
  fhir::eachResource(root, [&](const fhir::Node& r) {
    if (patient == nullptr && r.resourceType == "Patient") patient = &r;
  });
  if (patient != nullptr) {
    field(w, "name", personName(*patient));
    field(w, "birthDate", patient->childValue("birthDate"));
  }
  w.Key("identifiers");
  w.StartArray();
  for (const std::string& id : facts.patientIdentifiers) w.String(id.c_str());
  w.EndArray();
  field(w, "ward", facts.municipality != nullptr ? facts.municipality->code : "");
  w.EndObject();
  std::string sender, contact;
  senderAndContact(root, sender, contact);
  field(w, "sender", sender);
  field(w, "contact", contact);
  field(w, "recipient", member.display);
  field(w, "role", member.role);
  w.EndObject();
  return buffer.GetString();
}

std::string summaryText(const std::string& summaryJson) {
  const Summary s(summaryJson);
  std::string line = s.doc.IsObject() && json::member(s.doc, "urgent") != nullptr &&
                             s.doc["urgent"].IsBool() && s.doc["urgent"].GetBool()
                         ? "【至急】"
                         : "";
  line += eventLabel(s.get("event"));
  const std::string name = s.patient("name");
  line += " " + (name.empty() ? std::string("(氏名なし)") : name + " 様");
  if (!s.patient("birthDate").empty()) line += " (" + s.patient("birthDate") + "生)";
  if (!s.get("date").empty()) line += " " + s.get("date").substr(0, 10);
  if (!s.get("sender").empty()) line += " 送信元: " + s.get("sender");
  if (!s.get("contact").empty()) line += " 連絡先: " + s.get("contact");
  return line;
}

std::string urgentNotificationBundle(const std::string& canonicalJson,
                                     const std::string& summaryJson, const std::string& token,
                                     int64_t dueMs, int64_t nowMs) {
  const Summary s(summaryJson);
  const std::string line = summaryText(summaryJson);
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  bundleStart(w, nowMs);
  communication(w, s, token, true,
                {line, "受領後、確認をお願いします (期限 " + utcInstant(dueMs) + ")"},
                nowMs);
  w.StartObject();
  field(w, "fullUrl", uuidOf(token, '9'));
  w.Key("resource");
  w.StartObject();
  field(w, "resourceType", "Task");
  tokenIdentifier(w, token);
  field(w, "status", "requested");
  field(w, "intent", "order");
  field(w, "priority", "urgent");
  w.Key("code");
  w.StartObject();
  field(w, "text", "受領確認");
  w.EndObject();
  field(w, "description", line);
  s.subject(w, "for");
  field(w, "authoredOn", utcInstant(nowMs));
  w.Key("restriction");
  w.StartObject();
  w.Key("period");
  w.StartObject();
  field(w, "end", utcInstant(dueMs));
  w.EndObject();
  w.EndObject();
  w.EndObject();
  w.EndObject();
  messageEntries(w, canonicalJson);
  bundleEnd(w);
  return buffer.GetString();
}

std::string digestBundle(const std::vector<std::string>& summaries,
                         const std::vector<std::string>& tokens, int64_t nowMs) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  bundleStart(w, nowMs);
  std::vector<std::string> lines{"本日の連携通知 " + std::to_string(summaries.size()) + " 件"};
  for (const std::string& summary : summaries) lines.push_back(summaryText(summary));
  const std::string first = tokens.empty() ? std::string(32, '0') : tokens.front();
  const Summary none("{}");
  communication(w, none, "d" + first.substr(1), false, lines, nowMs);
  for (std::size_t i = 0; i < summaries.size() && i < tokens.size(); ++i) {
    communication(w, Summary(summaries[i]), tokens[i], false, {summaryText(summaries[i])}, nowMs);
  }
  bundleEnd(w);
  return buffer.GetString();
}

std::string escalationBundle(const std::string& summaryJson, const std::string& token,
                             int64_t sentMs, int64_t nowMs) {
  const Summary s(summaryJson);
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  bundleStart(w, nowMs);
  const std::string recipient = s.get("recipient").empty() ? "担当者" : s.get("recipient");
  communication(w, s, "e" + token.substr(1), true,
                {"未確認のため転送: " + recipient + " へ " + utcInstant(sentMs) +
                     " に送った至急連絡が確認されていません",
                 summaryText(summaryJson)},
                nowMs);
  bundleEnd(w);
  return buffer.GetString();
}

}  // namespace renkei::care
