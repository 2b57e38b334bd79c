// The loaded definition set: StructureDefinitions by canonical URL and type name, plus local
// terminology. Built once at start-up, then immutable and shared by every thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "renkei/core/arena.h"
#include "renkei/core/status.h"
#include "renkei/fhir/structure.h"
#include "renkei/fhir/terminology.h"

namespace renkei::fhir {

class Definitions {
 public:
  Definitions() = default;
  Definitions(const Definitions&) = delete;
  Definitions& operator=(const Definitions&) = delete;

  /// A StructureDefinition by canonical URL ("|version" is ignored), or nullptr.
  const StructureDef* structure(std::string_view canonical) const;
  /// The base (non-profile) definition of a type or resource name, or nullptr.
  const StructureDef* baseType(std::string_view typeName) const;
  bool isResourceType(std::string_view name) const;
  bool isPrimitiveType(std::string_view name) const;
  /// True when `type` is `ancestor` or derives from it by specialization (Quantity → Age).
  bool specializes(std::string_view type, std::string_view ancestor) const;

  const Terminology& terminology() const { return terminology_; }
  std::size_t structureCount() const { return byUrl_.size(); }
  /// Number of constraints over every structure; Constraint::id is below it.
  std::size_t constraintCount() const { return constraintCount_; }
  const std::vector<std::string>& loadWarnings() const { return warnings_; }
  /// Every profile (derivation = constraint) loaded, for listing.
  std::vector<const StructureDef*> profiles() const;
  /// Every StructureDefinition loaded.
  std::vector<const StructureDef*> structures() const;

  // Building; not thread-safe, done before the set is shared.
  void add(std::unique_ptr<StructureDef> sd);
  Terminology& mutableTerminology() { return terminology_; }
  Arena& arena() { return arena_; }
  void warn(std::string message) { warnings_.push_back(std::move(message)); }
  /// Links base definitions; call once after everything is added.
  void link();

 private:
  std::unordered_map<std::string, std::unique_ptr<StructureDef>, StringViewHash, std::equal_to<>>
      byUrl_;
  std::unordered_map<std::string, const StructureDef*, StringViewHash, std::equal_to<>> byType_;
  Terminology terminology_;
  Arena arena_{1 << 20};
  std::vector<std::string> warnings_;
  std::size_t constraintCount_ = 0;
};

/// Where definitions come from.
struct DefinitionSources {
  /// Directory with the R4 core bundles (profiles-types.json, profiles-resources.json, ...).
  std::string coreDirectory;
  /// FHIR packages: npm-format .tgz files, package folders, or folders of resource JSON files.
  std::vector<std::string> packages;
};

Result<std::shared_ptr<const Definitions>> loadDefinitions(const DefinitionSources& sources);

}  // namespace renkei::fhir
