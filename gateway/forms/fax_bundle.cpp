// Assembling a read page's Bundle with its evidence (see fax_bundle.h).
#include "renkei/forms/fax_bundle.h"

#include <sstream>

#include <Poco/Base64Encoder.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/core/digest.h"
#include "renkei/core/time_text.h"
#include "renkei/mapping/csv_writer.h"
#include "renkei/forms/patient_identity.h"
#include "renkei/mapping/mapping_engine.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::forms {
namespace {

using rapidjson::Value;

std::string base64(const std::string& bytes) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder << bytes;
  encoder.close();
  return out.str();
}

/// A name-based UUID (the layout of version 5) from `key`.
std::string uuidOf(const std::string& key) {
  std::string h = sha256Hex(key).substr(0, 32);
  h[12] = '5';
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

/// The page's values as the mapping's layout reads them: its header and one row.
std::string layoutText(const mapping::Mapping& m, const PageReading& page) {
  const std::map<std::string, std::string> values = fieldValues(page);
  std::vector<std::string> row;
  for (const std::string& column : m.layout.columns) {
    auto it = values.find(column);
    row.push_back(it == values.end() ? "" : it->second);
  }
  return mapping::csvRow(m.layout.columns, m.layout.dialect) + mapping::csvRow(row, m.layout.dialect);
}

Value str(const std::string& s, rapidjson::Document::AllocatorType& a) { return Value(s.c_str(), a); }

Value coding(const char* system, const char* code, const char* display, rapidjson::Document::AllocatorType& a) {
  Value c(rapidjson::kObjectType);
  c.AddMember("system", Value(system, a), a);
  c.AddMember("code", Value(code, a), a);
  c.AddMember("display", Value(display, a), a);
  Value codings(rapidjson::kArrayType);
  codings.PushBack(c, a);
  Value codeable(rapidjson::kObjectType);
  codeable.AddMember("coding", codings, a);
  return codeable;
}

Value reference(const std::string& url, rapidjson::Document::AllocatorType& a) {
  Value r(rapidjson::kObjectType);
  r.AddMember("reference", str(url, a), a);
  return r;
}

Value entry(const std::string& fullUrl, Value resource, rapidjson::Document::AllocatorType& a) {
  Value e(rapidjson::kObjectType);
  e.AddMember("fullUrl", str(fullUrl, a), a);
  e.AddMember("resource", resource, a);
  return e;
}

Value attachment(const std::string& contentType, const std::string& title, rapidjson::Document::AllocatorType& a) {
  Value at(rapidjson::kObjectType);
  at.AddMember("contentType", str(contentType, a), a);
  at.AddMember("title", str(title, a), a);
  return at;
}

}  // namespace

std::string imageContentType(const std::string& bytes) {
  const auto starts = [&](std::string_view p) { return bytes.compare(0, p.size(), p) == 0; };
  if (starts(std::string_view("II*\0", 4)) || starts(std::string_view("MM\0*", 4))) return "image/tiff";
  if (starts("\x89PNG")) return "image/png";
  if (starts("\xFF\xD8\xFF")) return "image/jpeg";
  if (starts("%PDF-")) return "application/pdf";
  return "application/octet-stream";
}

Result<std::string> mappedPageBundle(const FormTemplate& form, const PageReading& page,
                                     std::vector<std::string>* failedFields) {
  auto mapped = mapping::mapFile(*form.mapping, layoutText(*form.mapping, page), "fax.csv");
  if (!mapped.ok()) return Status::invalidInput("the page's fields do not map: " + mapped.status().message());
  if (mapped->records.size() != 1 || !mapped->issues.empty()) {
    std::string problems;
    for (const auto& issue : mapped->issues) {
      problems += (problems.empty() ? "" : "; ") + issue.column + ": " + issue.message;
      if (failedFields != nullptr && !issue.column.empty()) failedFields->push_back(issue.column);
    }
    return Status::invalidInput("the page's fields do not map: " + (problems.empty() ? "no record" : problems));
  }
  return std::move(mapped->records.front().bundleJson);
}

