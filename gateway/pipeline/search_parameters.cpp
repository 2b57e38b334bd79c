// The indexed search parameters per resource type (search_parameters.h) and the extraction of
// their values from a resource: a dotted path walked with arrays flattened, each leaf turned into
// index values by the parameter's kind.
#include "renkei/pipeline/search_parameters.h"

#include <algorithm>
#include <map>

#include "renkei/core/json_fields.h"
#include "renkei/pipeline/search_values.h"
#include "renkei/routing/municipalities.h"

namespace renkei::pipeline {
namespace {

using rapidjson::Value;
using K = SearchKind;

const std::map<std::string_view, std::vector<SearchParameter>, std::less<>>& table() {
  static const std::map<std::string_view, std::vector<SearchParameter>, std::less<>> params = {
      {"Patient",
       {{"identifier", K::Identifier, "identifier", ""},
        {"name", K::String, "name", ""},
        {"birthdate", K::Date, "birthDate", ""},
        {"gender", K::Token, "gender", ""},
        {"address-city", K::String, "address.city", ""},
        {"address-postalcode", K::String, "address.postalCode", ""},
        {"municipality", K::Municipality, "address", ""},
        {"general-practitioner", K::Reference, "generalPractitioner", ""},
        {"organization", K::Reference, "managingOrganization", "Organization"}}},
      {"Encounter",
       {{"identifier", K::Identifier, "identifier", ""},
        {"patient", K::Reference, "subject", "Patient"},
        {"date", K::Date, "period.start", ""},
        {"class", K::Token, "class", ""},
        {"status", K::Token, "status", ""},
        {"participant", K::Reference, "participant.individual", ""},
        {"service-provider", K::Reference, "serviceProvider", "Organization"}}},
      {"Organization",
       {{"identifier", K::Identifier, "identifier", ""},
        {"name", K::String, "name", ""},
        {"name", K::String, "alias", ""},
        {"type", K::Token, "type", ""},
        {"active", K::Token, "active", ""},
        {"address-city", K::String, "address.city", ""},
        {"address-postalcode", K::String, "address.postalCode", ""},
        {"municipality", K::Municipality, "address", ""},
        {"area", K::Area, "address", ""},
        {"partof", K::Reference, "partOf", "Organization"},
        {"endpoint", K::Reference, "endpoint", "Endpoint"}}},
      {"Practitioner",
       {{"identifier", K::Identifier, "identifier", ""},
        {"name", K::String, "name", ""},
        {"active", K::Token, "active", ""}}},
      {"PractitionerRole",
       {{"identifier", K::Identifier, "identifier", ""},
        {"practitioner", K::Reference, "practitioner", "Practitioner"},
        {"organization", K::Reference, "organization", "Organization"},
        {"role", K::Token, "code", ""},
        {"specialty", K::Token, "specialty", ""},
        {"location", K::Reference, "location", "Location"},
        {"service", K::Reference, "healthcareService", "HealthcareService"},
        {"endpoint", K::Reference, "endpoint", "Endpoint"},
        {"active", K::Token, "active", ""}}},
      {"HealthcareService",
       {{"identifier", K::Identifier, "identifier", ""},
        {"name", K::String, "name", ""},
        {"organization", K::Reference, "providedBy", "Organization"},
        {"service-category", K::Token, "category", ""},
        {"service-type", K::Token, "type", ""},
        {"specialty", K::Token, "specialty", ""},
        {"characteristic", K::Token, "characteristic", ""},
        {"program", K::Token, "program", ""},
        {"location", K::Reference, "location", "Location"},
        {"coverage-area", K::Reference, "coverageArea", "Location"},
        {"endpoint", K::Reference, "endpoint", "Endpoint"},
        {"active", K::Token, "active", ""}}},
      {"Location",
       {{"identifier", K::Identifier, "identifier", ""},
        {"name", K::String, "name", ""},
        {"status", K::Token, "status", ""},
        {"operational-status", K::Token, "operationalStatus", ""},
        {"type", K::Token, "type", ""},
        {"physical-type", K::Token, "physicalType", ""},
        {"organization", K::Reference, "managingOrganization", "Organization"},
        {"partof", K::Reference, "partOf", "Location"},
        {"address-city", K::String, "address.city", ""},
        {"address-postalcode", K::String, "address.postalCode", ""},
        {"municipality", K::Municipality, "address", ""},
        {"area", K::Area, "address", ""},
        {"endpoint", K::Reference, "endpoint", "Endpoint"}}},
      {"Endpoint",
       {{"identifier", K::Identifier, "identifier", ""},
        {"name", K::String, "name", ""},
        {"organization", K::Reference, "managingOrganization", "Organization"},
        {"connection-type", K::Token, "connectionType", ""},
        {"status", K::Token, "status", ""}}},
      {"CareTeam",
       {{"identifier", K::Identifier, "identifier", ""},
        {"patient", K::Reference, "subject", "Patient"},
        {"participant", K::Reference, "participant.member", ""},
        {"category", K::Token, "category", ""},
        {"status", K::Token, "status", ""}}},
      {"Task",
       {{"identifier", K::Identifier, "identifier", ""},
        {"patient", K::Reference, "for", "Patient"},
        {"owner", K::Reference, "owner", ""},
        {"focus", K::Reference, "focus", ""},
        {"code", K::Token, "code", ""},
        {"status", K::Token, "status", ""}}},
      {"Communication",
       {{"identifier", K::Identifier, "identifier", ""},
        {"patient", K::Reference, "subject", "Patient"},
        {"recipient", K::Reference, "recipient", ""},
        {"status", K::Token, "status", ""}}},
      {"Consent",
       {{"identifier", K::Identifier, "identifier", ""},
        {"patient", K::Reference, "patient", "Patient"},
        {"status", K::Token, "status", ""}}},
      {"Subscription",
       {{"status", K::Token, "status", ""},
        {"type", K::Token, "channel.type", ""},
        {"url", K::String, "channel.endpoint", ""}}},
  };
  return params;
}

}  // namespace

std::vector<std::string> indexedTypes() {
  std::vector<std::string> out;
  for (const auto& [type, params] : table()) out.emplace_back(type);
  return out;
}

namespace {

/// Calls `leaf` with every value at `path` under `v` (arrays flattened at each step).
template <typename F>
void walk(const Value& v, std::string_view path, F&& leaf) {
  if (v.IsArray()) {
    for (const Value& item : v.GetArray()) walk(item, path, leaf);
    return;
  }
  if (path.empty()) {
    leaf(v);
    return;
  }
  const std::size_t dot = path.find('.');
  const std::string key(path.substr(0, dot));
  const Value* next = json::member(v, key.c_str());
  if (next) walk(*next, dot == std::string_view::npos ? "" : path.substr(dot + 1), leaf);
}

void addToken(std::vector<std::pair<std::string, std::string>>& out, const std::string& name,
              const Value& v) {
  if (v.IsString()) {
    out.emplace_back(name, v.GetString());
  } else if (v.IsBool()) {
    out.emplace_back(name, v.GetBool() ? "true" : "false");
  } else if (v.IsObject()) {
    // The words of a CodeableConcept or Coding, for the :text modifier.
    for (const char* words : {"text", "display"}) {
      const std::string n = normalizeName(json::str(v, words));
      if (!n.empty()) out.emplace_back(name + ":text", n);
    }
    if (const Value* codings = json::member(v, "coding")) {
      walk(*codings, "", [&](const Value& c) { addToken(out, name, c); });
      return;
    }
    const std::string code = json::str(v, "code");
    if (code.empty()) return;
    out.emplace_back(name, code);
    const std::string system = json::str(v, "system");
    if (!system.empty()) out.emplace_back(name, system + "|" + code);
  }
}

void addString(std::vector<std::pair<std::string, std::string>>& out, const std::string& name,
               const Value& v) {
  auto add = [&](const std::string& text) {
    const std::string n = normalizeName(text);
    if (!n.empty()) out.emplace_back(name, n);
  };
  if (v.IsString()) {
    add(v.GetString());
    return;
  }
  if (!v.IsObject()) return;
  // A HumanName: each part, family and given together, and its text.
  std::string given;
  json::each(v, "given", [&](const Value& g) {
    if (g.IsString()) given += g.GetString();
  });
  const std::string family = json::str(v, "family");
  for (const std::string& part : {family, given, family + given, json::str(v, "text")}) add(part);
}

std::string referenceValue(const Value& v) {
  std::string ref = json::str(v, "reference");
  const std::size_t history = ref.find("/_history/");
  if (history != std::string::npos) ref.resize(history);
  // The tail "Type/id" of an absolute reference.
  const std::size_t last = ref.rfind('/');
  if (last == std::string::npos || last == 0) return "";
  const std::size_t typeStart = ref.rfind('/', last - 1);
  return typeStart == std::string::npos ? ref : ref.substr(typeStart + 1);
}

const routing::Municipality* municipalityOf(const Value& address) {
  if (!address.IsObject()) return nullptr;
  return routing::MunicipalityTable::tokyo().fromAddress(json::str(address, "city"),
                                                         json::str(address, "text"));
}

}  // namespace

const std::vector<SearchParameter>& searchParametersOf(std::string_view type) {
  static const std::vector<SearchParameter> none;
  auto it = table().find(type);
  return it == table().end() ? none : it->second;
}

const SearchParameter* findSearchParameter(std::string_view type, std::string_view name) {
  for (const SearchParameter& p : searchParametersOf(type)) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string_view searchKindName(SearchKind kind) {
  switch (kind) {
    case K::String: return "string";
    case K::Date: return "date";
    case K::Reference: return "reference";
    default: return "token";
  }
}

bool isDirectoryType(std::string_view type) {
  return type == "Organization" || type == "Practitioner" || type == "PractitionerRole" ||
         type == "HealthcareService" || type == "Location" || type == "Endpoint";
}

std::vector<std::pair<std::string, std::string>> searchValues(const Value& r,
                                                              std::string_view onlyParam) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const SearchParameter& p : searchParametersOf(json::str(r, "resourceType"))) {
    if (!onlyParam.empty() && p.name != onlyParam) continue;
    const std::string name(p.name);
    walk(r, p.path, [&](const Value& v) {
      switch (p.kind) {
        case K::Token:
          addToken(out, name, v);
          break;
        case K::Identifier: {
          const std::string value = json::str(v, "value");
          if (value.empty()) break;
          out.emplace_back(name, json::str(v, "system") + "|" + value);
          out.emplace_back(name + ":value", value);
          break;
        }
        case K::String:
          addString(out, name, v);
          break;
        case K::Date: {
          const std::string date = v.IsString() ? v.GetString() : json::str(v, "start");
          if (!date.empty()) out.emplace_back(name, date.substr(0, 10));
          break;
        }
        case K::Reference: {
          const std::string ref = referenceValue(v);
          if (!ref.empty()) out.emplace_back(name, ref);
          break;
        }
        case K::Municipality:
          if (const routing::Municipality* m = municipalityOf(v)) out.emplace_back(name, m->code);
          break;
        case K::Area:
          if (const routing::Municipality* m = municipalityOf(v)) {
            out.emplace_back(name, m->medicalArea);
          }
          break;
      }
    });
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace renkei::pipeline
