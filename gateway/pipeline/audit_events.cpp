// AuditEvent rendering: interaction and action from the request line, outcome from the status.
#include "renkei/pipeline/audit_events.h"


#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/core/digest.h"
#include "renkei/core/time_text.h"

namespace renkei::pipeline {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

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

void writeAuditEvent(Writer& w, const store::AuditRecord& r, const std::string& observer) {
  const Interaction interaction = interactionOf(r.method, r.path);
  w.StartObject();
  string(w, "resourceType", "AuditEvent");
  w.Key("type");
  coding(w, "http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation");
  w.Key("subtype");
  w.StartArray();
  coding(w, "http://hl7.org/fhir/restful-interaction", interaction.code, "");
  w.EndArray();
  string(w, "action", interaction.action);
  string(w, "recorded", utcInstant(r.atMs));
  // 0 success, 4 minor failure (the client's request was refused), 8 serious failure (ours).
  string(w, "outcome", r.status < 400 ? "0" : r.status < 500 ? "4" : "8");
  string(w, "outcomeDesc", "HTTP " + std::to_string(r.status) + " " + r.method + " " + r.path);
  w.Key("agent");
  w.StartArray();
  w.StartObject();
  w.Key("who");
  w.StartObject();
  if (r.client.empty()) {
    string(w, "display", "unauthenticated request");
  } else {
    w.Key("identifier");
    w.StartObject();
    string(w, "system", "urn:renkei:api-client");
    string(w, "value", r.client);
    w.EndObject();
  }
  w.EndObject();
  w.Key("requestor");
  w.Bool(true);
  w.EndObject();
  if (!r.organization.empty()) {
    w.StartObject();
    w.Key("who");
    w.StartObject();
    string(w, "type", "Organization");
    w.Key("identifier");
    w.StartObject();
    string(w, "system", "urn:renkei:organization");
    string(w, "value", r.organization);
    w.EndObject();
    w.EndObject();
    w.Key("requestor");
    w.Bool(false);
    w.EndObject();
  }
  w.EndArray();
  w.Key("source");
  w.StartObject();
  string(w, "site", r.source);
  w.Key("observer");
  w.StartObject();
  string(w, "display", observer);
  w.EndObject();
  w.EndObject();
  if (!interaction.target.empty() || r.messageId > 0) {
    w.Key("entity");
    w.StartArray();
    if (!interaction.target.empty()) {
      w.StartObject();
      w.Key("what");
      w.StartObject();
      string(w, "reference", interaction.target);
      w.EndObject();
      w.EndObject();
    }
    if (r.messageId > 0) {
      w.StartObject();
      w.Key("what");
      w.StartObject();
      w.Key("identifier");
      w.StartObject();
      string(w, "system", "urn:renkei:message");
      string(w, "value", std::to_string(r.messageId));
      w.EndObject();
      w.EndObject();
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace

std::string auditEventJson(const store::AuditRecord& record, const std::string& observer) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  writeAuditEvent(w, record, observer);
  return buffer.GetString();
}

std::string auditEventBundle(const std::vector<store::AuditRecord>& records,
                             const std::string& observer) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  string(w, "resourceType", "Bundle");
  string(w, "type", "collection");
  w.Key("entry");
  w.StartArray();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const store::AuditRecord& r = records[i];
    // A name-based identity, unique within the Bundle even for two identical requests.
    const std::string h = sha256Hex(std::to_string(i) + "\n" + std::to_string(r.atMs) + "\n" + r.source + "\n" + r.client +
                                    "\n" + r.method + "\n" + r.path + "\n" +
                                    std::to_string(r.status) + "\n" + std::to_string(r.messageId));
    w.StartObject();
    string(w, "fullUrl", "urn:uuid:" + h.substr(0, 8) + "-" + h.substr(8, 4) + "-5" + h.substr(13, 3) +
                             "-8" + h.substr(17, 3) + "-" + h.substr(20, 12));
    w.Key("resource");
    writeAuditEvent(w, r, observer);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

}  // namespace renkei::pipeline
