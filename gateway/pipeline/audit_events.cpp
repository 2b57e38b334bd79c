// AuditEvent rendering: the API's requests (interaction and action from the request line,
// outcome from the status) and any AuditEntry as an R4 AuditEvent.
#include "renkei/pipeline/audit_events.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/core/digest.h"
#include "renkei/core/time_text.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::pipeline {
namespace {

using Writer = renkei::fhir::RunCopyingWriter;

void string(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void coding(Writer& w, const char* system, const std::string& code, const std::string& display) {
  w.StartObject();
  string(w, "system", system);
  string(w, "code", code);
  if (!display.empty()) string(w, "display", display);
  w.EndObject();
}

/// The path's segments after the FHIR base (the first segment of the recorded path).
std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  if (!out.empty()) out.erase(out.begin());  // the base, e.g. "fhir"
  return out;
}

struct Interaction {
  std::string code;    ///< http://hl7.org/fhir/restful-interaction
  std::string action;  ///< C, R, U, D or E
  std::string target;  ///< Type/id[/_history/n] when the request names one resource
};

Interaction interactionOf(const std::string& method, const std::string& path) {
  const std::vector<std::string> s = segments(path);
  const bool operation = !s.empty() && s.back().rfind('$', 0) == 0;
  if (operation) return {"operation", "E", ""};
  if (method == "GET") {
    if (s.size() == 1 && s[0] == "metadata") return {"capabilities", "R", ""};
    if (s.size() == 1) return {"search-type", "E", ""};
    if (s.size() == 2) return {"read", "R", s[0] + "/" + s[1]};
    if (s.size() == 4) return {"vread", "R", s[0] + "/" + s[1] + "/_history/" + s[3]};
    if (s.size() == 3 && s[2] == "_history") return {"history-instance", "R", s[0] + "/" + s[1]};
    return {"read", "R", ""};
  }
  if (method == "PUT") return {"update", "U", s.size() == 2 ? s[0] + "/" + s[1] : ""};
  if (method == "DELETE") return {"delete", "D", s.size() == 2 ? s[0] + "/" + s[1] : ""};
  if (s.empty()) return {"transaction", "E", ""};  // or batch: the body says which
  return {"create", "C", ""};
}

void writeAgent(Writer& w, const AuditAgent& a) {
  w.StartObject();
  w.Key("who");
  w.StartObject();
  if (!a.type.empty()) string(w, "type", a.type);
  if (!a.value.empty()) {
    w.Key("identifier");
    w.StartObject();
    string(w, "system", a.system);
    string(w, "value", a.value);
    w.EndObject();
  }
  if (!a.display.empty()) string(w, "display", a.display);
  w.EndObject();
  w.Key("requestor");
  w.Bool(a.requestor);
  w.EndObject();
}

void writeEntity(Writer& w, const AuditEntity& e) {
  w.StartObject();
  w.Key("what");
  w.StartObject();
  if (!e.reference.empty()) {
    string(w, "reference", e.reference);
  } else {
    w.Key("identifier");
    w.StartObject();
    if (!e.system.empty()) string(w, "system", e.system);
    string(w, "value", e.value);
    w.EndObject();
  }
  w.EndObject();
  if (e.patient) {
    w.Key("type");
    coding(w, "http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person");
    w.Key("role");
    coding(w, "http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient");
  }
  if (!e.description.empty()) string(w, "description", e.description);
  w.EndObject();
}

void writeAuditEvent(Writer& w, const AuditEntry& e, const std::string& observer) {
  w.StartObject();
  string(w, "resourceType", "AuditEvent");
  w.Key("type");
  coding(w, e.typeSystem.c_str(), e.typeCode, e.typeDisplay);
  if (!e.subtypeCode.empty()) {
    w.Key("subtype");
    w.StartArray();
    coding(w, e.subtypeSystem.c_str(), e.subtypeCode, e.subtypeDisplay);
    w.EndArray();
  }
  string(w, "action", e.action);
  string(w, "recorded", utcInstant(e.atMs));
  string(w, "outcome", e.outcome);
  if (!e.outcomeDesc.empty()) string(w, "outcomeDesc", e.outcomeDesc);
  w.Key("agent");
  w.StartArray();
  for (const AuditAgent& a : e.agents) writeAgent(w, a);
  w.EndArray();
  w.Key("source");
  w.StartObject();
  if (!e.site.empty()) string(w, "site", e.site);
  w.Key("observer");
  w.StartObject();
  string(w, "display", observer);
  w.EndObject();
  w.EndObject();
  if (!e.entities.empty()) {
    w.Key("entity");
    w.StartArray();
    for (const AuditEntity& entity : e.entities) writeEntity(w, entity);
    w.EndArray();
  }
  w.EndObject();
}

/// A name-based identity for the i-th event of a Bundle, unique within it.
std::string fullUrl(std::size_t i, const AuditEntry& e) {
  std::string key = std::to_string(i) + "\n" + std::to_string(e.atMs) + "\n" + e.typeCode + "\n" +
                    e.subtypeCode + "\n" + e.site + "\n" + e.outcomeDesc;
  for (const AuditEntity& entity : e.entities) key += "\n" + entity.reference + entity.value;
  const std::string h = sha256Hex(key);
  return "urn:uuid:" + h.substr(0, 8) + "-" + h.substr(8, 4) + "-5" + h.substr(13, 3) + "-8" +
         h.substr(17, 3) + "-" + h.substr(20, 12);
}

}  // namespace

