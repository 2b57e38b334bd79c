// Turns StructureDefinition resources (node trees) into compiled StructureDefs.
#pragma once

#include <memory>
#include <string>

#include "renkei/core/arena.h"
#include "renkei/core/status.h"
#include "renkei/fhir/structure.h"

namespace renkei::fhir {

/// Which ElementDefinition properties a differential element sets (for snapshot generation).
enum PatchField : uint32_t {
  kSetMin = 1u << 0,
  kSetMax = 1u << 1,
  kSetTypes = 1u << 2,
  kSetBinding = 1u << 3,
  kSetFixed = 1u << 4,
  kSetPattern = 1u << 5,
  kSetSlicing = 1u << 6,
  kSetConstraints = 1u << 7,
  kSetMustSupport = 1u << 8,
  kSetModifier = 1u << 9,
  kSetMaxLength = 1u << 10,
  kSetContentReference = 1u << 11,
  kSetRegex = 1u << 12,
};

struct ElementPatch {
  ElementDef def;
  uint32_t sets = 0;
  std::string contentReference;  ///< "#Questionnaire.item", resolved when linking
  std::string error;             ///< why the element cannot be used (e.g. a bad regex)
};

/// Compiles one ElementDefinition. Fixed/pattern values are copied into `arena`.
ElementPatch compileElement(const Node& element, Arena& arena, const std::string& sdUrl);

/// The header fields of a StructureDefinition (everything but elements).
std::unique_ptr<StructureDef> compileHeader(const Node& resource);

/// Compiles a StructureDefinition that has a snapshot.
Result<std::unique_ptr<StructureDef>> compileStructure(const Node& resource, Arena& arena,
                                                       const std::string& origin);

/// Builds parent/child/slice links from element ids and resolves content references.
/// `contentRefs[i]` is element i's contentReference ("" when none).
Status linkElements(StructureDef& sd, const std::vector<std::string>& contentRefs);

/// "string" → "String": how a type names a choice element.
std::string choiceSuffixFor(std::string_view typeCode);

}  // namespace renkei::fhir
