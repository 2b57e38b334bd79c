// Code translation tables kept as FHIR ConceptMap JSON files, looked up by the map's name or id.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "renkei/core/status.h"

namespace renkei::mapping {

/// One ConceptMap: group[].element[].code → target[0].code when that target's equivalence is
/// equal, equivalent, wider or narrower (absent counts as equivalent); other elements are
/// unmapped. reverse() gives the first source (in file order) of a target code.
class ConceptMapLookup {
 public:
  std::optional<std::string> forward(std::string_view code) const;
  std::optional<std::string> reverse(std::string_view code) const;
  /// Every mapped source code, in code order (a form's code list).
  std::vector<std::string> sourceCodes() const {
    std::vector<std::string> out;
    for (const auto& [code, target] : forward_) out.push_back(code);
    return out;
  }
  /// The first group's source and target systems ("" when absent).
  const std::string& sourceSystem() const { return sourceSystem_; }
  const std::string& targetSystem() const { return targetSystem_; }
  const std::string& name() const { return name_; }

 private:
  friend class ConceptMapLookups;
  std::string name_;
  std::string sourceSystem_;
  std::string targetSystem_;
  std::map<std::string, std::string, std::less<>> forward_;
  std::map<std::string, std::string, std::less<>> reverse_;
};

class ConceptMapLookups {
 public:
  /// Adds one ConceptMap (JSON text); `origin` (its file name) prefixes errors. InvalidInput for
  /// bad JSON, another resourceType, no name or id, a source code mapped to two different targets;
  /// Conflict when a map of the same name or id is already loaded.
  Status addFromJson(std::string_view json, const std::string& origin);
  /// By the map's "name" or "id"; nullptr when none.
  const ConceptMapLookup* find(std::string_view name) const;

 private:
  std::map<std::string, std::shared_ptr<const ConceptMapLookup>, std::less<>> byName_;
};

}  // namespace renkei::mapping