AuditEntry apiRequestEntry(const store::AuditRecord& r) {
  const Interaction interaction = interactionOf(r.method, r.path);
  AuditEntry e;
  e.atMs = r.atMs;
  e.typeSystem = "http://terminology.hl7.org/CodeSystem/audit-event-type";
  e.typeCode = "rest";
  e.typeDisplay = "RESTful Operation";
  e.subtypeSystem = "http://hl7.org/fhir/restful-interaction";
  e.subtypeCode = interaction.code;
  e.action = interaction.action;
  // 0 success, 4 minor failure (the client's request was refused), 8 serious failure (ours).
  e.outcome = r.status < 400 ? "0" : r.status < 500 ? "4" : "8";
  e.outcomeDesc = "HTTP " + std::to_string(r.status) + " " + r.method + " " + r.path;
  e.site = r.source;
  if (r.client.empty()) {
    e.agents.push_back({"", "", "unauthenticated request", "", true});
  } else {
    e.agents.push_back({"urn:renkei:api-client", r.client, "", "", true});
  }
  if (!r.organization.empty()) {
    e.agents.push_back({"urn:renkei:organization", r.organization, "", "Organization", false});
  }
  if (!interaction.target.empty()) e.entities.push_back({interaction.target, "", "", false, ""});
  if (r.messageId > 0) {
    e.entities.push_back({"", "urn:renkei:message", std::to_string(r.messageId), false, ""});
  }
  return e;
}

std::string auditEventJson(const store::AuditRecord& record, const std::string& observer) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  writeAuditEvent(w, apiRequestEntry(record), observer);
  return buffer.GetString();
}

std::string auditEventBundle(const std::vector<store::AuditRecord>& records,
                             const std::string& observer) {
  std::vector<AuditEntry> entries;
  for (const store::AuditRecord& r : records) entries.push_back(apiRequestEntry(r));
  return auditBundle(entries, observer);
}

std::string auditBundle(const std::vector<AuditEntry>& entries, const std::string& observer) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  string(w, "resourceType", "Bundle");
  string(w, "type", "collection");
  w.Key("entry");
  w.StartArray();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    w.StartObject();
    string(w, "fullUrl", fullUrl(i, entries[i]));
    w.Key("resource");
    writeAuditEvent(w, entries[i], observer);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

}  // namespace renkei::pipeline
