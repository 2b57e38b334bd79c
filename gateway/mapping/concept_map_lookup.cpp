// Loads FHIR ConceptMap JSON into forward and reverse code tables, registered by name and id.
#include "renkei/mapping/concept_map_lookup.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

namespace renkei::mapping {
namespace {

using rapidjson::Value;

std::string stringMember(const Value& object, const char* key) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

const Value* arrayMember(const Value& object, const char* key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsArray() ? &it->value : nullptr;
}

bool acceptedEquivalence(const std::string& e) {
  return e.empty() || e == "equal" || e == "equivalent" || e == "wider" || e == "narrower";
}

}  // namespace

std::optional<std::string> ConceptMapLookup::forward(std::string_view code) const {
  auto it = forward_.find(code);
  if (it == forward_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> ConceptMapLookup::reverse(std::string_view code) const {
  auto it = reverse_.find(code);
  if (it == reverse_.end()) return std::nullopt;
  return it->second;
}

Status ConceptMapLookups::addFromJson(std::string_view json, const std::string& origin) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    return Status::invalidInput(origin + ": not valid JSON at offset " + std::to_string(doc.GetErrorOffset()) +
                                ": " + rapidjson::GetParseError_En(doc.GetParseError()));
  }
  if (stringMember(doc, "resourceType") != "ConceptMap") {
    return Status::invalidInput(origin + ": not a ConceptMap (resourceType)");
  }
  auto map = std::make_shared<ConceptMapLookup>();
  const std::string name = stringMember(doc, "name");
  const std::string id = stringMember(doc, "id");
  if (name.empty() && id.empty()) return Status::invalidInput(origin + ": the ConceptMap has neither name nor id");
  map->name_ = name.empty() ? id : name;
  const Value* groups = arrayMember(doc, "group");
  if (groups == nullptr) return Status::invalidInput(origin + ": the ConceptMap has no group");
  bool firstGroup = true;
  for (const Value& group : groups->GetArray()) {
    if (firstGroup) {
      map->sourceSystem_ = stringMember(group, "source");
      map->targetSystem_ = stringMember(group, "target");
      firstGroup = false;
    }
    const Value* elements = arrayMember(group, "element");
    if (elements == nullptr) continue;
    for (const Value& element : elements->GetArray()) {
      const std::string code = stringMember(element, "code");
      const Value* targets = arrayMember(element, "target");
      if (code.empty() || targets == nullptr || targets->Empty()) continue;
      const Value& target = (*targets)[0];
      const std::string targetCode = stringMember(target, "code");
      if (targetCode.empty() || !acceptedEquivalence(stringMember(target, "equivalence"))) continue;
      auto [it, added] = map->forward_.emplace(code, targetCode);
      if (!added && it->second != targetCode) {
        return Status::invalidInput(origin + ": code '" + code + "' maps to both '" + it->second + "' and '" +
                                    targetCode + "'");
      }
      map->reverse_.emplace(targetCode, code);
    }
  }
  for (const std::string& key : {name, id}) {
    if (key.empty()) continue;
    auto existing = byName_.find(key);
    if (existing != byName_.end() && existing->second != map) {
      return Status::conflict(origin + ": a ConceptMap named '" + key + "' is already loaded");
    }
  }
  for (const std::string& key : {name, id}) {
    if (!key.empty()) byName_[key] = map;
  }
  return {};
}

const ConceptMapLookup* ConceptMapLookups::find(std::string_view name) const {
  auto it = byName_.find(name);
  return it == byName_.end() ? nullptr : it->second.get();
}

}  // namespace renkei::mapping
