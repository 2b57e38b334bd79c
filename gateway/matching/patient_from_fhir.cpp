// patientRecordFromFhir: the fields of a Patient resource that matching compares.
#include "renkei/matching/patient_from_fhir.h"

#include <string>
#include <string_view>

#include "renkei/matching/match_keys.h"

namespace renkei::matching {
namespace {

using rapidjson::Value;

constexpr const char* kRepresentation =
    "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation";

std::string str(const Value& v, const char* key) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

const Value* array(const Value& v, const char* key) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsArray() ? &it->value : nullptr;
}

/// "IDE", "SYL" or "" from a HumanName's representation extension.
std::string representation(const Value& name) {
  const Value* extensions = array(name, "extension");
  if (extensions == nullptr) return "";
  for (const Value& e : extensions->GetArray()) {
    if (e.IsObject() && str(e, "url") == kRepresentation) return str(e, "valueCode");
  }
  return "";
}

std::string givenOf(const Value& name) {
  std::string out;
  if (const Value* given = array(name, "given")) {
    for (const Value& g : given->GetArray()) {
      if (!g.IsString()) continue;
      if (!out.empty()) out += ' ';
      out += g.GetString();
    }
  }
  return out;
}

/// Kana only (with spaces, dots and long-vowel marks): what a name in kana looks like.
bool allKana(const std::string& text) {
  const std::string key = kanaKey(text);
  if (key.empty()) return false;
  for (char32_t c : codePoints(key)) {
    if (c < 0x3041 || c > 0x309F) return false;
  }
  return true;
}

}  // namespace

PatientRecord patientRecordFromFhir(const Value& patient) {
  PatientRecord r;
  if (!patient.IsObject()) return r;
  if (const Value* identifiers = array(patient, "identifier")) {
    for (const Value& id : identifiers->GetArray()) {
      if (id.IsObject()) r.identifiers.push_back({str(id, "system"), str(id, "value")});
    }
  }
  if (const Value* names = array(patient, "name")) {
    for (const Value& name : names->GetArray()) {
      if (!name.IsObject()) continue;
      const std::string family = str(name, "family");
      const std::string given = givenOf(name);
      std::string kind = representation(name);
      if (kind.empty()) kind = allKana(family + given) ? "SYL" : "IDE";
      if (kind == "SYL" && r.familyKana.empty() && r.givenKana.empty()) {
        r.familyKana = family;
        r.givenKana = given;
      } else if (kind != "SYL" && r.familyName.empty() && r.givenName.empty()) {
        r.familyName = family;
        r.givenName = given;
      }
    }
  }
  r.birthDate = str(patient, "birthDate");
  r.sex = str(patient, "gender");
  if (const Value* addresses = array(patient, "address")) {
    for (const Value& a : addresses->GetArray()) {
      if (!a.IsObject()) continue;
      r.postalCode = str(a, "postalCode");
      r.municipality = kanjiKey(str(a, "city"));
      break;
    }
  }
  if (const Value* telecom = array(patient, "telecom")) {
    for (const Value& t : telecom->GetArray()) {
      if (t.IsObject() && str(t, "system") == "phone" && !str(t, "value").empty()) {
        r.phone = str(t, "value");
        break;
      }
    }
  }
  return r;
}

const rapidjson::Value* firstPatient(const rapidjson::Value& root) {
  if (!root.IsObject()) return nullptr;
  auto type = root.FindMember("resourceType");
  if (type == root.MemberEnd() || !type->value.IsString()) return nullptr;
  if (std::string_view(type->value.GetString(), type->value.GetStringLength()) == "Patient") {
    return &root;
  }
  auto entries = root.FindMember("entry");
  if (entries == root.MemberEnd() || !entries->value.IsArray()) return nullptr;
  for (const rapidjson::Value& entry : entries->value.GetArray()) {
    if (!entry.IsObject()) continue;
    auto resource = entry.FindMember("resource");
    if (resource != entry.MemberEnd()) {
      if (const rapidjson::Value* p = firstPatient(resource->value)) return p;
    }
  }
  return nullptr;
}

}  // namespace renkei::matching