Result<std::string> faxPageBundle(const FormTemplate& form, const PageReading& page, const FaxEvidence& evidence) {
  auto mapped = mappedPageBundle(form, page);
  if (!mapped.ok()) return mapped.status();
  rapidjson::Document bundle;
  bundle.Parse(mapped->c_str(), mapped->size());
  if (page.identity) {
    const Status identified = applyPatientIdentity(bundle, *page.identity);
    if (!identified.ok()) return identified;
  }
  auto& a = bundle.GetAllocator();
  Value& entries = bundle["entry"];

  std::string patient;
  Value targets(rapidjson::kArrayType);
  for (const auto& e : entries.GetArray()) {
    const std::string type = e["resource"]["resourceType"].GetString();
    if (type == "Patient" && patient.empty()) patient = e["fullUrl"].GetString();
    targets.PushBack(reference(e["fullUrl"].GetString(), a), a);
  }
  const std::string key = "fax:" + evidence.sha256 + ":" + std::to_string(page.page);
  const std::string binaryUrl = "urn:uuid:" + uuidOf(key + ":binary");
  const std::string documentUrl = "urn:uuid:" + uuidOf(key + ":document");
  const std::string contentType = imageContentType(evidence.image);
  const std::string when = utcInstant(evidence.receivedMs);

  Value binary(rapidjson::kObjectType);
  binary.AddMember("resourceType", "Binary", a);
  binary.AddMember("contentType", str(contentType, a), a);
  binary.AddMember("data", str(base64(evidence.image), a), a);

  Value document(rapidjson::kObjectType);
  document.AddMember("resourceType", "DocumentReference", a);
  document.AddMember("status", "current", a);
  Value type(rapidjson::kObjectType);
  type.AddMember("text", str("FAX受信帳票: " + form.title, a), a);
  document.AddMember("type", type, a);
  if (!patient.empty()) document.AddMember("subject", reference(patient, a), a);
  document.AddMember("date", str(when, a), a);
  document.AddMember("description", str(form.id + " " + form.version + ", page " + std::to_string(page.page), a), a);
  Value content(rapidjson::kArrayType);
  Value image(rapidjson::kObjectType);
  Value imageAttachment = attachment(contentType, evidence.fileName, a);
  imageAttachment.AddMember("url", str(binaryUrl, a), a);
  image.AddMember("attachment", imageAttachment, a);
  content.PushBack(image, a);
  Value reading(rapidjson::kObjectType);
  Value readingAttachment = attachment("application/json", "OCR reading", a);
  readingAttachment.AddMember("data", str(base64(readingsJson(page)), a), a);
  reading.AddMember("attachment", readingAttachment, a);
  content.PushBack(reading, a);
  document.AddMember("content", content, a);

  Value provenance(rapidjson::kObjectType);
  provenance.AddMember("resourceType", "Provenance", a);
  provenance.AddMember("target", targets, a);
  provenance.AddMember("recorded", str(when, a), a);
  Value agents(rapidjson::kArrayType);
  const auto agent = [&](const char* code, const char* display, const std::string& who) {
    Value ag(rapidjson::kObjectType);
    ag.AddMember("type", coding("http://terminology.hl7.org/CodeSystem/provenance-participant-type", code, display, a), a);
    Value whoValue(rapidjson::kObjectType);
    whoValue.AddMember("display", str(who, a), a);
    ag.AddMember("who", whoValue, a);
    agents.PushBack(ag, a);
  };
  agent("assembler", "Assembler", "Renkei OCR (" + form.id + ")");
  for (const std::string& person : evidence.confirmedBy) agent("verifier", "Verifier", person);
  provenance.AddMember("agent", agents, a);
  Value entity(rapidjson::kObjectType);
  entity.AddMember("role", "source", a);
  entity.AddMember("what", reference(documentUrl, a), a);
  Value entities(rapidjson::kArrayType);
  entities.PushBack(entity, a);
  provenance.AddMember("entity", entities, a);

  entries.PushBack(entry(binaryUrl, std::move(binary), a), a);
  entries.PushBack(entry(documentUrl, std::move(document), a), a);
  entries.PushBack(entry("urn:uuid:" + uuidOf(key + ":provenance"), std::move(provenance), a), a);
  rapidjson::StringBuffer out;
  renkei::fhir::RunCopyingWriter writer(out);
  bundle.Accept(writer);
  return std::string(out.GetString(), out.GetSize());
}

}  // namespace renkei::forms
